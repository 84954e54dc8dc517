"""Poverty drill-down queries over pre-computed deprivation profiles, and their refresh."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from data import catalogue
from data.areas import REGIONS_NESDC
from data.queries import area_name_map
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
_SCORE_AT = TOTAL_COLUMNS.index("score_poor")
_ROLLUP_SUMS = ("households", "people", *(f"p_{f}" for f in _FLAGS),
                *(f"p_any_{d}" for d in _DIMS))


class Totals(NamedTuple):
    """Additive AF totals: one row of ``matrix`` (columns ``TOTAL_COLUMNS``) per code."""

    codes: np.ndarray
    matrix: np.ndarray


def _group_totals(code: Any, cols: dict[str, np.ndarray]) -> Totals:
    """Sum the per-row totals by ``code`` (sorted codes).

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
    return Totals(keys, sums)


def _column(rows: Any, name: str, dtype: Any = float) -> np.ndarray:
    """One column of a DataFrame or of a dict of arrays (``Store.arrays``) as numpy."""
    return np.asarray(rows[name], dtype=dtype)


def profile_totals(rows: Any, weights: pv.Weights, k: float) -> Totals:
    """Additive AF totals by ``code`` from deprivation-profile rows (any weights).

    ``rows`` (a DataFrame or a dict of arrays) holds code, target_poor, the deprivation flags,
    households and people. The SQL only sums households and people per profile;
    identification at ``k`` happens here, on a few hundred to a few thousand rows, which
    keeps the statement small.
    """
    flags = np.column_stack([_column(rows, c, bool) for c in weights.columns]) \
        if len(rows["code"]) else np.zeros((0, len(weights.columns)), dtype=bool)
    scores = flags.astype(float) @ weights.array()
    poor = pv.identify_poor(scores, k)
    people = _column(rows, "people")
    hh = _column(rows, "households")
    tp = _column(rows, "target_poor", bool)
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


def rollup_totals(rows: Any, k: float) -> Totals:
    """Additive AF totals by ``code`` from roll-up rows (default weights, integer scores)."""
    units = _column(rows, "score_units")
    poor = (units > 0) & (units >= k * SCORE_SCALE - 1e-6)
    people = _column(rows, "people")
    hh = _column(rows, "households")
    tp = _column(rows, "target_poor", bool)
    cols: dict[str, np.ndarray] = {
        "households": hh, "population": people, "target_poor_households": hh * tp,
        "target_poor_people": people * tp, "poor_households": hh * poor,
        "poor": people * poor, "score_poor": people * poor * units / SCORE_SCALE,
    }
    for c in _FLAGS:
        cols[f"cen_{c}"] = _column(rows, f"p_{c}") * poor
    for c in _FLAGS:
        cols[f"raw_{c}"] = _column(rows, f"p_{c}")
    for dim in _DIMS:
        any_dim = _column(rows, f"p_any_{dim}")
        cols[f"people_{dim}"] = any_dim * tp  # TPMap counts target-poor people
        cols[f"cdim_{dim}"] = any_dim * poor
    return _group_totals(rows["code"], cols)


def _total_columns(totals: Totals) -> dict[str, np.ndarray]:
    """The totals as named columns: counts as integers, ``score_poor`` as a float."""
    counts = np.rint(totals.matrix).astype(np.int64)
    out = {c: counts[:, j] for j, c in enumerate(TOTAL_COLUMNS)}
    out["score_poor"] = totals.matrix[:, _SCORE_AT].astype(float)
    return out


def totals_frame(totals: Totals) -> pd.DataFrame:
    """The totals as a DataFrame (code, then ``TOTAL_COLUMNS``)."""
    return pd.DataFrame({"code": totals.codes, **_total_columns(totals)})


def totals_from_profiles(rows: Any, weights: pv.Weights, k: float) -> pd.DataFrame:
    """:func:`profile_totals` as a DataFrame."""
    return totals_frame(profile_totals(rows, weights, k))


def _query_totals(store: Store, scope: AccessScope, area_code: str, group: str,
                  year: int | None, k: float, weights: pv.Weights) -> Totals:
    """Totals by ``group`` (a code column or ``survey_year``) from the profiles."""
    where, params = scope.sql_filter("p.province_code")
    cond, cond_params = area_filter(area_code, "p.")
    year_sql, year_params = ("p.survey_year = ?", [year]) if year is not None else ("TRUE", [])
    rows = store.arrays(
        f"SELECT p.{group} AS code, p.target_poor, {', '.join('p.' + c for c in _FLAGS)}, "
        "SUM(p.households) AS households, SUM(p.people) AS people FROM poverty_profiles p "
        f"WHERE {year_sql} AND {where} AND {cond} "
        f"GROUP BY p.{group}, p.target_poor, {', '.join('p.' + c for c in _FLAGS)}",
        [*year_params, *params, *cond_params])
    return profile_totals(rows, weights, k)


