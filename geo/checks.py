"""Checks that a boundary file is the level it is imported as (codes, names, geometry, coverage)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from domain.area_match import current_codes, match_area_names
from geo import boundaries
from geo.boundaries import CODE_LENGTH, LEVELS

# Below this median share of an imported unit inside the built-in unit of the same code, the
# file is taken for another level or shifted codes (a partial but right file scores near 1).
MIN_INSIDE = 0.5
# --replace with fewer units than this share of the level's current units is refused: the rest
# of the country would lose its map.
MIN_REPLACE_COVERAGE = 0.9


def detect_file_level(gdf: gpd.GeoDataFrame) -> tuple[str | None, str]:
    """The finest level whose codes (or names, in a column named for that level) the file's
    features carry, and the evidence in words; (None, "") when nothing says."""
    from geo.importer import NAME_FIELDS, columns_by_key, find_code_field

    for level in reversed(LEVELS):
        col = find_code_field(gdf, level)
        if col is not None:
            return level, f"column {col} holds {CODE_LENGTH[level]}-digit {level} codes"
    cols = columns_by_key(gdf)
    for level in reversed(LEVELS):
        # Only columns named for the level: a tambon often shares its district's name, so
        # names in a generic column prove nothing about the level.
        for name in NAME_FIELDS[level][:10]:
            if name not in cols:
                continue
            values = gdf[cols[name]].tolist()
            got = match_area_names(values, level)
            hits = sum(1 for m in got if m.matched or m.reason == "ambiguous")
            if values and hits >= 0.5 * len(values):
                return level, f"column {cols[name]} holds {level} names"
    return None, ""


def finer_level_message(file_name: str, level: str, found: str, evidence: str,
                        features: int, units: int) -> str:
    return (f"{file_name} looks like {found} boundaries, not {level}s: {evidence} "
            f"({features} features). Imported as {level}s they would be dissolved into "
            f"{units} {level} polygon{'s' if units != 1 else ''}. Import it with --level "
            f"{found}, or pass --force if you mean to dissolve it into {level}s. "
            "Nothing was installed.")


def inside_builtin(out: gpd.GeoDataFrame, level: str) -> tuple[float | None, int]:
    """Median share of each imported unit's area that lies inside the built-in unit of the same
    code, and how many units were compared; (None, 0) without a built-in layer."""
    provinces = sorted({c[:2] for c in out["code"]}) if level == "subdistrict" else [None]
    frames = [f for f in (boundaries.load_builtin(level, p) for p in provinces) if f is not None]
    if not frames:
        return None, 0
    ref = pd.concat(frames, ignore_index=True).set_index("code").geometry
    both = out[out["code"].isin(ref.index)]
    if both.empty:
        return None, 0
    mine = both.geometry.to_numpy()
    theirs = ref.loc[both["code"]].to_numpy()
    area = shapely.area(mine)
    try:
        common = shapely.area(shapely.intersection(mine, theirs))
    except shapely.errors.GEOSException:  # a topology error only costs the check
        return None, 0
    inside = np.divide(common, area, out=np.zeros_like(area), where=area > 0)
    return float(np.median(inside)), len(both)


def replace_coverage_message(file_name: str, level: str, have: set[str]) -> str | None:
    """Why ``--replace`` with these units would be refused, or None when it covers the level."""
    current = current_codes(level)
    covered = len(have & current)
    if covered >= MIN_REPLACE_COVERAGE * len(current):
        return None
    return (f"{file_name} has {covered} of the {len(current)} current {level}s: with --replace "
            f"the other {len(current) - covered} would have no polygon. Import it without "
            f"--replace to update only these {covered} {level}s (the rest are kept), or pass "
            "--force to replace the whole level anyway. Nothing was installed.")


def inside_message(file_name: str, level: str, share: float, compared: int) -> str:
    return (f"the polygons of {file_name} do not lie where the {level}s with the same codes "
            f"are: the median unit has {share:.0%} of its area inside the built-in {level} of "
            f"its code ({compared} units compared). The file may hold another level, or its "
            f"codes may be shifted. Check --level, or pass --force to install it anyway. "
            "Nothing was installed.")
