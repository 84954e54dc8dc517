"""Files for analysts to take away: tables (CSV, XLSX) and the export buttons of tables and charts.

CSV is UTF-8 with BOM (Excel opens the Thai); each file is stamped with title, area, year,
source and the data's date. The builders are plain functions (charts in
``components.chart_files``); ``render_*_exports`` add the buttons.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from domain.formatting import fmt_date
from domain.safe_text import csv_safe, formula_safe

log = logging.getLogger("warroom")



def meta_lines(meta: Any, as_of: str | None = None, lang: str = "th") -> list[str]:
    """Title, area, year (BE in Thai), source and data date, as labelled lines."""
    th = lang == "th"
    lines = [str(meta.title)]
    if getattr(meta, "area", ""):
        lines.append(f"{'พื้นที่' if th else 'Area'}: {meta.area}")
    if getattr(meta, "year", None):
        year = int(meta.year) + 543 if th else int(meta.year)
        lines.append(f"{'ปี พ.ศ.' if th else 'Year'}: {year}")
    if getattr(meta, "period", ""):
        lines.append(f"{'ช่วงเวลา' if th else 'Period'}: {meta.period}")
    if getattr(meta, "source", ""):
        lines.append(f"{'ที่มา' if th else 'Source'}: {meta.source}")
    if as_of:
        lines.append(f"{'ข้อมูล ณ' if th else 'Data as of'}: {data_date(as_of, lang)}")
    return lines


def data_date(as_of: str, lang: str = "th") -> str:
    """An ISO date as the reader's calendar writes it (``25 พ.ย. 2569``, ``25 Nov 2026``)."""
    try:
        return fmt_date(dt.date.fromisoformat(str(as_of)[:10]), lang, short=True)
    except ValueError:
        return str(as_of)


def file_stem(meta: Any, lang: str = "th") -> str:
    """The file name's stem: title, area and year, the year in the reader's calendar."""
    year = getattr(meta, "year", None)
    if year and lang == "th":
        year = int(year) + 543
    parts = [str(meta.title), str(getattr(meta, "area", "") or ""), str(year or "")]
    stem = "_".join(p for p in parts if p)
    stem = re.sub(r"[\\/:*?\"<>|\s]+", "_", stem).strip("_.")
    return stem[:80] or "export"


def dated_name(prefix: str, day: dt.date, lang: str = "th") -> str:
    """``prefix-YYYY-MM-DD`` with the year in the reader's calendar (BE in Thai)."""
    year = day.year + 543 if lang == "th" else day.year
    return f"{prefix}-{year:04d}-{day.month:02d}-{day.day:02d}"


