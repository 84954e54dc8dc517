"""SDG queries: the indicator catalogue, values by level, and goal/index scores of every area."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from data import codebook, config
from data.area_filter import area_predicate, parse_area
from data.scope import AccessScope
from data.store import Store
from domain import progress, ranking
from domain import sdg as scoring

LEVELS = ("province", "district")
NATIONAL = "TH"  # area code of the national figures in sdg_values

_CATALOGUE_COLUMNS = ("indicator_code, goal, un_code, name_th, name_en, unit, direction, "
                      "lower_bound, upper_bound, target_2030, source, levels, in_index, "
                      "decimals, base_year")


# The optimum scores 100 and the lower bound (the worst value) 0, whichever the direction.
_BOUNDS_SQL = (
    "COALESCE(CASE WHEN c.direction > 0 THEN 1 WHEN c.direction < 0 THEN -1 END, i.direction) "
    "AS direction, "
    "CASE WHEN c.indicator_code IS NULL THEN i.lower_bound WHEN c.direction > 0 "
    "THEN c.lower_bound ELSE c.optimum END AS lower_bound, "
    "CASE WHEN c.indicator_code IS NULL THEN i.upper_bound WHEN c.direction > 0 "
    "THEN c.optimum ELSE c.lower_bound END AS upper_bound")
_CODEBOOK_JOIN = ("FROM sdg_indicators i LEFT JOIN indicator_codebook c "
                  "ON c.indicator_code = i.indicator_code")

_CODEBOOK_SQL = (
    "SELECT i.indicator_code, i.goal, i.un_code, i.name_th, i.name_en, i.unit, "
    + _BOUNDS_SQL + ", i.target_2030, i.source, i.levels, i.in_index, i.decimals, i.base_year, "
    "CASE WHEN c.indicator_code IS NULL THEN 'catalogue' ELSE 'codebook' END AS bounds_from, "
    + ", ".join(f"c.{f} AS cb_{f}" for f in codebook.FIELDS)
    + f" {_CODEBOOK_JOIN} ORDER BY i.goal, i.indicator_code")

# What the scoring reads (domain.sdg: indicator_scores, goal_scores, applicable), with the same
# bounds as the full catalogue; the codebook's text fields are for the pages and the working.
_SCORING_SQL = (f"SELECT i.indicator_code, i.goal, {_BOUNDS_SQL}, i.levels, i.in_index "
                f"{_CODEBOOK_JOIN} WHERE i.goal IS NOT NULL ORDER BY i.goal, i.indicator_code")


def load_sdg_catalogue(store: Store, scope: AccessScope) -> pd.DataFrame:
    """Every indicator with its metadata, by goal (the catalogue is public reference data).

    Where the indicator codebook (migration 140) has a row, its direction and bounds replace
    the catalogue's (``bounds_from``) and its fields come along as ``cb_<field>``: the scoring
    reads them from here (one statement: this runs on every scoring call).
    """
    del scope
    try:
        df = store.query(_CODEBOOK_SQL)
    except Exception:  # noqa: BLE001 - a store not yet migrated to 140 has no codebook
        df = codebook.apply_codebook(store.query(
            f"SELECT {_CATALOGUE_COLUMNS} FROM sdg_indicators ORDER BY goal, indicator_code"),
            pd.DataFrame(columns=["indicator_code", *codebook.FIELDS]))
    df["in_index"] = df.in_index.fillna(True).astype(bool)
    df["decimals"] = df.decimals.fillna(1).astype(int)
    df["direction"] = df.direction.astype(int)
    return df


def load_sdg_years(store: Store, scope: AccessScope) -> list[int]:
    """Years with SDG values, oldest first."""
    del scope
    return [int(r[0]) for r in store.rows("SELECT DISTINCT year FROM sdg_values ORDER BY 1")]


def _area_filter(scope: AccessScope, level: str,
                 parent_code: str | None) -> tuple[str, list[Any]]:
    """JOIN + WHERE over ``areas a`` for the areas of ``level`` inside ``parent_code``."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    where, params = scope.sql_filter("a.province_code")
    # A parent below a province narrows to its province (the scores of a level are compared
    # within the province).
    parent = parse_area(parent_code)
    inside, inside_args = area_predicate(parent.province or parent.code, column="a.code")
    sql = f"JOIN areas a ON a.code = v.area_code WHERE a.level = ? AND {where} AND {inside}"
    return sql, [level, *params, *inside_args]


