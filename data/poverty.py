"""Poverty drill-down queries over pre-computed deprivation profiles, and their refresh."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from data import catalogue
from data.areas import REGIONS_NESDC
from data.scope import AccessScope
from data.store import Store
from domain import poverty as pv

_FLAGS = catalogue.DEPRIVATION_COLUMNS
_FLAG_SQL = ", ".join(_FLAGS)
# Code column of the child units under an area, by the area's code length.
_CHILD_COLUMN = {0: "province_code", 2: "district_code", 4: "subdistrict_code",
                 6: "village_code", 8: "village_code"}
_AREA_COLUMN = {2: "province_code", 4: "district_code", 6: "subdistrict_code",
                8: "village_code"}
_DEFAULT = pv.nested_weights()
# The default weights are multiples of 1/60: scores become exact integers ("score units").
SCORE_SCALE = pv.score_scale(_DEFAULT)
_UNITS = tuple(round(w * SCORE_SCALE) for w in _DEFAULT.values)
_ROLLUP_LEVELS = (("province", "province_code", None), ("district", "district_code",
                                                        "province_code"),
                  ("subdistrict", "subdistrict_code", "district_code"))
HOUSEHOLD_COLUMNS = ("household", "members", "score", "poor", "target_poor", "deprived",
                     "cases", "status")


# -- refresh -------------------------------------------------------------------------------
def refresh_poverty_aggregates(store: Store, years: Iterable[int] | None = None) -> dict[str, int]:
    """Rebuild the pre-computed poverty tables from ``households`` and ``assistance_cases``.

    ``years`` limits the work to the survey years an import touched (None: everything).
    Called at the end of the demo build and after every household import; one transaction,
    so readers see either the old or the new aggregates.
    """
    year_list = None if years is None else sorted({int(y) for y in years})
    cond, params = ("TRUE", []) if year_list is None else ("survey_year = ANY(?)", [year_list])
    with store.transaction():
        store.execute(f"DELETE FROM poverty_profiles WHERE {cond}", params)
        store.execute(f"DELETE FROM poverty_case_counts WHERE {cond}", params)
        # Written in year and village order so that DuckDB's zone maps prune area filters.
        store.execute(
            "INSERT INTO poverty_profiles (survey_year, province_code, district_code, "
            f"subdistrict_code, village_code, target_poor, {_FLAG_SQL}, households, people) "
            "SELECT survey_year, province_code, district_code, subdistrict_code, village_code, "
            f"target_poor, {_FLAG_SQL}, COUNT(*), SUM(members) FROM households WHERE {cond} "
            f"GROUP BY survey_year, province_code, district_code, subdistrict_code, "
            f"village_code, target_poor, {_FLAG_SQL} ORDER BY survey_year, village_code",
            params)
        store.execute(f"DELETE FROM poverty_rollup WHERE {cond}", params)
        for level, unit, parent in _ROLLUP_LEVELS:
            _insert_rollup(store, level, unit, parent, cond, params)
        store.execute(
            "INSERT INTO poverty_case_counts (survey_year, province_code, district_code, "
            "subdistrict_code, village_code, dimension, agency, status, cases) "
            "SELECT survey_year, province_code, substr(village_code, 1, 4), "
            "substr(village_code, 1, 6), village_code, dimension, agency, status, COUNT(*) "
            f"FROM assistance_cases WHERE {cond} GROUP BY survey_year, province_code, "
            "village_code, dimension, agency, status ORDER BY survey_year, village_code",
            params)
    return {
        "poverty_profiles": int(store.scalar("SELECT COUNT(*) FROM poverty_profiles") or 0),
        "poverty_case_counts": int(store.scalar("SELECT COUNT(*) FROM poverty_case_counts")
                                   or 0),
        "poverty_rollup": int(store.scalar("SELECT COUNT(*) FROM poverty_rollup") or 0),
    }


def _insert_rollup(store: Store, level: str, unit: str, parent: str | None, cond: str,
                   params: list[Any]) -> None:
    """One level of ``poverty_rollup`` from the profiles (default weights, integer scores)."""
    units = " + ".join(f"CASE WHEN {c} THEN CAST(? AS INTEGER) ELSE 0 END" for c in _FLAGS)
    dims = {d: [i.column for i in catalogue.POVERTY_INDICATORS if i.dimension == d]
            for d in catalogue.DIMENSION_CODES}
    sums = [f"SUM(CASE WHEN {c} THEN people ELSE 0 END)" for c in _FLAGS]
    sums += [f"SUM(CASE WHEN {' OR '.join(cols)} THEN people ELSE 0 END)"
             for cols in dims.values()]
    flag_cols = ", ".join([f"p_{c}" for c in _FLAGS] + [f"p_any_{d}" for d in dims])
    parent_sql = parent or "''"
    group = f"survey_year, {unit}, {parent + ', ' if parent else ''}province_code, " \
            "score_units, target_poor"
    store.execute(
        "INSERT INTO poverty_rollup (survey_year, unit_level, unit_code, parent_code, "
        f"province_code, score_units, target_poor, households, people, {flag_cols}) "
        f"SELECT survey_year, ?, {unit}, {parent_sql}, province_code, score_units, "
        f"target_poor, SUM(households), SUM(people), {', '.join(sums)} "
        f"FROM (SELECT p.*, ({units}) AS score_units FROM poverty_profiles p WHERE {cond}) s "
        f"GROUP BY {group} ORDER BY survey_year, {unit}",
        [level, *_UNITS, *params])


# -- helpers -------------------------------------------------------------------------------
def child_level(area_code: str) -> str:
    """Level of the units listed under ``area_code`` (a village lists itself)."""
    if not area_code:
        return "region"
    if area_code.startswith("R:"):
        return "province"
    return {2: "district", 4: "subdistrict", 6: "village", 8: "village"}[len(area_code)]


def area_filter(area_code: str, prefix: str = "") -> tuple[str, list[Any]]:
    """WHERE fragment selecting the aggregate rows inside an area (equality on its code)."""
    if not area_code:
        return "TRUE", []
    if area_code.startswith("R:"):
        provinces = next((r.provinces for r in REGIONS_NESDC if r.code == area_code[2:]), None)
        if provinces is None:
            raise ValueError(f"unknown region {area_code!r}")
        # IN with one placeholder per province prunes better than ANY(list) in DuckDB.
        marks = ", ".join("?" for _ in provinces)
        return f"{prefix}province_code IN ({marks})", list(provinces)
    column = _AREA_COLUMN.get(len(area_code))
    if column is None or not area_code.isdigit():
        raise ValueError(f"not an area code: {area_code!r}")
    return f"{prefix}{column} = ?", [area_code]


def _weights(weights: tuple[tuple[str, float], ...] | None) -> pv.Weights:
    return _DEFAULT if weights is None else pv.weights_from_key(weights)


_DIMS = {d: [i.column for i in catalogue.POVERTY_INDICATORS if i.dimension == d]
         for d in catalogue.DIMENSION_CODES}
TOTAL_COLUMNS = (
    "households", "population", "target_poor_households", "target_poor_people",
    "poor_households", "poor", "score_poor", *(f"cen_{c}" for c in _FLAGS),
    *(f"raw_{c}" for c in _FLAGS), *(f"people_{d}" for d in _DIMS), *(f"cdim_{d}" for d in _DIMS))


def _group_totals(code: pd.Series | np.ndarray, cols: dict[str, np.ndarray]) -> pd.DataFrame:
    """Sum the per-row totals by ``code``; counts as integers, ``score_poor`` as a float.

    One numpy matrix and ``np.add.reduceat`` instead of a 60-column pandas groupby: the
    per-column overhead of pandas would cost more than the query.
    """
    codes = np.asarray(code)
    matrix = np.column_stack([cols[c] for c in TOTAL_COLUMNS]) if len(codes) else \
        np.zeros((0, len(TOTAL_COLUMNS)))
    keys, inverse = np.unique(codes, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(keys)))
    sums = np.add.reduceat(matrix[order], starts, axis=0) if len(keys) else matrix
    score_at = TOTAL_COLUMNS.index("score_poor")
    out = pd.DataFrame(np.rint(sums).astype("int64"), columns=list(TOTAL_COLUMNS))
    out["score_poor"] = sums[:, score_at]
    out.insert(0, "code", keys)
    return out


def totals_from_profiles(rows: pd.DataFrame, weights: pv.Weights, k: float) -> pd.DataFrame:
    """Additive AF totals by ``code`` from deprivation-profile rows (any weights).

    The SQL only sums households and people per profile; identification at ``k`` happens
    here, on a few hundred to a few thousand rows, which keeps the statement small.
    """
    flags = rows[list(weights.columns)].to_numpy(dtype=bool)
    scores = flags.astype(float) @ weights.array()
    poor = pv.identify_poor(scores, k)
    people = rows["people"].to_numpy(dtype=float)
    hh = rows["households"].to_numpy(dtype=float)
    tp = rows["target_poor"].to_numpy(dtype=bool)
    poor_people = people * poor
    cols: dict[str, np.ndarray] = {
        "households": hh, "population": people, "target_poor_households": hh * tp,
        "target_poor_people": people * tp, "poor_households": hh * poor, "poor": poor_people,
        "score_poor": poor_people * scores,
    }
    index = {c: j for j, c in enumerate(weights.columns)}
    for c in _FLAGS:
        cols[f"cen_{c}"] = poor_people * flags[:, index[c]]
    for c in _FLAGS:
        cols[f"raw_{c}"] = people * flags[:, index[c]]
    for dim, dim_cols in _DIMS.items():
        any_dim = flags[:, [index[c] for c in dim_cols]].any(axis=1)
        cols[f"people_{dim}"] = people * tp * any_dim  # TPMap counts target-poor people
        cols[f"cdim_{dim}"] = poor_people * any_dim
    return _group_totals(rows["code"], cols)


def totals_from_rollup(rows: pd.DataFrame, k: float) -> pd.DataFrame:
    """Additive AF totals by ``code`` from roll-up rows (default weights, integer scores)."""
    units = rows["score_units"].to_numpy(dtype=float)
    poor = (units > 0) & (units >= k * SCORE_SCALE - 1e-6)
    people = rows["people"].to_numpy(dtype=float)
    hh = rows["households"].to_numpy(dtype=float)
    tp = rows["target_poor"].to_numpy(dtype=bool)
    cols: dict[str, np.ndarray] = {
        "households": hh, "population": people, "target_poor_households": hh * tp,
        "target_poor_people": people * tp, "poor_households": hh * poor,
        "poor": people * poor, "score_poor": people * poor * units / SCORE_SCALE,
    }
    for c in _FLAGS:
        cols[f"cen_{c}"] = rows[f"p_{c}"].to_numpy(dtype=float) * poor
    for c in _FLAGS:
        cols[f"raw_{c}"] = rows[f"p_{c}"].to_numpy(dtype=float)
    for dim in _DIMS:
        any_dim = rows[f"p_any_{dim}"].to_numpy(dtype=float)
        cols[f"people_{dim}"] = any_dim * tp  # TPMap counts target-poor people
        cols[f"cdim_{dim}"] = any_dim * poor
    return _group_totals(rows["code"], cols)


def _query_totals(store: Store, scope: AccessScope, area_code: str, group: str,
                  year: int | None, k: float, weights: pv.Weights) -> pd.DataFrame:
    """Totals by ``group`` (a code column or ``survey_year``) from the profiles."""
    where, params = scope.sql_filter("p.province_code")
    cond, cond_params = area_filter(area_code, "p.")
    year_sql, year_params = ("p.survey_year = ?", [year]) if year is not None else ("TRUE", [])
    rows = store.query(
        f"SELECT p.{group} AS code, p.target_poor, {', '.join('p.' + c for c in _FLAGS)}, "
        "SUM(p.households) AS households, SUM(p.people) AS people FROM poverty_profiles p "
        f"WHERE {year_sql} AND {where} AND {cond} "
        f"GROUP BY p.{group}, p.target_poor, {', '.join('p.' + c for c in _FLAGS)}",
        [*year_params, *params, *cond_params])
    return totals_from_profiles(rows, weights, k)


def _rollup_filter(area_code: str, by_year: bool) -> tuple[str, list[Any], str] | None:
    """Rows of ``poverty_rollup`` for an area: (WHERE, params, grouping column), or None
    when the level is only in the village-grain profiles."""
    group = "r.survey_year" if by_year else "r.unit_code"
    if not area_code:
        return "r.unit_level = 'province'", [], group
    if area_code.startswith("R:"):
        cond, params = area_filter(area_code, "r.")
        return f"r.unit_level = 'province' AND {cond}", params, group
    if by_year:
        level = {2: "province", 4: "district", 6: "subdistrict"}.get(len(area_code))
        return (None if level is None else
                ("r.unit_level = ? AND r.unit_code = ?", [level, area_code], group))
    child = {2: "district", 4: "subdistrict"}.get(len(area_code))
    if child is None:
        return None
    return "r.unit_level = ? AND r.parent_code = ?", [child, area_code], group


def _query_rollup(store: Store, scope: AccessScope, area_code: str, year: int | None,
                  k: float) -> pd.DataFrame | None:
    """The same totals as ``_query_totals`` from the roll-up (default weights only)."""
    found = _rollup_filter(area_code, by_year=year is None)
    if found is None:
        return None
    cond, cond_params, group = found
    where, params = scope.sql_filter("r.province_code")
    year_sql, year_params = ("r.survey_year = ?", [year]) if year is not None else ("TRUE", [])
    sums = ", ".join(f"SUM(r.{c}) AS {c}" for c in (
        "households", "people", *(f"p_{f}" for f in _FLAGS), *(f"p_any_{d}" for d in _DIMS)))
    rows = store.query(
        f"SELECT {group} AS code, r.score_units, r.target_poor, {sums} FROM poverty_rollup r "
        f"WHERE {year_sql} AND {where} AND {cond} "
        f"GROUP BY {group}, r.score_units, r.target_poor",
        [*year_params, *params, *cond_params])
    return totals_from_rollup(rows, k)


def _totals(store: Store, scope: AccessScope, area_code: str, group: str, year: int | None,
            k: float, weights: tuple[tuple[str, float], ...] | None) -> pd.DataFrame:
    """Totals from the roll-up when the default weights allow it, else from the profiles."""
    w = _weights(weights)
    if w == _DEFAULT:
        df = _query_rollup(store, scope, area_code, year, k)
        if df is not None:
            return df
    return _query_totals(store, scope, area_code, group, year, k, w)


def _names(store: Store, area_code: str, grain: str | None) -> pd.DataFrame:
    """Names of the child units (by parent, which the areas table can find quickly)."""
    if not area_code or area_code.startswith("R:"):
        return store.query("SELECT code, name_th, name_en FROM areas WHERE level = 'province'")
    if len(area_code) == 8:
        return store.query("SELECT code, name_th, name_en FROM areas WHERE code = ?",
                           [area_code])
    return store.query("SELECT code, name_th, name_en FROM areas WHERE parent_code = ?",
                       [area_code])


def _to_regions(df: pd.DataFrame) -> pd.DataFrame:
    region_of = {p: r.code for r in REGIONS_NESDC for p in r.provinces}
    order = {f"R:{r.code}": i for i, r in enumerate(REGIONS_NESDC)}
    out = (df.assign(code=df.code.map(lambda c: f"R:{region_of[c]}"))
           .groupby("code", as_index=False).sum(numeric_only=True))
    names = {f"R:{r.code}": (r.name_th, r.name_en) for r in REGIONS_NESDC}
    out["name_th"] = out.code.map(lambda c: names[c][0])
    out["name_en"] = out.code.map(lambda c: names[c][1])
    return out.sort_values("code", key=lambda s: s.map(order)).reset_index(drop=True)


def _empty_totals(weights: pv.Weights) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="int64") for c in ("code", *TOTAL_COLUMNS)})
    frame = frame.astype({"code": str, "score_poor": float})
    return pv.measures_frame(frame.assign(name_th="", name_en="").iloc[0:0], weights)


# -- queries -------------------------------------------------------------------------------
def load_poverty_years(store: Store, scope: AccessScope) -> list[int]:
    """Survey years with households in the user's provinces, oldest first."""
    where, params = scope.sql_filter("province_code")
    rows = store.rows(
        f"SELECT DISTINCT survey_year FROM poverty_profiles WHERE {where} ORDER BY 1", params)
    return [int(r[0]) for r in rows]


