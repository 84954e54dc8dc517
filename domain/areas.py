"""Area registry: provinces, districts and subdistricts from geothai, grouped into official regions."""

from __future__ import annotations

from dataclasses import dataclass

import geothai
import pandas as pd

LEVELS = ("country", "region", "province", "district", "subdistrict", "village")
CODE_LENGTH = {"province": 2, "district": 4, "subdistrict": 6, "village": 8}
LEVEL_BY_LENGTH = {v: k for k, v in CODE_LENGTH.items()}


@dataclass(frozen=True)
class Region:
    scheme: str
    code: str
    name_th: str
    name_en: str
    provinces: tuple[str, ...]


_NORTH = ("50", "51", "52", "53", "54", "55", "56", "57", "58",
          "60", "61", "62", "63", "64", "65", "66", "67")
_NORTHEAST = tuple(str(c) for c in range(30, 50))
_SOUTH_ALL = ("80", "81", "82", "83", "84", "85", "86",
              "90", "91", "92", "93", "94", "95", "96")
_CENTRAL_FOUR = tuple(str(c) for c in range(11, 28)) + tuple(str(c) for c in range(70, 78))
_EAST = ("20", "21", "22", "23", "24", "25", "27")
_SOUTHERN_BORDER = ("90", "91", "94", "95", "96")

# NESDC's six regions of its regional development plans (13th National Plan).
REGIONS_NESDC: tuple[Region, ...] = (
    Region("nesdc", "N", "ภาคเหนือ", "Northern", _NORTH),
    Region("nesdc", "NE", "ภาคตะวันออกเฉียงเหนือ", "Northeastern", _NORTHEAST),
    Region("nesdc", "C", "ภาคกลาง", "Central",
           tuple(c for c in ("10", *_CENTRAL_FOUR) if c not in _EAST)),
    Region("nesdc", "E", "ภาคตะวันออก", "Eastern", _EAST),
    Region("nesdc", "S", "ภาคใต้", "Southern",
           tuple(c for c in _SOUTH_ALL if c not in _SOUTHERN_BORDER)),
    Region("nesdc", "SB", "ภาคใต้ชายแดน", "Southern Border", _SOUTHERN_BORDER),
)

# The four regions plus Bangkok used by NSO and DOPA tables.
REGIONS_FOUR: tuple[Region, ...] = (
    Region("four", "BKK", "กรุงเทพมหานคร", "Bangkok", ("10",)),
    Region("four", "C", "ภาคกลาง", "Central", _CENTRAL_FOUR),
    Region("four", "N", "ภาคเหนือ", "Northern", _NORTH),
    Region("four", "NE", "ภาคตะวันออกเฉียงเหนือ", "Northeastern", _NORTHEAST),
    Region("four", "S", "ภาคใต้", "Southern", _SOUTH_ALL),
)

REGION_SCHEMES = {"nesdc": REGIONS_NESDC, "four": REGIONS_FOUR}


def region_of(province_code: str, scheme: str = "nesdc") -> str:
    for region in REGION_SCHEMES[scheme]:
        if province_code in region.provinces:
            return region.code
    raise KeyError(f"province {province_code} is in no {scheme} region")


def regions_frame() -> pd.DataFrame:
    rows = [
        {"scheme": r.scheme, "code": r.code, "name_th": r.name_th, "name_en": r.name_en,
         "sort_order": i}
        for scheme in REGION_SCHEMES.values()
        for i, r in enumerate(scheme)
    ]
    return pd.DataFrame(rows)


def registry_frame() -> pd.DataFrame:
    """Every current province, district and subdistrict of the DOPA list, with regions."""
    rows: list[dict[str, str | None]] = []
    for p in geothai.provinces():
        base = {"province_code": p.code, "region_nesdc": region_of(p.code, "nesdc"),
                "region_four": region_of(p.code, "four"), "status": "current"}
        rows.append({"code": p.code, "level": "province", "name_th": p.name_th,
                     "name_en": p.name_en, "parent_code": None, **base})
        for d in geothai.districts(p.code):
            rows.append({"code": d.code, "level": "district", "name_th": d.name_th,
                         "name_en": d.name_en, "parent_code": p.code, **base})
            for s in geothai.subdistricts(d.code):
                rows.append({"code": s.code, "level": "subdistrict", "name_th": s.name_th,
                             "name_en": s.name_en, "parent_code": d.code, **base})
    return pd.DataFrame(rows)


def level_of(code: str) -> str:
    """Level of a DOPA code by its length; the empty code is the whole country."""
    if not code:
        return "country"
    if code.startswith("R:"):
        return "region"
    try:
        return LEVEL_BY_LENGTH[len(code)]
    except KeyError as exc:
        raise ValueError(f"not an area code: {code!r}") from exc