def sdg_values_by_level(store: Store, scope: AccessScope, level: str, years: tuple[int, ...],
                        parent_code: str | None = None,
                        indicator_code: str | None = None) -> pd.DataFrame:
    """Values (total, not disaggregated) of the areas of ``level`` in ``years``.

    Columns area_code, indicator_code, year, value. ``parent_code`` narrows to a region
    (``R:XX``) or a province (its first two digits); the user's scope always applies.
    """
    join, args = _area_filter(scope, level, parent_code)
    sql = ("SELECT v.area_code, v.indicator_code, v.year, v.value FROM sdg_values v "
           f"{join} AND v.disaggregation = 'total' AND v.year = ANY(?)")
    args.append([int(y) for y in years])
    if indicator_code:
        sql += " AND v.indicator_code = ?"
        args.append(indicator_code)
    return store.query(sql, args)


def national_values(store: Store, scope: AccessScope, years: tuple[int, ...],
                    indicator_code: str | None = None) -> pd.DataFrame:
    """National figures (public statistics, visible to every user): same columns."""
    del scope
    sql = ("SELECT area_code, indicator_code, year, value FROM sdg_values "
           "WHERE area_code = ? AND disaggregation = 'total' AND year = ANY(?)")
    args: list[Any] = [NATIONAL, [int(y) for y in years]]
    if indicator_code:
        sql += " AND indicator_code = ?"
        args.append(indicator_code)
    return store.query(sql, args)


def goal_scores_by_area(store: Store, scope: AccessScope, level: str, year: int,
                        parent_code: str | None = None) -> pd.DataFrame:
    """Goal scores of every area of ``level`` (or of the nation, ``level="country"``) in ``year``.

    One query for all areas, scored in vectorised pandas. Columns area_code, goal, score
    (NaN = no data under the missing-data rule), indicators, expected, share.
    """
    return _goal_scores(store, scope, level, year, parent_code, _scored_catalogue(store, scope))


def _scored_catalogue(store: Store, scope: AccessScope) -> pd.DataFrame:
    """The columns of the catalogue the scoring reads, for the indicators it scores (measures
    without a goal, such as population, GPP and target-poor counts, are browsable, not scored).
    """
    try:
        df = store.query(_SCORING_SQL)
    except Exception:  # noqa: BLE001 - a store not yet migrated to 140 has no codebook
        catalogue = load_sdg_catalogue(store, scope)
        return catalogue[catalogue.goal.notna()]
    df["in_index"] = df.in_index.fillna(True).astype(bool)
    df["direction"] = df.direction.astype(int)
    return df


def _goal_scores(store: Store, scope: AccessScope, level: str, year: int,
                 parent_code: str | None, catalogue: pd.DataFrame) -> pd.DataFrame:
    return _score_goals(_year_values(store, scope, level, year, parent_code), catalogue, level)


def _year_values(store: Store, scope: AccessScope, level: str, year: int,
                 parent_code: str | None) -> pd.DataFrame:
    if level == "country":
        return national_values(store, scope, (year,))
    return sdg_values_by_level(store, scope, level, (year,), parent_code)


def _score_goals(values: pd.DataFrame, catalogue: pd.DataFrame, level: str) -> pd.DataFrame:
    if values.empty:
        return pd.DataFrame(columns=["area_code", "goal", "score", "indicators", "expected",
                                     "share"])
    scored = scoring.indicator_scores(values, catalogue)
    return scoring.goal_scores(scored, catalogue, "province" if level == "country" else level)


def sdg_index_by_area(store: Store, scope: AccessScope, level: str, year: int,
                      parent_code: str | None = None) -> pd.DataFrame:
    """SDG index of every area of ``level`` (or the nation) in ``year``: area_code, index,
    goals, expected, category, indicators, indicators_expected, missing_share, reason (index
    NaN = no data or withheld: the reason says which; ``WARROOM_SDG_MAX_MISSING``),
    not_measured."""
    catalogue = _scored_catalogue(store, scope)
    values = _year_values(store, scope, level, year, parent_code)
    return scoring.sdg_index(_score_goals(values, catalogue, level),
                             max_missing=config.sdg_max_missing(),
                             not_measured=_not_measured_counts(store, values, level, catalogue))


def _applicable_codes(catalogue: pd.DataFrame, level: str) -> list[str]:
    applicable = scoring.applicable(catalogue, "province" if level == "country" else level)
    return sorted(set(applicable.indicator_code))


