"""The preview of a mapped import: counts, the mapped table, rejected rows and why, the checks.

Everything that comes from the file (headers, cells, names, the file name) is shown as table
cells or escaped text (``domain.safe_text``), never as markup.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.datasource import current_scope, data_version, get_writer
from components.export import recorded
from components.i18n import lang, t
from components.ui import ExportMeta, Kpi, render_kpis
from data.alerts import after_import
from data.importer import ImportFailure, commit_import
from data.importer.pipeline import ImportPreview
from data.importer.recipes import Recipe, mark_batch_recipe
from domain.formatting import fmt_int
from domain.safe_text import csv_bytes, md_text

PREVIEW = "importx_preview"
MESSAGE = "importx_message"
PLAN = "importx_plan"


def years_text(years: list[int]) -> str:
    if not years:
        return "-"
    shown = [y + 543 for y in years] if lang() == "th" else years
    return f"{min(shown)}–{max(shown)}" if len(shown) > 1 else str(shown[0])


def _source_text(src: dict[str, str]) -> str:
    kind, value = src.get("kind"), src.get("value", "")
    if kind == "constant":
        return t("importx_src_constant", value=value)
    if kind == "filename":
        return t("importx_src_filename", value=value)
    return value


def render_read_notes(preview: ImportPreview) -> None:
    n = preview.notes
    sheet = f" [{n['sheet']}]" if n.get("sheet") else ""
    first, count = int(n.get("header_row", 1)), int(n.get("header_rows", 1))
    rows = str(first) if count == 1 else f"{first}–{first + count - 1}"
    st.caption(md_text(t("importx_file_read", fmt=n.get("format", "").upper(),
                         encoding=n.get("encoding", ""), rows=rows, sheet=sheet)))
    if n.get("wide_years"):
        st.caption(t("importx_wide", years=years_text(n["wide_years"]),
                     empty=n.get("wide_empty_cells", 0)))
    if n.get("ignored_columns"):
        # Headers are the file's own text: escaped, never markdown (issue 21).
        st.caption(md_text(t("importx_ignored", cols=", ".join(n["ignored_columns"]))))
    fields = n.get("mapping", {}).get("fields", {})
    if fields:
        with st.expander(t("importx_mapping_used", n=len(fields))):
            reasons = n.get("suggested_by", {})
            st.dataframe(pd.DataFrame({
                "field": list(fields), "source": [_source_text(s) for s in fields.values()],
                "why": [t(f"importx_reason_{reasons[f]}") if f in reasons else ""
                        for f in fields]}), hide_index=True, width="stretch", placeholder="–",
                column_config={"field": t("importx_col_field"), "source": t("importx_col_from"),
                               "why": t("importx_col_why")})
    hidden = n.get("hidden_characters") or []
    if hidden:
        st.warning(t("importx_hidden", n=fmt_int(len(hidden))))
        st.dataframe(pd.DataFrame(hidden).assign(
            reason=lambda d: d.reason.map(lambda r: t(f"importx_hidden_{r}"))).head(200),
            hide_index=True, width="stretch", placeholder="–",
            height=min(240, 38 + 35 * len(hidden)),
            column_config={"row": t("importx_row"), "column": t("importx_col_column"),
                           "reason": t("importx_reason")})


def render_checks(preview: ImportPreview) -> None:
    """The consistency checks: gaps between children and parents, non-DOPA areas, duplicates,
    values beyond bounds, years outside an indicator's range."""
    checks = preview.notes.get("checks") or {}
    gaps = checks.get("national", []) + checks.get("hierarchy", [])
    warned = [g for g in gaps if g["warn"]]
    if gaps:
        box = st.warning if warned else st.success
        box(t("importx_check_gaps", warned=len(warned), total=len(gaps),
              pct=f"{checks.get('threshold_pct', 5):g}"))
        st.dataframe(pd.DataFrame(gaps)[["parent", "key", "reference", "sum", "children",
                                         "expected", "gap_pct"]].head(300),
                     hide_index=True, width="stretch", placeholder="–",
                     height=min(300, 38 + 35 * len(gaps)),
                     column_config={"parent": t("importx_col_parent"),
                                    "key": t("importx_col_what"),
                                    "reference": t("importx_col_parent_value"),
                                    "sum": t("importx_col_children_sum"),
                                    "children": t("importx_col_children"),
                                    "expected": t("importx_col_expected"),
                                    "gap_pct": st.column_config.NumberColumn(
                                        t("importx_col_gap"), format="%.1f%%")})
    for key in ("non_dopa", "duplicates", "bounds", "years"):
        part = checks.get(key) or {}
        if not part.get("rows"):
            continue
        listed = part.get("values") or part.get("examples") or [
            str(y + 543 if lang() == "th" else y) for y in part.get("years", [])]
        st.warning(md_text(t(f"importx_check_{key}", rows=fmt_int(part["rows"]),
                             distinct=fmt_int(part.get("distinct", len(listed))))
                           + ": " + ", ".join(str(v) for v in listed[:50])))