def _village_profiles(store: Store, scope: AccessScope, area_code: str, year: int,
                      k: float, weights: pv.Weights) -> Totals:
    """Totals of the villages under a subdistrict (or of one village) in one year.

    Village profiles are already one row per village and deprivation profile: read them as
    they are (no GROUP BY), which is what keeps the deepest levels quick.
    """
    where, params = scope.sql_filter("p.province_code")
    cond, cond_params = area_filter(area_code, "p.")
    rows = store.arrays(
        f"SELECT p.village_code AS code, p.target_poor, "
        f"{', '.join('p.' + c for c in _FLAGS)}, p.households, p.people "
        f"FROM poverty_profiles p WHERE p.survey_year = ? AND {where} AND {cond}",
        [year, *params, *cond_params])
    return profile_totals(rows, weights, k)


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
                  k: float) -> Totals | None:
    """The same totals as ``_query_totals`` from the roll-up (default weights only).

    The roll-up rows of the units are read as they are and summed by code here: a statement
    with one aggregate per column costs DuckDB more to plan than the few hundred rows it
    would save sending.
    """
    found = _rollup_filter(area_code, by_year=year is None)
    if found is None:
        return None
    cond, cond_params, group = found
    where, params = scope.sql_filter("r.province_code")
    year_sql, year_params = ("r.survey_year = ?", [year]) if year is not None else ("TRUE", [])
    rows = store.arrays(
        f"SELECT {group} AS code, r.score_units, r.target_poor, "
        f"{', '.join('r.' + c for c in _ROLLUP_SUMS)} FROM poverty_rollup r "
        f"WHERE {year_sql} AND {where} AND {cond}",
        [*year_params, *params, *cond_params])
    return rollup_totals(rows, k)


def _totals(store: Store, scope: AccessScope, area_code: str, group: str, year: int | None,
            k: float, weights: tuple[tuple[str, float], ...] | None) -> Totals:
    """Totals from the roll-up when the default weights allow it, else from the profiles."""
    w = _weights(weights)
    if w == _DEFAULT:
        found = _query_rollup(store, scope, area_code, year, k)
        if found is not None:
            return found
    if group == "village_code" and year is not None:
        return _village_profiles(store, scope, area_code, year, k, w)
    return _query_totals(store, scope, area_code, group, year, k, w)


def _to_regions(totals: Totals) -> Totals:
    """Province totals summed into their NESDC regions (in the regions' own order)."""
    region_of = {p: i for i, r in enumerate(REGIONS_NESDC) for p in r.provinces}
    index = np.array([region_of[str(c)] for c in totals.codes], dtype=np.int64)
    sums = np.zeros((len(REGIONS_NESDC), totals.matrix.shape[1]))
    np.add.at(sums, index, totals.matrix)
    present = np.unique(index)
    codes = np.array([f"R:{REGIONS_NESDC[i].code}" for i in present], dtype=object)
    return Totals(codes, sums[present])


def _region_names(codes: np.ndarray) -> dict[str, np.ndarray]:
    names = {f"R:{r.code}": (r.name_th, r.name_en) for r in REGIONS_NESDC}
    return {"name_th": np.array([names[c][0] for c in codes], dtype=object),
            "name_en": np.array([names[c][1] for c in codes], dtype=object)}