# -- tables -------------------------------------------------------------------------------------
def export_frame(df: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The table as exported: the screen's column titles, each title once.

    A column titled like an earlier one with the same values is left out (the poverty
    table's "selected measure" is the MPI column again in its default view); one with other
    values gets its position appended to the title.
    """
    frame = df.rename(columns=labels or {})
    keep, seen = [], {}
    for i, label in enumerate(frame.columns):
        column = frame.iloc[:, i]
        if label in seen and column.equals(frame.iloc[:, seen[label]]):
            continue
        keep.append(i)
        seen.setdefault(label, i)
    out = frame.iloc[:, keep].copy()
    names, counts = [], {}
    for label in out.columns:
        counts[label] = counts.get(label, 0) + 1
        names.append(label if counts[label] == 1 else f"{label} ({counts[label]})")
    out.columns = names
    return out


def table_csv(df: pd.DataFrame, meta: Any, as_of: str | None = None, lang: str = "th") -> bytes:
    """CSV in UTF-8 with BOM: metadata lines, a blank line, then the table."""
    buf = io.StringIO()
    head = pd.DataFrame({"": [formula_safe(line) for line in meta_lines(meta, as_of, lang)]})
    head.to_csv(buf, index=False, header=False)
    buf.write("\n")
    csv_safe(df).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig")


def table_xlsx(df: pd.DataFrame, meta: Any, as_of: str | None = None, lang: str = "th") -> bytes:
    buf = io.BytesIO()
    lines = meta_lines(meta, as_of, lang)
    clean = csv_safe(df)
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": {
            "strings_to_formulas": False, "strings_to_urls": False}}) as writer:
        start = len(lines) + 1
        clean.to_excel(writer, index=False, sheet_name="data", startrow=start)
        sheet = writer.sheets["data"]
        bold = writer.book.add_format({"bold": True, "font_size": 14})
        for i, line in enumerate(lines):
            sheet.write_string(i, 0, line, bold if i == 0 else None)
        for i, col in enumerate(clean.columns):
            width = max([len(str(col))] + [len(str(v)) for v in clean[col].head(200)])
            sheet.set_column(i, i, min(60, max(8, width + 2)))
    return buf.getvalue()


# -- Streamlit buttons --------------------------------------------------------------------------
def recorded(build: Callable[[], bytes], what: str, meta: Any) -> Callable[[], bytes]:
    """Build the file on click, after recording the export (who, what, area; never values).

    No record, no file: when the audit log cannot be written the click fails with that reason.
    """
    from components import state
    from components.audit_trail import client_address, record_action
    from components.datasource import current_scope

    # Read now: the file is made on click, in a thread without the user's session.
    user, address = current_scope().user, client_address()
    area = state.area()  # the selected area's code; the title names it in words

    def run() -> bytes:
        record_action("export", area or None,
                      f"{what}: {meta.title} ({getattr(meta, 'area', '')})", user=user,
                      address=address)
        return build()

    return run


def _as_of(meta: Any) -> str | None:
    from components.datasource import fetch
    from data.importer.commit import load_data_as_of

    try:
        return fetch(load_data_as_of, tuple(getattr(meta, "kinds", ()) or ()))
    except Exception:  # noqa: BLE001 - the stamp is optional
        return None


def render_table_exports(df: pd.DataFrame, meta: Any, key: str | None,
                         labels: dict[str, str] | None = None) -> None:
    import streamlit as st

    from components.i18n import lang, t

    frame = export_frame(df, labels)
    as_of, lg = _as_of(meta), lang()
    stem = file_stem(meta, lg)
    with st.popover(t("export_button"), icon=":material/download:"):
        st.download_button(
            "CSV", data=recorded(lambda: table_csv(frame, meta, as_of, lg), "csv", meta),
            file_name=f"{stem}.csv", mime="text/csv", on_click="ignore",
            key=f"exp_csv_{key or stem}")
        st.download_button(
            "XLSX", data=recorded(lambda: table_xlsx(frame, meta, as_of, lg), "xlsx", meta),
            file_name=f"{stem}.xlsx", on_click="ignore", key=f"exp_xlsx_{key or stem}",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


_MIME = {"png": "image/png", "svg": "image/svg+xml"}


def render_chart_exports(fig: Any, meta: Any, key: str) -> None:
    """PNG, SVG and offline HTML buttons for ``fig``: a figure, or a function that builds it
    when a button is pressed (a map drawn by Leaflet exports its plotly twin, built on demand)."""
    import streamlit as st

    from components.chart_files import chart_html, chart_image
    from components.i18n import lang, t

    build = fig if callable(fig) else (lambda: fig)
    as_of, lg = _as_of(meta), lang()
    stem = file_stem(meta, lg)
    with st.popover(t("export_button"), icon=":material/download:"):
        st.caption(t("export_chart_hint"))
        for label, fmt, size, suffix in (("PNG", "png", "16:9", ""),
                                         ("PNG A4", "png", "A4", "_A4"),
                                         ("SVG", "svg", "16:9", "")):
            st.download_button(
                label, data=recorded(
                    lambda f=fmt, s=size: chart_image(build(), meta, f, as_of, lg, s), fmt,
                    meta),
                file_name=f"{stem}{suffix}.{fmt}", mime=_MIME[fmt], on_click="ignore",
                key=f"exp_{fmt}{suffix}_{key}")
        st.download_button(
            "HTML", data=recorded(lambda: chart_html(build(), meta, as_of, lg), "html", meta),
            file_name=f"{stem}.html", mime="text/html", on_click="ignore",
            key=f"exp_html_{key}")
