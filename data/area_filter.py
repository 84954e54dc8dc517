"""The one predicate that selects rows inside an area: every query that narrows to a region,
province, district, subdistrict or village builds its WHERE fragment here, from a validated
code and with bound values (and rows already read are narrowed by the same rule here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from domain.areas import REGIONS_NESDC

LEVEL_WIDTH = {"province": 2, "district": 4, "subdistrict": 6, "village": 8}
_LEVEL_OF_WIDTH = {width: level for level, width in LEVEL_WIDTH.items()}
_REGIONS = {r.code: tuple(r.provinces) for r in REGIONS_NESDC}


@dataclass(frozen=True)
class Area:
    """A validated area: the country (``""``), a region (``R:NE``) or a DOPA unit."""

    code: str
    level: str  # country, region, province, district, subdistrict, village
    provinces: tuple[str, ...] = ()  # a region's provinces

    @property
    def province(self) -> str:
        return self.code[:2] if self.level not in ("country", "region") else ""


def parse_area(code: str | None) -> Area:
    """The area a code names; anything else (an unknown region, letters, a code of no DOPA
    width) raises ``ValueError``, the same way for every query."""
    code = (code or "").strip()
    if not code:
        return Area("", "country")
    if code.startswith("R:"):
        provinces = _REGIONS.get(code[2:])
        if provinces is None:
            raise ValueError(f"unknown region {code!r}")
        return Area(code, "region", provinces)
    level = _LEVEL_OF_WIDTH.get(len(code))
    if level is None or not code.isdigit():
        raise ValueError(f"not an area code: {code!r}")
    return Area(code, level)


def area_predicate(code: str | None, *, column: str | None = None, prefix: str | None = None,
                   keys: bool = False) -> tuple[str, list[Any]]:
    """A WHERE fragment selecting the rows inside the area ``code``, with its parameters.

    Give either ``column``, a code column at least as deep as the area (``village_code``,
    ``a.area_code``: matched on the area's code as its prefix), or ``prefix``, the table prefix
    of per-level code columns (``""`` or ``"p."``: ``<prefix>province_code``,
    ``<prefix>district_code``, ...; with ``keys`` their integer twins ``<prefix>province_key``,
    ...). The country selects everything.
    """
    if (column is None) == (prefix is None):
        raise TypeError("area_predicate needs exactly one of column= and prefix=")
    area = parse_area(code)
    if area.level == "country":
        return "TRUE", []
    if prefix is not None:
        suffix, value = ("_key", int) if keys else ("_code", str)
        if area.level == "region":
            # IN with one placeholder per province prunes better than ANY(list) in DuckDB.
            marks = ", ".join("?" for _ in area.provinces)
            return f"{prefix}province{suffix} IN ({marks})", [value(p) for p in area.provinces]
        return f"{prefix}{area.level}{suffix} = ?", [value(area.code)]
    if area.level == "region":
        return f"substr({column}, 1, 2) = ANY(?)", [list(area.provinces)]
    # The code is digits only, so LIKE has no wildcard in it but the one added here.
    return f"{column} LIKE ?", [area.code + "%"]


def rows_inside(frame: pd.DataFrame, code: str | None,
                column: str = "area_code") -> pd.DataFrame:
    """The rows of ``frame`` whose code ``column`` lies inside the area ``code``: what
    :func:`area_predicate` with ``column=`` selects in SQL, for rows already read."""
    area = parse_area(code)
    if area.level == "country" or frame.empty:
        return frame
    codes = frame[column].astype(str)
    keep = codes.str[:2].isin(area.provinces) if area.level == "region" \
        else codes.str.startswith(area.code)
    return frame[keep]
