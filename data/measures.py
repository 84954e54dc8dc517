"""Measures that are not SDG indicators (population, births, GPP, target poor): the catalogue
entries without a goal and their values by area, for browsing and maps (never scored)."""

from __future__ import annotations

import pandas as pd

from data.scope import AccessScope
from data.sdg import load_sdg_catalogue, sdg_values_by_level
from data.store import Store


def load_measures(store: Store, scope: AccessScope) -> pd.DataFrame:
    """Catalogue rows of the measures without an SDG goal."""
    cat = load_sdg_catalogue(store, scope)
    return cat[cat.goal.isna()].reset_index(drop=True)


def measure_years(store: Store, scope: AccessScope, code: str) -> list[int]:
    """Years with values of one measure, oldest first."""
    del scope  # years only
    return [int(r[0]) for r in store.rows(
        "SELECT DISTINCT year FROM sdg_values WHERE indicator_code = ? ORDER BY 1", [code])]


def measure_by_area(store: Store, scope: AccessScope, code: str, level: str, year: int,
                    parent_code: str | None = None) -> pd.DataFrame:
    """One measure's value in each area of ``level`` (within the user's scope): code, value."""
    values = sdg_values_by_level(store, scope, level, (int(year),), parent_code, code)
    return values.rename(columns={"area_code": "code"})[["code", "value"]]
