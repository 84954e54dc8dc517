"""Display names of areas (regions, provinces, ...) in the current language."""

from __future__ import annotations

from components.datasource import current_scope, fetch
from components.i18n import lang, t
from data import areas as area_registry
from data.queries import load_area, load_area_names


def area_title(code: str) -> str:
    if not code:
        # The whole country only for users who see it; others see their own provinces.
        return t("country") if current_scope().all_provinces else t("my_provinces")
    if code.startswith("R:"):
        region = next((r for r in area_registry.REGIONS_NESDC if r.code == code[2:]), None)
        if region is None:
            return code
        return region.name_th if lang() == "th" else region.name_en
    row = fetch(load_area, code)
    if row is None:
        return code
    return row["name_th"] if lang() == "th" else row["name_en"]


def area_names(codes) -> dict[str, str]:
    """Names of many areas at once (one cached query), in the current language."""
    unique = tuple(sorted({str(c) for c in codes if c}))
    if not unique:
        return {}
    df = fetch(load_area_names, unique)
    col = "name_th" if lang() == "th" else "name_en"
    return dict(zip(df.code, df[col], strict=True))