def poverty_by_child(store: Store, scope: AccessScope, area_code: str, year: int,
                     k: float = float(pv.DEFAULT_K),
                     weights: tuple[tuple[str, float], ...] | None = None,
                     grain: str | None = None) -> pd.DataFrame:
    """AF totals and measures of each child unit of ``area_code`` in one survey year.

    Children: regions under the country (provinces for a user limited to some provinces),
    provinces under a region, then districts,
    subdistricts and villages; a village lists itself. ``grain="province"`` lists provinces
    under the country (for its map). Columns: code, name_th, name_en, the additive totals
    (households, population, poor, score_poor, cen_*, raw_*, people_<dim>, cdim_<dim>,
    target_poor_*) and the measures of ``domain.poverty.measures_frame``.
    """
    w = _weights(weights)
    if scope.is_empty or (area_code and not area_code.startswith("R:")
                          and not scope.can_see_province(area_code)):
        return _empty_totals(w)
    group = _CHILD_COLUMN[0 if area_code.startswith("R:") else len(area_code)]
    df = _totals(store, scope, area_code, group, year, k, weights)
    if df.empty:
        return _empty_totals(w)
    # A user limited to some provinces sees those provinces under Thailand, not regions that
    # would carry a whole region's name over a part of it.
    if not area_code and grain != "province" and scope.all_provinces:
        df = _to_regions(df)
    else:
        df = df.merge(_names(store, area_code, grain), on="code", how="left")
    return pv.measures_frame(df, w)


