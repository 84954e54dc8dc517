"""Which provinces border which: a fixed reference table, derived once from the boundaries.

Provinces' neighbours do not change when a more precise boundary file is installed, so the rules
that compare a province with its neighbours read this table and need no geometry
(``python -m geo.adjacency`` rewrites it; a test checks it against the built-in layer)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TABLE_FILE = Path(__file__).resolve().parent / "province_neighbours.json"


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = json.loads(TABLE_FILE.read_text(encoding="utf-8"))["neighbours"]
    return tuple((code, tuple(near)) for code, near in sorted(raw.items()))


def province_neighbours() -> dict[str, tuple[str, ...]]:
    """Each province code's neighbouring province codes, sorted."""
    return dict(_table())
