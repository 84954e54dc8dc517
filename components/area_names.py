"""Display names of areas (regions, provinces, ...) in the current language."""

from __future__ import annotations

from components.datasource import current_scope, get_store
from components.i18n import lang, t
from data.queries import area_name_map
from domain import areas as area_registry


def area_title(code: str) -> str:
    if not code:
        # The whole country only for users who see it; others see their own provinces.
        return t("country") if current_scope().all_provinces else t("my_provinces")
    if code.startswith("R:"):
        region = next((r for r in area_registry.REGIONS_NESDC if r.code == code[2:]), None)
        if region is None:
            return code
        name = region.name_th if lang() == "th" else region.name_en
        return name if current_scope().all_provinces else t("region_own_part", region=name)
    # An area outside the user's provinces is shown by its code only, as if it did not exist.
    names = area_name_map(get_store()).get(code) if current_scope().can_see_province(code) else None
    if names is None:
        return code
    return names[0] if lang() == "th" else names[1]


def area_names(codes) -> dict[str, str]:
    """Names of many areas at once, in the current language (names are public reference data).

    Read from the registry held in memory: a cached query per call cost more to key and copy
    than the lookup it saved.
    """
    registry = area_name_map(get_store())
    i = 0 if lang() == "th" else 1
    out = {}
    for c in codes:
        if c:
            code = str(c)
            names = registry.get(code)
            if names is not None:
                out[code] = names[i]
    return out