def _measures(codes: np.ndarray, totals: Totals, weights: pv.Weights,
              extra: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """One frame: code, ``extra`` columns, the totals (counts as integers) and their measures."""
    cols = _total_columns(totals)
    return pd.DataFrame({"code": codes, **(extra or {}), **cols,
                         **pv.measures_arrays(cols, weights)})


def _empty_totals(weights: pv.Weights) -> pd.DataFrame:
    empty = Totals(np.array([], dtype=object), np.zeros((0, len(TOTAL_COLUMNS))))
    names = {"name_th": np.array([], dtype=object), "name_en": np.array([], dtype=object)}
    return _measures(empty.codes, empty, weights, names)


def _hidden(scope: AccessScope, area_code: str) -> bool:
    return scope.is_empty or (bool(area_code) and not area_code.startswith("R:")
                              and not scope.can_see_province(area_code))


# -- queries -------------------------------------------------------------------------------
def load_poverty_years(store: Store, scope: AccessScope) -> list[int]:
    """Survey years with households in the user's provinces, oldest first."""
    where, params = scope.sql_filter("province_code")
    rows = store.rows(
        f"SELECT DISTINCT survey_year FROM poverty_profiles WHERE {where} ORDER BY 1", params)
    return [int(r[0]) for r in rows]


class Drilldown(NamedTuple):
    """One drill-down step: the child units (as :func:`poverty_by_child`) and the area itself
    (as :func:`poverty_area_totals` of them)."""

    children: pd.DataFrame
    area: pd.Series


def _children(store: Store, scope: AccessScope, area_code: str, year: int, k: float,
              weights: tuple[tuple[str, float], ...] | None,
              grain: str | None) -> tuple[Totals, dict[str, np.ndarray]] | None:
    """Totals of the child units and their names; None when there are none to show."""
    if _hidden(scope, area_code):
        return None
    group = _CHILD_COLUMN[0 if area_code.startswith("R:") else len(area_code)]
    totals = _totals(store, scope, area_code, group, year, k, weights)
    if not len(totals.codes):
        return None
    # A user limited to some provinces sees those provinces under Thailand, not regions that
    # would carry a whole region's name over a part of it.
    if not area_code and grain != "province" and scope.all_provinces:
        totals = _to_regions(totals)
        return totals, _region_names(totals.codes)
    codes = totals.codes.astype(str).astype(object)
    registry = area_name_map(store)
    names = [registry.get(c, (None, None)) for c in codes]
    return Totals(codes, totals.matrix), {
        "name_th": np.array([n[0] for n in names], dtype=object),
        "name_en": np.array([n[1] for n in names], dtype=object)}


def poverty_by_child(store: Store, scope: AccessScope, area_code: str, year: int,
                     k: float = float(pv.DEFAULT_K),
                     weights: tuple[tuple[str, float], ...] | None = None,
                     grain: str | None = None) -> pd.DataFrame:
    """AF totals and measures of each child unit of ``area_code`` in one survey year.

    Children: regions under the country (provinces for a user limited to some provinces),
    provinces under a region, then districts, subdistricts and villages; a village lists
    itself. ``grain="province"`` lists provinces under the country (for its map). Columns:
    code, name_th, name_en, the additive totals (households, population, poor, score_poor,
    cen_*, raw_*, people_<dim>, cdim_<dim>, target_poor_*) and the measures of
    ``domain.poverty.measures_arrays``.
    """
    found = _children(store, scope, area_code, year, k, weights, grain)
    if found is None:
        return _empty_totals(_weights(weights))
    totals, names = found
    return _measures(totals.codes, totals, _weights(weights), names)


def poverty_drilldown(store: Store, scope: AccessScope, area_code: str, year: int,
                      k: float = float(pv.DEFAULT_K),
                      weights: tuple[tuple[str, float], ...] | None = None) -> Drilldown:
    """The poverty page's step: the child units and the area's own measures, in one pass
    (the area's totals are the sum of its children's: they partition it)."""
    w = _weights(weights)
    found = _children(store, scope, area_code, year, k, weights, None)
    if found is None:
        return Drilldown(_empty_totals(w), _area_measures(np.zeros(len(TOTAL_COLUMNS)),
                                                          list(TOTAL_COLUMNS), w))
    totals, names = found
    return Drilldown(_measures(totals.codes, totals, w, names),
                     _area_measures(totals.matrix.sum(axis=0), list(TOTAL_COLUMNS), w))


def _area_measures(sums: np.ndarray, cols: list[str], weights: pv.Weights) -> pd.Series:
    """One area's totals (``sums`` by ``cols``) with their measures, as a Series."""
    totals = {c: sums[j:j + 1] for j, c in enumerate(cols)}
    measures = pv.measures_arrays(totals, weights)
    return pd.Series(np.concatenate([sums, [v[0] for v in measures.values()]]),
                     index=pd.Index([*cols, *measures], dtype=object))


def poverty_area_totals(children: pd.DataFrame, weights: tuple[tuple[str, float], ...] | None
                        = None) -> pd.Series:
    """The area's own measures: the sum of its children's totals (they partition it)."""
    cols = [c for c in TOTAL_COLUMNS if c in children]
    # Positional selection: selecting sixty columns by name costs more than summing them.
    at = children.columns.get_indexer(cols)
    sums = children.iloc[:, at].to_numpy(dtype=float).sum(axis=0) if len(children) else \
        np.zeros(len(cols))
    return _area_measures(sums, cols, _weights(weights))


def poverty_trend(store: Store, scope: AccessScope, area_code: str,
                  k: float = float(pv.DEFAULT_K),
                  weights: tuple[tuple[str, float], ...] | None = None) -> pd.DataFrame:
    """AF totals and measures of one area for every survey year (column ``year``)."""
    w = _weights(weights)
    if _hidden(scope, area_code):
        return _empty_totals(w).drop(columns=["name_th", "name_en"]).rename(
            columns={"code": "year"})
    totals = _totals(store, scope, area_code, "survey_year", None, k, weights)
    return _measures(totals.codes.astype(np.int64), totals, w).rename(columns={"code": "year"})


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