def poverty_area_totals(children: pd.DataFrame, weights: tuple[tuple[str, float], ...] | None
                        = None) -> pd.Series:
    """The area's own measures: the sum of its children's totals (they partition it)."""
    w = _weights(weights)
    additive = [c for c in children.columns
                if c in ("households", "population", "target_poor_households",
                         "target_poor_people", "poor_households", "poor", "score_poor")
                or c.startswith(("cen_", "raw_", "people_", "cdim_"))]
    totals = children[additive].sum().to_frame().T
    return pv.measures_frame(totals, w).iloc[0]


def poverty_trend(store: Store, scope: AccessScope, area_code: str,
                  k: float = float(pv.DEFAULT_K),
                  weights: tuple[tuple[str, float], ...] | None = None) -> pd.DataFrame:
    """AF totals and measures of one area for every survey year (column ``year``)."""
    w = _weights(weights)
    if scope.is_empty or (area_code and not area_code.startswith("R:")
                          and not scope.can_see_province(area_code)):
        return _empty_totals(w).assign(year=[])
    df = _totals(store, scope, area_code, "survey_year", None, k, weights)
    df = df.rename(columns={"code": "year"})
    return pv.measures_frame(df, w)


def assistance_pipeline(store: Store, scope: AccessScope, area_code: str,
                        year: int) -> pd.DataFrame:
    """Assistance cases of one survey year by dimension, responsible agency and status."""
    where, params = scope.sql_filter("province_code")
    cond, cond_params = area_filter(area_code)
    return store.query(
        "SELECT dimension, agency, status, CAST(SUM(cases) AS BIGINT) AS cases FROM poverty_case_counts "
        f"WHERE survey_year = ? AND {where} AND {cond} GROUP BY dimension, agency, status "
        "ORDER BY dimension, agency, status",
        [year, *params, *cond_params])


