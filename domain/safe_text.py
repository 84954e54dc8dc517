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


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and headers cannot run as spreadsheet formulas when opened."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    out.columns = [f"'{c}" if isinstance(c, str) and c.startswith(_FORMULA_START) else c
                   for c in out.columns]
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A formula-safe CSV in UTF-8 with BOM (Excel opens the Thai correctly)."""
    return csv_safe(df).to_csv(index=False).encode("utf-8-sig")
