"""Data strings made safe for HTML and markdown output (names of partners, areas, users)."""

from __future__ import annotations

import html
import re

import pandas as pd

# Characters markdown (CommonMark + GitHub extensions, LaTeX via $) would interpret.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
# Where GitHub-flavoured markdown starts a link of its own: "http(s)", "ftp", "www", and the
# "@" of an e-mail address (checked after escaping, so a backslash may follow them).
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto|www)|@)(?=\\?[:.]|[\w.-])")


def html_text(value: object) -> str:
    """Text for an HTML context (folium tooltips and popups, unsafe_allow_html markdown)."""
    return html.escape("" if value is None else str(value), quote=True)


def md_text(value: object) -> str:
    """Text for ``st.markdown`` / ``st.caption``: HTML escaped, markdown syntax neutralised.

    A name such as ``<img src=x onerror=alert(1)>`` or ``${alert(1)}`` shows as typed. URLs
    and e-mail addresses stay text too: the renderer links them after escapes are undone, so a
    word joiner (invisible) is put where its link pattern would start.
    """
    text = "" if value is None else str(value)
    text = text.replace("\r", " ").replace("\n", " ")
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return _AUTOLINK.sub("\\1\u2060", text)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A signed number ("-0.6", "+1,234.5", "-3.2%") is a value to a spreadsheet, not a formula:
# it stays as typed (an apostrophe would turn "+0.0" into text with a visible quote).
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


def formula_safe(value: object) -> object:
    """``value`` with an apostrophe in front when a spreadsheet would run it as a formula."""
    if (isinstance(value, str) and value.startswith(_FORMULA_START)
            and not _PLAIN_NUMBER.fullmatch(value)):
        return f"'{value}"
    return value


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and headers cannot run as spreadsheet formulas when opened.

    Columns are taken by position: two columns may share a label.
    """
    out = df.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            out.isetitem(i, column.map(formula_safe))
    out.columns = [formula_safe(c) for c in out.columns]
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A formula-safe CSV in UTF-8 with BOM (Excel opens the Thai correctly)."""
    return csv_safe(df).to_csv(index=False).encode("utf-8-sig")