def load_target_households(store: Store, scope: AccessScope, village_code: str, year: int,
                           k: float = float(pv.DEFAULT_K),
                           weights: tuple[tuple[str, float], ...] | None = None) -> pd.DataFrame:
    """Target-poor (or AF-poor at ``k``) households of one village, for entitled users only.

    The household ID is masked here, before anything leaves the data layer; no names or ID
    numbers exist in the store. Users without the right get an empty frame.
    """
    empty = pd.DataFrame(columns=list(HOUSEHOLD_COLUMNS))
    if len(village_code) != 8 or not village_code.isdigit():
        return empty
    if not scope.can_list_households(village_code):
        return empty
    w = _weights(weights)
    where, params = scope.household_sql_filter("province_code")
    df = store.query(
        f"SELECT house_code, members, target_poor, {_FLAG_SQL} FROM households "
        f"WHERE village_code = ? AND survey_year = ? AND {where} ORDER BY house_code",
        [village_code, year, *params])
    if df.empty:
        return empty
    scores = pv.deprivation_scores(df, w)
    df = df.assign(score=scores, poor=pv.identify_poor(scores, k))
    df = df[df.target_poor | df.poor]
    cases = store.query(
        "SELECT house_code, status FROM assistance_cases "
        f"WHERE village_code = ? AND survey_year = ? AND {where}",
        [village_code, year, *params])
    by_house = cases.groupby("house_code").status.agg(list)
    codes = [i.code for i in catalogue.POVERTY_INDICATORS]
    flags = df[list(_FLAGS)].to_numpy(dtype=bool)
    statuses = df.house_code.map(by_house)
    out = pd.DataFrame({
        "household": df.house_code.map(pv.mask_house_code),
        "members": df.members.astype(int),
        "score": df.score.round(4),
        "poor": df.poor.astype(bool),
        "target_poor": df.target_poor.astype(bool),
        "deprived": [",".join(c for c, f in zip(codes, row, strict=True) if f) for row in flags],
        "cases": statuses.map(lambda s: len(s) if isinstance(s, list) else 0).astype(int),
        "status": statuses.map(lambda s: pv.case_status(s if isinstance(s, list) else [])),
    })
    return out.sort_values(["score", "household"], ascending=[False, True]).reset_index(drop=True)
