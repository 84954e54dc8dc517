"""Display names of areas (regions, provinces, ...) in the current language."""

from __future__ import annotations

from components.datasource import get_store
from components.i18n import lang, t
from data import areas as area_registry
from data.queries import load_area


def area_title(code: str) -> str:
    if not code:
        return t("country")
    if code.startswith("R:"):
        region = next((r for r in area_registry.REGIONS_NESDC if r.code == code[2:]), None)
        if region is None:
            return code
        return region.name_th if lang() == "th" else region.name_en
    row = load_area(get_store(), code)
    if row is None:
        return code
    return row["name_th"] if lang() == "th" else row["name_en"]
