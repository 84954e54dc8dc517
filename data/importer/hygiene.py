"""Invisible characters removed from a file's cells and headers, each removal listed by row.

Bidirectional overrides and isolates make a name display reversed or reordered (an area or
partner name that reads differently from what is stored); zero-width characters make two
names that look alike compare unequal. Neither belongs in government data, so both are
removed at import, and the preview and the report say where and why.
"""

from __future__ import annotations

import re

import pandas as pd

# U+202A-U+202E embeddings/overrides, U+2066-U+2069 isolates, marks (LRM, RLM, ALM).
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# Zero-width space/joiners, word joiner, BOM as a character, soft hyphen.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_BIDI = re.compile(f"[{BIDI}]")
_ZERO = re.compile(f"[{ZERO_WIDTH}]")
_ANY = re.compile(f"[{BIDI}{ZERO_WIDTH}]")
HEADER_ROW = 0  # row number used for a header cell in the list of removals


def has_hidden(text: str) -> bool:
    return bool(_ANY.search(text))


def strip_hidden(text: str) -> str:
    return _ANY.sub("", text)


def reason_of(text: str) -> str:
    """``bidi`` when the text held a direction override, else ``zero_width``."""
    return "bidi" if _BIDI.search(text) else "zero_width"


def scrub_frame(frame: pd.DataFrame, row_column: str) -> tuple[pd.DataFrame, list[dict]]:
    """The frame with hidden characters removed from headers and cells, and what was removed.

    Each removal is ``{"row", "column", "reason"}`` (row 0 for a header); ``reason`` is
    ``bidi`` or ``zero_width``. Columns without any such character cost one scan.
    """
    removed: list[dict] = []
    renamed = {}
    for col in frame.columns:
        if col != row_column and isinstance(col, str) and has_hidden(col):
            clean = strip_hidden(col).strip() or "column"
            removed.append({"row": HEADER_ROW, "column": clean, "reason": reason_of(col)})
            renamed[col] = clean
    if renamed:
        frame = frame.rename(columns=renamed)
    for col in frame.columns:
        if col == row_column:
            continue
        s = frame[col]
        if s.dtype != object and not pd.api.types.is_string_dtype(s):
            continue
        hit = s.astype(str).str.contains(_ANY.pattern, regex=True)
        if not hit.any():
            continue
        bad = s[hit]
        reasons = bad.map(reason_of)
        for row, reason in zip(frame.loc[hit, row_column].tolist(), reasons.tolist(),
                               strict=True):
            removed.append({"row": int(row), "column": str(col), "reason": reason})
        frame.loc[hit, col] = bad.str.replace(_ANY.pattern, "", regex=True)
    removed.sort(key=lambda r: (r["row"], r["column"]))
    return frame, removed
