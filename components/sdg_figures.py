"""The SDG index and goal scores of one area or a few, cut from the whole level's results: one
cached call per level and year serves every session (as ``datasource.fetch_within``), where a call
per area cost every province or district a session picked a scoring of its own."""

from __future__ import annotations

import pandas as pd

from components.datasource import fetch
from data.sdg import NATIONAL, goal_scores_by_area, sdg_index_by_area

GOAL_COLUMNS = ["area_code", "goal", "score", "indicators", "expected", "share"]


def _level_of(code: str) -> str | None:
    """The level of an area code the SDG scores know, else None."""
    if code == NATIONAL:
        return "country"
    if len(code) in (2, 4) and code.isdigit():
        return "province" if len(code) == 2 else "district"
    return None


def _of_level(fn, code: str, year: int) -> pd.DataFrame | None:
    """The area's rows of the whole level's result (the cached call ``fetch_within`` cuts its
    provinces from; taken by code here, without its prefix matching)."""
    level = _level_of(code)
    if level is None:
        return None
    frame = fetch(fn, level, year)
    return frame[frame.area_code.to_numpy(dtype=object) == code]


def goal_scores_of(codes: tuple[str, ...], year: int) -> pd.DataFrame:
    """Goal scores of a few named areas (province, district or ``TH``) in ``year``, each scored
    against the indicators of its own level; an area the user may not see has none.

    Columns as :func:`data.sdg.goal_scores_by_area`; ``tests/test_sdg_figures.py`` holds them
    equal to each area's scores computed on its own (its level narrowed to its province).
    """
    frames = [f for f in (_of_level(goal_scores_by_area, c, year) for c in codes)
              if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame(columns=GOAL_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def index_row_of(code: str, year: int) -> pd.Series:
    """The SDG index row of one area (``data.sdg.sdg_index_by_area``'s columns); an area
    without any value this year gets the row its own working gives: no index, ``no_data``."""
    found = _of_level(sdg_index_by_area, code, year)
    if found is None or found.empty:
        return pd.Series({"area_code": code, "index": float("nan"), "reason": "no_data"})
    return found.iloc[0]