def _not_measured_counts(store: Store, values: pd.DataFrame, level: str,
                         catalogue: pd.DataFrame) -> pd.Series | None:
    """For each area in ``values`` (one year's), how many of the indicators that apply at
    ``level`` it has never had a value for, in any year (goal 14 in an inland province): the
    missing-data rule does not count them as missing (docs/methods.md). An area without a
    value of any applicable indicator counts none. None: no area lacks one this year.

    Only the areas lacking a value this year are looked up in the other years, and only when
    there are any (a year with every value leaves nothing to look up).
    """
    codes = _applicable_codes(catalogue, level)
    if values.empty or not codes:
        return None
    area_at, areas = pd.factorize(values.area_code.to_numpy(dtype=object))
    code_at = pd.Index(codes).get_indexer(values.indicator_code.to_numpy(dtype=object))
    known = code_at >= 0
    measured = np.zeros((len(areas), len(codes)), dtype=bool)
    measured[area_at[known], code_at[known]] = True
    lacking = ~measured
    if not lacking.any():
        return None
    # Narrowed by area only: a list of indicators to match as well cost more than it saved.
    seen = store.arrays(
        "SELECT DISTINCT area_code, indicator_code FROM sdg_values WHERE disaggregation = "
        "'total' AND area_code = ANY(?)",
        [[str(areas[i]) for i in np.flatnonzero(lacking.any(axis=1))]])
    seen_area = pd.Index(areas).get_indexer(np.asarray(seen["area_code"], dtype=object))
    seen_code = pd.Index(codes).get_indexer(np.asarray(seen["indicator_code"], dtype=object))
    ok = (seen_area >= 0) & (seen_code >= 0)
    measured[seen_area[ok], seen_code[ok]] = True
    ever = measured.sum(axis=1)
    never = np.where(ever > 0, len(codes) - ever, 0)
    return pd.Series(never, index=np.asarray(areas, dtype=object))


def _never_measured(store: Store, area_code: str, level: str,
                    catalogue: pd.DataFrame) -> frozenset[str]:
    """The applicable indicators one area has never had a value for (see above)."""
    codes = _applicable_codes(catalogue, level)
    rows = store.rows("SELECT DISTINCT indicator_code FROM sdg_values WHERE area_code = ? "
                      "AND disaggregation = 'total'", [area_code])
    return frozenset(codes) - {r[0] for r in rows}


def _level_of(code: str) -> tuple[str, str | None] | None:
    """(level, parent) of an area code the SDG scores know: the nation, a province, a district."""
    if code == NATIONAL:
        return "country", None
    if len(code) in (2, 4) and code.isdigit():
        return ("province" if len(code) == 2 else "district"), code[:2]
    return None


def explain_sdg_index(store: Store, scope: AccessScope, area_code: str,
                      year: int) -> scoring.IndexWorking | None:
    """How ``area_code``'s goal scores and SDG index in ``year`` were computed (the inputs and
    every step), from the same values and functions as :func:`sdg_index_by_area`.

    None for an area the user may not see or the scores do not cover.
    """
    found = _level_of(area_code)
    if found is None or (area_code != NATIONAL and not scope.can_see_province(area_code)):
        return None
    level, parent = found
    catalogue = load_sdg_catalogue(store, scope)
    catalogue = catalogue[catalogue.goal.notna()]
    if level == "country":
        values = national_values(store, scope, (year,))
    else:
        values = sdg_values_by_level(store, scope, level, (year,), parent)
    return scoring.explain_index(values, catalogue, area_code,
                                 "province" if level == "country" else level,
                                 max_missing=config.sdg_max_missing(),
                                 never_measured=_never_measured(store, area_code, level,
                                                                catalogue))


def indicator_ranking(store: Store, scope: AccessScope, indicator_code: str, level: str,
                      year: int, parent_code: str | None = None,
                      method: str = "sdsn") -> pd.DataFrame:
    """One indicator for every area of ``level`` in ``year``: value, score, rank, change since
    the previous year, progress status since the base year.

    Columns area_code, value, prev_value, change, score, rank, rank_low, rank_high, tied,
    base_year, base_value, status and progress (the :class:`domain.progress.Progress` of the
    status, by ``method``: "sdsn" or "opensdg"). An area without a value in ``year`` is kept
    with NaN (shown as "no data", unranked).
    """
    cat = load_sdg_catalogue(store, scope)
    spec = cat[cat.indicator_code == indicator_code]
    if spec.empty:
        return pd.DataFrame()
    spec = spec.iloc[0]
    years = tuple(y for y in load_sdg_years(store, scope) if y <= year)
    values = sdg_values_by_level(store, scope, level, years, parent_code, indicator_code)
    return _ranking(values, spec, year, method)