def render_rejected(preview: ImportPreview) -> None:
    if not len(preview.rejected):
        return
    st.markdown(f"**{t('importx_rejected_rows')}**")
    report = preview.rejected_report(lang())
    st.dataframe(report.head(500), hide_index=True, width="stretch", placeholder="–", height=240,
                 column_config={"row": t("importx_row"), "reason": t("importx_reason")})
    st.download_button(t("importx_download_rejected"),
                       data=recorded(lambda: csv_bytes(report), "rejected-csv",
                                     ExportMeta(t("importx_rejected_rows"),
                                                source=preview.file_name)),
                       file_name=f"rejected_{preview.file_name}.csv", mime="text/csv",
                       on_click="ignore", key="importx_rejected_dl")


def render_preview(preview: ImportPreview, recipe: Recipe | None = None) -> None:
    c = preview.counts
    render_kpis([Kpi(t("importx_read"), fmt_int(c["read"])),
                 Kpi(t("importx_accepted"), fmt_int(c["accepted"])),
                 Kpi(t("importx_rejected"), fmt_int(c["rejected"])),
                 Kpi(t("importx_replaced"), fmt_int(c["replaced"]))])
    render_read_notes(preview)
    st.markdown(t("importx_coverage", areas=fmt_int(len(preview.areas)),
                  years=years_text(preview.years)))
    approx = preview.notes.get("approximate_matches")
    if approx:
        st.warning(md_text(t("importx_approx") + ": " + "; ".join(
            f"{k} → {v}" for k, v in approx.items())))
    if preview.existing_batch is not None:
        st.info(t("importx_already", batch=preview.existing_batch))
    render_checks(preview)
    render_rejected(preview)
    if len(preview.replaced):
        with st.expander(f"{t('importx_replaced_rows')} ({fmt_int(len(preview.replaced))})"):
            st.dataframe(preview.replaced.rename(columns={"__key": "key"})[["key"]].head(500),
                         hide_index=True, width="stretch", placeholder="–")
    if len(preview.accepted):
        st.markdown(f"**{t('importx_accepted_rows')}**")
        shown = preview.accepted.drop(columns=[c for c in preview.accepted.columns
                                               if c.startswith("__")])
        st.dataframe(shown.head(200), hide_index=True, width="stretch", placeholder="–", height=260)
    _render_commit(preview, recipe)


def _render_commit(preview: ImportPreview, recipe: Recipe | None) -> None:
    b1, b2 = st.columns([1, 4])
    if b1.button(t("importx_commit", n=fmt_int(len(preview.accepted))), type="primary",
                 key="importx_commit_btn", disabled=not len(preview.accepted)):
        try:
            result = commit_import(get_writer(), current_scope(), preview)
            if recipe is not None and not result.already:
                mark_batch_recipe(get_writer(), result.batch_id, recipe)
        except ImportFailure as exc:
            st.error(md_text(exc.message(lang())))
            return
        data_version.clear()
        if not result.already:
            after_import(get_writer(), result.batch_id)  # rules and freshness; never raises
        st.session_state.pop(PREVIEW, None)
        st.session_state.pop(PLAN, None)
        key = "importx_done_already" if result.already else "importx_done"
        st.session_state[MESSAGE] = t(key, batch=result.batch_id, inserted=fmt_int(
            result.inserted), replaced=fmt_int(result.replaced), rejected=fmt_int(
            result.rejected))
        st.rerun()
    if b2.button(t("importx_discard"), key="importx_discard_btn"):
        st.session_state.pop(PREVIEW, None)
        st.session_state.pop(PLAN, None)
        st.rerun()