def _ranking(values: pd.DataFrame, spec: pd.Series, year: int,
             method: str = "sdsn") -> pd.DataFrame:
    base_min = progress.base_year_from(
        method, None if pd.isna(spec.base_year) else int(spec.base_year))
    wide = values.pivot_table(index="area_code", columns="year", values="value")
    out = pd.DataFrame(index=wide.index)
    out["value"] = wide.get(year)
    out["prev_value"] = wide.get(year - 1)
    out["change"] = out.value - out.prev_value
    hist = values[values.year < year]
    if base_min is not None:
        hist = hist[hist.year >= base_min]
    first = hist.sort_values("year").groupby("area_code").first()
    out["base_year"] = first.year.reindex(out.index)
    out["base_value"] = first.value.reindex(out.index)
    out["year"] = year
    out["score"] = scoring.normalise(out.value.to_numpy(), spec.lower_bound, spec.upper_bound,
                                     spec.direction)
    out["rank"] = scoring.rank_desc(out.score)
    bands = ranking.rank_bands(out.score, config.rank_tie_points())
    out["rank_low"], out["rank_high"], out["tied"] = bands.rank_low, bands.rank_high, bands.tied
    target = None if pd.isna(spec.target_2030) else float(spec.target_2030)
    direction = int(spec.direction)
    worked = [progress.evaluate(
        method, r.base_value, None if pd.isna(r.base_year) else int(r.base_year), r.value,
        year, target, direction) for r in out[["base_value", "base_year", "value"]].itertuples()]
    out["status"] = pd.Series([w.status for w in worked], index=out.index, dtype=object)
    # SDSN's dashboard colour against the codebook's green and red thresholds.
    green, red = spec.get("cb_green_threshold"), spec.get("cb_red_threshold")
    out["band"] = pd.Series([scoring.threshold_band(v, green, red, direction)
                             for v in out.value], index=out.index, dtype=object)
    out["progress"] = pd.Series(worked, index=out.index, dtype=object)
    # Equal (censored) scores are ordered by the value itself, best first.
    out["_order"] = -float(spec.direction) * out.value
    out = out.reset_index().sort_values(["rank", "_order", "area_code"], na_position="last")
    return out.drop(columns=["year", "_order"]).reset_index(drop=True)


def national_ranking_row(store: Store, scope: AccessScope, indicator_code: str,
                         year: int, method: str = "sdsn") -> pd.DataFrame:
    """The national figure of one indicator in the same shape as :func:`indicator_ranking`."""
    cat = load_sdg_catalogue(store, scope)
    spec = cat[cat.indicator_code == indicator_code]
    if spec.empty:
        return pd.DataFrame()
    years = tuple(y for y in load_sdg_years(store, scope) if y <= year)
    values = national_values(store, scope, years, indicator_code)
    return _ranking(values, spec.iloc[0], year, method)


def indicator_series(store: Store, scope: AccessScope, indicator_code: str,
                     area_codes: tuple[str, ...]) -> pd.DataFrame:
    """Every year of one indicator for a few areas (``TH`` = national): area_code, year, value.

    Areas outside the user's scope are dropped (the national figure is public)."""
    codes = [c for c in area_codes if c == NATIONAL or scope.can_see_province(c)]
    if not codes:
        return pd.DataFrame(columns=["area_code", "year", "value"])
    return store.query(
        "SELECT area_code, year, value FROM sdg_values WHERE indicator_code = ? "
        "AND disaggregation = 'total' AND area_code = ANY(?) ORDER BY area_code, year",
        [indicator_code, codes])


def goal_scores_of_areas(store: Store, scope: AccessScope, area_codes: tuple[str, ...],
                         year: int) -> pd.DataFrame:
    """Goal scores of a few named areas (province, district or ``TH``) in ``year``.

    Each area is scored against the indicators that apply at its own level."""
    frames = []
    for code in area_codes:
        if code == NATIONAL:
            level, parent = "country", None
        elif len(code) in (2, 4) and code.isdigit() and scope.can_see_province(code):
            level, parent = ("province" if len(code) == 2 else "district"), code[:2]
        else:
            continue
        g = goal_scores_by_area(store, scope, level, year, parent)
        frames.append(g[g.area_code == code])
    if not frames:
        return pd.DataFrame(columns=["area_code", "goal", "score", "indicators", "expected",
                                     "share"])
    return pd.concat(frames, ignore_index=True)
