"""Poverty drill-down queries over pre-computed deprivation profiles, and their refresh."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

try:  # a public but young pandas API; without it, frame_from_arrays uses the constructor
    from pandas.api.internals import create_dataframe_from_blocks
except ImportError:  # pragma: no cover - the pinned pandas has it
    create_dataframe_from_blocks = None

from data.area_filter import area_predicate
from data.protect import protect_columns
from data.queries import area_name_map
from data.scope import AccessScope
from data.store import Store
from domain import catalogue
from domain import poverty as pv
from domain.areas import REGIONS_NESDC

_FLAGS = catalogue.DEPRIVATION_COLUMNS
_FLAG_SQL = ", ".join(_FLAGS)
# poverty_profiles.flag_bits: bit i set when the profile is deprived in _FLAGS[i]
# (migration 111 writes the same for the rows it found).
_FLAG_BITS = tuple(1 << i for i in range(len(_FLAGS)))
_FLAG_BITS_SQL = " + ".join(f"CASE WHEN {c} THEN CAST(? AS INTEGER) ELSE 0 END" for c in _FLAGS)
# Levels whose code poverty_profiles also holds as an integer key (<level>_key), and the
# width of their codes (the keys drop nothing: codes are digits of a fixed width).
_KEY_LEVELS = {"province": 2, "district": 4, "subdistrict": 6, "village": 8}
# Code column of the child units under an area, by the area's code length.
_CHILD_COLUMN = {0: "province_code", 2: "district_code", 4: "subdistrict_code",
                 6: "village_code", 8: "village_code"}
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
        keys = ", ".join(f"{level}_key" for level in _KEY_LEVELS)
        key_values = ", ".join(f"CAST({level}_code AS INTEGER) AS {level}_key"
                               for level in _KEY_LEVELS)
        store.execute(
            "INSERT INTO poverty_profiles (survey_year, province_code, district_code, "
            f"subdistrict_code, village_code, target_poor, {_FLAG_SQL}, households, people, "
            f"{keys}, flag_bits) "
            "SELECT survey_year, province_code, district_code, subdistrict_code, village_code, "
            f"target_poor, {_FLAG_SQL}, households, people, {key_values}, {_FLAG_BITS_SQL} "
            "FROM (SELECT survey_year, province_code, district_code, subdistrict_code, "
            f"village_code, target_poor, {_FLAG_SQL}, COUNT(*) AS households, "
            f"SUM(members) AS people FROM households WHERE {cond} "
            f"GROUP BY survey_year, province_code, district_code, subdistrict_code, "
            f"village_code, target_poor, {_FLAG_SQL}) g ORDER BY survey_year, village_code",
            [*_FLAG_BITS, *params])
        _insert_patterns(store, cond, params)
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
        store.execute(f"DELETE FROM poverty_case_provinces WHERE {cond}", params)
        store.execute(
            "INSERT INTO poverty_case_provinces (survey_year, province_code, dimension, agency, "
            "status, cases) SELECT survey_year, province_code, dimension, agency, status, "
            f"SUM(cases) FROM poverty_case_counts WHERE {cond} GROUP BY survey_year, "
            "province_code, dimension, agency, status ORDER BY survey_year, province_code",
            params)
    return {
        "poverty_profiles": int(store.scalar("SELECT COUNT(*) FROM poverty_profiles") or 0),
        "poverty_case_counts": int(store.scalar("SELECT COUNT(*) FROM poverty_case_counts")
                                   or 0),
        "poverty_rollup": int(store.scalar("SELECT COUNT(*) FROM poverty_rollup") or 0),
        "poverty_patterns": int(store.scalar("SELECT COUNT(*) FROM poverty_patterns") or 0),
        "poverty_case_provinces": int(
            store.scalar("SELECT COUNT(*) FROM poverty_case_provinces") or 0),
    }


def _insert_patterns(store: Store, cond: str, params: list[Any]) -> None:
    """``poverty_patterns`` anew from the profiles (migration 141), in the order it is read."""
    store.execute(f"DELETE FROM poverty_patterns WHERE {cond}", params)
    store.execute(
        "INSERT INTO poverty_patterns (survey_year, province_key, target_poor, flag_bits, "
        "households, people) SELECT survey_year, province_key, target_poor, flag_bits, "
        f"SUM(households), SUM(people) FROM poverty_profiles WHERE {cond} "
        "GROUP BY survey_year, province_key, target_poor, flag_bits "
        "ORDER BY survey_year, province_key, target_poor, flag_bits", params)


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


def area_filter(area_code: str, prefix: str = "", keys: bool = False) -> tuple[str, list[Any]]:
    """WHERE fragment selecting the aggregate rows inside an area (equality on its code's own
    level column; ``keys``: on the integer keys of ``poverty_profiles``)."""
    return area_predicate(area_code, prefix=prefix, keys=keys)


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


def _group_totals(code: Any, matrix: np.ndarray) -> Totals:
    """Sum the rows of ``matrix`` (columns ``TOTAL_COLUMNS``) by ``code`` (sorted codes).

    One numpy matrix and ``np.add.reduceat`` instead of a 60-column pandas groupby: the
    per-column overhead of pandas would cost more than the query.
    """
    codes = np.asarray(code)
    if len(codes) and codes.dtype.kind in "iu" and (codes[1:] >= codes[:-1]).all():
        # Profiles come in area order: each code's rows are already together.
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        return Totals(codes[starts], np.add.reduceat(matrix, starts, axis=0))
    keys, inverse = np.unique(codes, return_inverse=True)
    if not len(keys):
        return Totals(keys, np.zeros((0, matrix.shape[1])))
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(keys)))
    return Totals(keys, np.add.reduceat(matrix[order], starts, axis=0))


def _totals_matrix(households: np.ndarray, people: np.ndarray, target_poor: np.ndarray,
                   poor: np.ndarray, score_people: np.ndarray, deprived: np.ndarray,
                   any_dim: np.ndarray) -> np.ndarray:
    """Per-row additive totals (columns ``TOTAL_COLUMNS``) from people deprived in each
    indicator (``deprived``, rows x ``_FLAGS``) and in any indicator of each dimension
    (``any_dim``, rows x ``_DIMS``), the row's AF identification and its people's
    deprivation scores summed (``score_people``)."""
    base = _base_totals(households, people, target_poor, poor, score_people)
    tp = target_poor.astype(float)
    poor = poor.astype(float)
    # TPMap counts target-poor people in a dimension; AF counts the poor (censored).
    return np.hstack([base, deprived * poor[:, None], deprived, any_dim * tp[:, None],
                      any_dim * poor[:, None]])


# The first columns of TOTAL_COLUMNS, all M0 and its small-number protection read.
_BASE_WIDTH = 7


def _base_totals(households: np.ndarray, people: np.ndarray, target_poor: np.ndarray,
                 poor: np.ndarray, score_people: np.ndarray) -> np.ndarray:
    """The first ``_BASE_WIDTH`` columns of :func:`_totals_matrix` (households, population,
    the target poor, the AF poor and their summed scores)."""
    tp = target_poor.astype(float)
    poor = poor.astype(float)
    return np.column_stack([households, people, households * tp, people * tp,
                            households * poor, people * poor, score_people * poor])


def _column(rows: Any, name: str, dtype: Any = float) -> np.ndarray:
    """One column of a DataFrame or of a dict of arrays (``Store.arrays``) as numpy."""
    return np.asarray(rows[name], dtype=dtype)


_FLAG_INDEX = {c: j for j, c in enumerate(_FLAGS)}
# Indicator (row) belongs to dimension (column), in _FLAGS and _DIMS order.
_DIM_MEMBERS = np.array([[c in cols for cols in _DIMS.values()] for c in _FLAGS], dtype=float)
# The flags (columns of _FLAGS) of each dimension, in _DIMS order.
_DIM_FLAGS = tuple(np.flatnonzero(_DIM_MEMBERS[:, j]) for j in range(len(_DIMS)))


def _scores(deprived: np.ndarray, placed: np.ndarray) -> np.ndarray:
    """Each row's deprivation score: the weights of its flags, added in ``_FLAGS`` order.

    Not a matrix product: OpenBLAS spreads even a 40,000 x 17 product over threads, which
    cost 7 ms of CPU on a busy 2-core machine against under 1 ms for this loop, and its sum
    order depends on the processor's kernel; this one adds as a hand computation would.
    """
    score = np.zeros(len(deprived))
    for j, w in enumerate(placed):
        if w:
            score += deprived[:, j] * w
    return score


def profile_totals(rows: Any, weights: pv.Weights, k: float, narrow: bool = False) -> Totals:
    """Additive AF totals by ``code`` from deprivation-profile rows (any weights).

    ``rows`` (a DataFrame or a dict of arrays) holds code, target_poor, the deprivation flags,
    households and people. The SQL only sums households and people per profile;
    identification at ``k`` happens here, on a few hundred to a few thousand rows, which
    keeps the statement small. ``narrow``: see :func:`_flag_totals`.
    """
    flags = np.column_stack([_column(rows, c, bool) for c in _FLAGS]) \
        if len(rows["code"]) else np.zeros((0, len(_FLAGS)), dtype=bool)
    return _flag_totals(rows["code"], flags, _column(rows, "target_poor", bool),
                        _column(rows, "households"), _column(rows, "people"), weights, k,
                        narrow)


def _flag_totals(code: Any, flags: np.ndarray, target_poor: np.ndarray,
                 households: np.ndarray, people: np.ndarray, weights: pv.Weights,
                 k: float, narrow: bool = False) -> Totals:
    """:func:`profile_totals` from the flags as one boolean (or 0/1) matrix (rows x ``_FLAGS``);
    ``narrow``: only the first ``_BASE_WIDTH`` columns (what M0 needs)."""
    placed = np.zeros(len(_FLAGS))
    for c, w in zip(weights.columns, weights.values, strict=True):
        placed[_FLAG_INDEX[c]] = w
    deprived = np.asarray(flags, dtype=float)  # as it is when already 0.0/1.0
    score = _scores(deprived, placed)
    poor = pv.identify_poor(score, k)
    if narrow:
        return _group_totals(code, _base_totals(households, people, target_poor, poor,
                                                people * score))
    any_dim = np.column_stack([deprived[:, at].any(axis=1) for at in _DIM_FLAGS]) \
        * people[:, None]
    matrix = _totals_matrix(households, people, target_poor, poor, people * score,
                            deprived * people[:, None], any_dim)
    return _group_totals(code, matrix)


def _poor_units(k: float) -> float:
    """The least score, in score units, of someone poor at ``k`` (a score of 0 never is)."""
    return k * SCORE_SCALE - 1e-6


def rollup_totals(rows: Any, k: float) -> Totals:
    """Additive AF totals by ``code`` from roll-up rows (default weights, integer scores).

    The rows are the roll-up's own (with ``score_units``) or already summed by code, target
    poverty and AF poverty at ``k`` (with ``poor`` and ``people_units``, their people's
    summed scores in score units).
    """
    if "score_units" in rows:
        units = _column(rows, "score_units")
        poor = (units > 0) & (units >= _poor_units(k))
        people_units = _column(rows, "people") * units
    else:
        poor = _column(rows, "poor", bool)
        people_units = _column(rows, "people_units")
    size = len(poor)
    deprived = np.column_stack([_column(rows, f"p_{c}") for c in _FLAGS]) if size else \
        np.zeros((0, len(_FLAGS)))
    any_dim = np.column_stack([_column(rows, f"p_any_{d}") for d in _DIMS]) if size else \
        np.zeros((0, len(_DIMS)))
    matrix = _totals_matrix(_column(rows, "households"), _column(rows, "people"),
                            _column(rows, "target_poor", bool), poor,
                            people_units / SCORE_SCALE, deprived, any_dim)
    return _group_totals(rows["code"], matrix)


def _total_columns(totals: Totals) -> dict[str, np.ndarray]:
    """The totals as named columns: counts as integers, ``score_poor`` as a float."""
    counts = np.rint(totals.matrix).astype(np.int64)
    out = {c: counts[:, j] for j, c in enumerate(TOTAL_COLUMNS[:totals.matrix.shape[1]])}
    out["score_poor"] = totals.matrix[:, _SCORE_AT].astype(float)
    return out


def totals_frame(totals: Totals) -> pd.DataFrame:
    """The totals as a DataFrame (code, then ``TOTAL_COLUMNS``)."""
    return pd.DataFrame({"code": totals.codes, **_total_columns(totals)})


def totals_from_profiles(rows: Any, weights: pv.Weights, k: float) -> pd.DataFrame:
    """:func:`profile_totals` as a DataFrame."""
    return totals_frame(profile_totals(rows, weights, k))


def _bits_flags(bits: Any) -> np.ndarray:
    """``flag_bits`` as the boolean matrix of the flags (rows x ``_FLAGS``), column by column
    in memory: the scores read it a column at a time (:func:`_scores`)."""
    bits = np.asarray(bits, dtype=np.int64)
    out = np.empty((len(bits), len(_FLAGS)), dtype=bool, order="F")
    for j in range(len(_FLAGS)):
        np.not_equal((bits >> j) & 1, 0, out=out[:, j])
    return out


def _pattern_totals_many(store: Store, scope: AccessScope, area_code: str, group: str,
                         year: int | None, cases: Sequence[tuple[float, pv.Weights]],
                         narrow: bool) -> list[Totals] | None:
    """Totals by province (or by year) of the country, a region or a province from
    ``poverty_patterns`` (households and people by province, target poverty and deprivation
    pattern: migration 141), at each (k, weights) of ``cases``; None where it does not hold
    the grouping. The flags of a pattern and its people are what the profiles' GROUP BY gave,
    so are the totals; the rows come in a fixed order (their float scores sum the same way
    every time)."""
    if group not in ("province_code", "survey_year") or (
            area_code and not area_code.startswith("R:") and len(area_code) != 2):
        return None
    where, params = scope.sql_filter("p.province_key", keys=True)
    cond, cond_params = area_filter(area_code, "p.", keys=True)
    year_sql, year_params = ("p.survey_year = ?", [year]) if year is not None else ("TRUE", [])
    filters = f"FROM poverty_patterns p WHERE {year_sql} AND {where} AND {cond}"
    args = [*year_params, *params, *cond_params]
    if group == "province_code":  # one row per province and pattern already
        rows = store.arrays("SELECT p.province_key AS code, p.target_poor, p.flag_bits, "
                            f"p.households, p.people {filters}", args)
    else:
        rows = store.arrays("SELECT p.survey_year AS code, p.target_poor, p.flag_bits, "
                            "SUM(p.households) AS households, SUM(p.people) AS people "
                            f"{filters} GROUP BY 1, 2, 3", args)
    # Put in (code, target poverty, pattern) order here: a third of the CPU of an ORDER BY.
    code = np.asarray(rows["code"], dtype=np.int64)
    target_poor = _column(rows, "target_poor", bool)
    bits = np.asarray(rows["flag_bits"], dtype=np.int64)
    width = len(_FLAGS)
    order = np.argsort((code << (width + 1)) | (target_poor.astype(np.int64) << width) | bits)
    code, target_poor, bits = code[order], target_poor[order], bits[order]
    households, people = _column(rows, "households")[order], _column(rows, "people")[order]
    flags = _bits_flags(bits).astype(float)  # once for every case
    out = []
    for k, weights in cases:
        totals = _flag_totals(code, flags, target_poor, households, people, weights, k, narrow)
        codes = totals.codes if group == "survey_year" else \
            np.array([f"{int(c):02d}" for c in totals.codes], dtype=object)
        out.append(Totals(codes, totals.matrix))
    return out


def _query_totals_many(store: Store, scope: AccessScope, area_code: str, group: str,
                       year: int | None, cases: Sequence[tuple[float, pv.Weights]],
                       narrow: bool = False) -> list[Totals]:
    """Totals by ``group`` (a code column or ``survey_year``) from the patterns where they
    hold it, else from the profiles, at each (k, weights) of ``cases`` from one read."""
    found = _pattern_totals_many(store, scope, area_code, group, year, cases, narrow)
    if found is not None:
        return found
    where, params = scope.sql_filter("p.province_key", keys=True)
    cond, cond_params = area_filter(area_code, "p.", keys=True)
    year_sql, year_params = ("p.survey_year = ?", [year]) if year is not None else ("TRUE", [])
    rows = store.arrays(
        f"SELECT p.{group} AS code, p.target_poor, {', '.join('p.' + c for c in _FLAGS)}, "
        "SUM(p.households) AS households, SUM(p.people) AS people FROM poverty_profiles p "
        f"WHERE {year_sql} AND {where} AND {cond} "
        f"GROUP BY p.{group}, p.target_poor, {', '.join('p.' + c for c in _FLAGS)} "
        # In a fixed order: the engine hands groups over in any order, and a different order
        # of the (float) weighted scores gave sums that differed in the last digit from one
        # call to the next.
        f"ORDER BY {', '.join(str(i) for i in range(1, len(_FLAGS) + 3))}",
        [*year_params, *params, *cond_params])
    code = np.asarray(rows["code"])
    if len(cases) < 2 or not len(code):
        return [profile_totals(rows, w, k, narrow) for k, w in cases]
    # Several cases: the rows put in code order once, as _group_totals would for each.
    keys, inverse = np.unique(code, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    ordered = {name: np.asarray(values)[order] for name, values in rows.items()}
    ordered["code"] = inverse[order]
    return [Totals(keys[totals.codes], totals.matrix)
            for totals in (profile_totals(ordered, w, k, narrow) for k, w in cases)]


def _profile_children_many(store: Store, scope: AccessScope, area_code: str, year: int,
                           cases: Sequence[tuple[float, pv.Weights]],
                           narrow: bool = False) -> list[Totals]:
    """Totals of the units under a district or a subdistrict (or of one village) in one year,
    at each (k, weights) of ``cases`` from one read.

    The profiles are read as they are, without a GROUP BY, on their integer keys and with
    their flags as one integer: the few hundred rows a step needs then cost less to find and
    to fetch than the area codes and flag columns themselves (migration 111).
    """
    child = _CHILD_COLUMN[len(area_code)].removesuffix("_code")
    where, params = scope.sql_filter("p.province_key", keys=True)
    cond, cond_params = area_filter(area_code, "p.", keys=True)
    rows = store.arrays(
        f"SELECT p.{child}_key AS code, p.target_poor, p.flag_bits, p.households, p.people "
        f"FROM poverty_profiles p WHERE p.survey_year = ? AND {where} AND {cond}",
        [year, *params, *cond_params])
    flags = _bits_flags(rows["flag_bits"])
    width = _KEY_LEVELS[child]
    out = []
    for k, weights in cases:
        totals = _flag_totals(rows["code"], flags, _column(rows, "target_poor", bool),
                              _column(rows, "households"), _column(rows, "people"), weights, k,
                              narrow)
        out.append(Totals(np.array([f"{int(c):0{width}d}" for c in totals.codes],
                                   dtype=object), totals.matrix))
    return out


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


def _query_rollup_many(store: Store, scope: AccessScope, area_code: str, year: int | None,
                       ks: Sequence[float]) -> list[Totals] | None:
    """The same totals as ``_query_totals_many`` from the roll-up (default weights only), at
    each cut-off of ``ks``; None where the roll-up does not hold the area.

    DuckDB sends the units' roll-up rows as they are, to be summed by code here: a statement
    with one aggregate per column costs it more to plan than the rows it would save sending.
    PostgreSQL plans such a statement in a fraction of a millisecond but turns every row it
    sends into Python objects: it sums by code, target poverty and AF poverty at ``k`` itself,
    sending about an eighth of the rows (bench/bench_poverty.py measures both paths).
    """
    found = _rollup_filter(area_code, by_year=year is None)
    if found is None:
        return None
    cond, cond_params, group = found
    where, params = scope.sql_filter("r.province_code")
    year_sql, year_params = ("r.survey_year = ?", [year]) if year is not None else ("TRUE", [])
    rows_sql = f"FROM poverty_rollup r WHERE {year_sql} AND {where} AND {cond}"
    args = [*year_params, *params, *cond_params]
    if store.dialect == "postgresql":
        # The cut-off is part of the statement: one per k.
        sums = ", ".join(f"CAST(SUM(r.{c}) AS BIGINT) AS {c}" for c in _ROLLUP_SUMS)
        return [rollup_totals(store.arrays(
            f"SELECT {group} AS code, r.target_poor, "
            "(r.score_units > 0 AND r.score_units >= ?) AS poor, "
            f"CAST(SUM(r.people * r.score_units) AS BIGINT) AS people_units, {sums} "
            f"{rows_sql} GROUP BY 1, 2, 3", [_poor_units(k), *args]), k) for k in ks]
    rows = store.arrays(
        f"SELECT {group} AS code, r.score_units, r.target_poor, "
        f"{', '.join('r.' + c for c in _ROLLUP_SUMS)} {rows_sql}", args)
    return [rollup_totals(rows, k) for k in ks]


def _totals(store: Store, scope: AccessScope, area_code: str, group: str, year: int | None,
            k: float, weights: tuple[tuple[str, float], ...] | None) -> Totals:
    """Totals of the units in ``group`` at one cut-off and weighting (:func:`_totals_many`)."""
    return _totals_many(store, scope, area_code, group, year, [(k, weights)])[0]


def _totals_many(store: Store, scope: AccessScope, area_code: str, group: str,
                 year: int | None, cases: Sequence[tuple[float, tuple[tuple[str, float], ...]
                                                           | None]],
                 narrow: bool = False) -> list[Totals]:
    """Totals from the roll-up when the default weights allow it, from the profiles as they are
    below a province, else from the profiles grouped in SQL.

    A district's subdistricts are in both: DuckDB reads the district's profiles on their
    integer keys faster, PostgreSQL sums the roll-up rows itself faster than it sends the
    profiles (measured by bench/bench_poverty.py).

    Several (k, weights) ``cases`` share one read of the rows (the depth view's cut-offs and
    weightings): the cut-off and the weights apply to the rows afterwards, in numpy.
    ``narrow``: totals computed here may stop at the columns M0 needs (``_BASE_WIDTH``).
    """
    weighted = [(k, _weights(w)) for k, w in cases]
    below_province = (year is not None and len(area_code) in (4, 6, 8)
                      and not area_code.startswith("R:"))
    out: list[Totals | None] = [None] * len(weighted)
    if not (below_province and store.dialect == "duckdb"):
        rolled = [i for i, (_, w) in enumerate(weighted) if w == _DEFAULT]
        found = _query_rollup_many(store, scope, area_code, year,
                                   [weighted[i][0] for i in rolled]) if rolled else None
        for i, totals in zip(rolled, found or [], strict=False):
            out[i] = totals
    rest = [i for i, totals in enumerate(out) if totals is None]
    if rest:
        wanted = [weighted[i] for i in rest]
        found = (_profile_children_many(store, scope, area_code, year, wanted, narrow)
                 if below_province else
                 _query_totals_many(store, scope, area_code, group, year, wanted, narrow))
        for i, totals in zip(rest, found, strict=True):
            out[i] = totals
    return [totals for totals in out if totals is not None]


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
    return frame_from_arrays({"code": codes, **(extra or {}), **cols,
                              **pv.measures_arrays(cols, weights)})


def frame_from_arrays(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """``pd.DataFrame(columns)`` for equal-length 1-D numpy columns, built a block at a time.

    The constructor inspects each of a step's eighty columns on its own, which cost as much as
    the query; the columns of one dtype stacked into one block cost a third of that. Text
    columns become the default string dtype, as the constructor would make them; anything
    else goes through the constructor.
    """
    names = list(columns)
    size = {len(v) for v in columns.values()}
    if create_dataframe_from_blocks is None or len(size) != 1 or not size.pop():
        return pd.DataFrame(columns)
    blocks: list[tuple[Any, np.ndarray]] = []
    numeric: dict[np.dtype, list[int]] = {}
    for i, name in enumerate(names):
        values = columns[name]
        if not isinstance(values, np.ndarray) or values.ndim != 1:
            return pd.DataFrame(columns)
        if values.dtype.kind in "biuf":
            numeric.setdefault(values.dtype, []).append(i)
        elif values.dtype == object and infer_dtype(values, skipna=True) == "string":
            blocks.append((pd.array(values, dtype="str"), np.array([i])))
        else:
            return pd.DataFrame(columns)
    for at in numeric.values():
        blocks.append((np.vstack([columns[names[i]] for i in at]), np.array(at)))
    return create_dataframe_from_blocks(blocks, index=pd.RangeIndex(len(columns[names[0]])),
                                        columns=_labels(tuple(names)))


@functools.lru_cache(maxsize=64)
def _labels(names: tuple[str, ...], dtype: str | None = None) -> pd.Index:
    """The labels of a step's columns (a few layouts, each built once: an Index of eighty
    names is immutable and costs more to build than the numbers under it)."""
    return pd.Index(names, dtype=dtype)


def _empty_totals(weights: pv.Weights) -> pd.DataFrame:
    empty = Totals(np.array([], dtype=object), np.zeros((0, len(TOTAL_COLUMNS))))
    names = {"name_th": np.array([], dtype=object), "name_en": np.array([], dtype=object)}
    return _measures(empty.codes, empty, weights, names)


# -- small-number protection -------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _protection_groups(names: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(driving count, what is computed from it) for the columns of a poverty frame: the
    households first (a row about too few households is withheld whole), then the poor,
    the target poor, each indicator's and dimension's counts."""
    present = set(names)

    def have(*cols: str) -> tuple[str, ...]:
        return tuple(c for c in cols if c in present)

    dims = list(_DIMS)
    poor_derived = have("poor", "score_poor", "h", "a", "mpi",
                        *(f"cen_{f}" for f in _FLAGS), *(f"cdim_{d}" for d in dims),
                        *(f"{p}_{d}" for p in ("mpi", "contrib", "a", "h") for d in dims))
    skip = {"code", "year", "name_th", "name_en", "households"}
    groups = [("households", tuple(n for n in names if n not in skip)),
              ("poor_households", poor_derived),
              ("target_poor_households", have("target_poor_people"))]
    for d, flags in _DIMS.items():
        # One indicator's censored count is recoverable from its dimension's part of M0.
        groups += [(f"cen_{f}", have(f"mpi_{d}", f"contrib_{d}", f"a_{d}")) for f in flags]
        groups += [(f"raw_{f}", ()) for f in flags]
        groups += [(f"people_{d}", ()), (f"cdim_{d}", have(f"h_{d}"))]
    return tuple(groups)


def _protect(columns: dict[str, np.ndarray], scope: AccessScope, codes: Iterable[str],
             siblings: bool) -> dict[str, np.ndarray]:
    return protect_columns(columns, scope, codes, _protection_groups(tuple(columns)),
                           siblings=siblings)


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
    found = _children_many(store, scope, area_code, year, [(k, weights)], grain)
    return None if found is None else (found[0][0], found[1])


def _children_many(store: Store, scope: AccessScope, area_code: str, year: int,
                   cases: Sequence[tuple[float, tuple[tuple[str, float], ...] | None]],
                   grain: str | None, narrow: bool = False
                   ) -> tuple[list[Totals], dict[str, np.ndarray]] | None:
    """:func:`_children` at each (k, weights) of ``cases`` from one read (the same units)."""
    if _hidden(scope, area_code):
        return None
    group = _CHILD_COLUMN[0 if area_code.startswith("R:") else len(area_code)]
    all_totals = _totals_many(store, scope, area_code, group, year, cases, narrow)
    if not len(all_totals[0].codes):
        return None
    # A user limited to some provinces sees those provinces under Thailand, not regions that
    # would carry a whole region's name over a part of it.
    if not area_code and grain != "province" and scope.all_provinces:
        all_totals = [_to_regions(totals) for totals in all_totals]
        return all_totals, _region_names(all_totals[0].codes)
    codes = all_totals[0].codes.astype(str).astype(object)
    registry = area_name_map(store)
    names = [registry.get(c, (None, None)) for c in codes]
    return [Totals(codes, totals.matrix) for totals in all_totals], {
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
    cols = _total_columns(totals)
    protected = _protect({**cols, **pv.measures_arrays(cols, _weights(weights))}, scope,
                         totals.codes, siblings=True)
    return frame_from_arrays({"code": totals.codes, **names, **protected})


def poverty_drilldown(store: Store, scope: AccessScope, area_code: str, year: int,
                      k: float = float(pv.DEFAULT_K),
                      weights: tuple[tuple[str, float], ...] | None = None) -> Drilldown:
    """The poverty page's step: the child units and the area's own measures, in one pass
    (the area's totals are the sum of its children's: they partition it)."""
    return poverty_drilldowns(store, scope, area_code, year, ((k, weights),))[0]


def poverty_drilldowns(store: Store, scope: AccessScope, area_code: str, year: int,
                       cases: tuple[tuple[float, tuple[tuple[str, float], ...] | None], ...]
                       ) -> list[Drilldown]:
    """:func:`poverty_drilldown` at each (k, weights) of ``cases``, from one read of the
    aggregates (the depth view's cut-offs and weightings): the same figures, one query."""
    found = _children_many(store, scope, area_code, year, cases, None)
    if found is None:
        out = []
        for _, weights in cases:
            w = _weights(weights)
            out.append(Drilldown(_empty_totals(w), _area_measures(
                np.zeros(len(TOTAL_COLUMNS)), list(TOTAL_COLUMNS), w)))
        return out
    all_totals, names = found
    return [_drilldown(scope, area_code, totals, names, _weights(weights))
            for totals, (_, weights) in zip(all_totals, cases, strict=True)]


def poverty_child_mpi_many(store: Store, scope: AccessScope, area_code: str, year: int,
                           cases: tuple[tuple[float, tuple[tuple[str, float], ...] | None], ...]
                           ) -> list[pd.Series]:
    """The child units' M0 by code at each (k, weights) of ``cases``: exactly the ``mpi`` of
    :func:`poverty_drilldowns`' children (the same read, totals, measures and small-number
    protection), without the seventy other columns a step builds and protects (the
    robustness view compares only M0 across six weightings)."""
    found = _children_many(store, scope, area_code, year, cases, None, narrow=True)
    if found is None:
        return [pd.Series(dtype=float) for _ in cases]
    out = []
    for totals in found[0]:
        cols = _total_columns(totals)
        mpi = pv.headline_arrays(cols["population"], cols["poor"], cols["score_poor"])["mpi"]
        # M0 is withheld with its row's households or with its poor households (the groups
        # of _protection_groups that hold it), exactly as in the full step.
        shown = _protect({"households": cols["households"],
                          "poor_households": cols["poor_households"], "mpi": mpi}, scope,
                         totals.codes, siblings=True)
        out.append(pd.Series(shown["mpi"], index=pd.Index(totals.codes, name="code")))
    return out


def _drilldown(scope: AccessScope, area_code: str, totals: Totals,
               names: dict[str, np.ndarray], w: pv.Weights) -> Drilldown:
    # The area's sums ride along as a last row, so that the measures are computed once.
    sums = totals.matrix.sum(axis=0)
    cols = _total_columns(Totals(totals.codes, np.vstack([totals.matrix, sums])))
    measures = pv.measures_arrays(cols, w)
    everything = {**cols, **measures}
    children = _protect({c: v[:-1] for c, v in everything.items()}, scope, totals.codes,
                        siblings=True)
    own = _protect({c: v[-1:] for c, v in everything.items()}, scope, [area_code],
                   siblings=False)
    area = pd.Series([v[0] for v in own.values()], index=_labels(tuple(own), "object"))
    return Drilldown(frame_from_arrays({"code": totals.codes, **names, **children}), area)


def _area_measures(sums: np.ndarray, cols: list[str], weights: pv.Weights) -> pd.Series:
    """One area's totals (``sums`` by ``cols``) with their measures, as a Series."""
    totals = {c: sums[j:j + 1] for j, c in enumerate(cols)}
    return _area_series(sums, cols, pv.measures_arrays(totals, weights), 0)


def _area_series(sums: np.ndarray, cols: Iterable[str], measures: dict[str, np.ndarray],
                 row: int) -> pd.Series:
    """An area's totals (``sums`` by ``cols``) and its measures (row ``row`` of ``measures``)."""
    return pd.Series(np.concatenate([sums, [v[row] for v in measures.values()]]),
                     index=_labels((*cols, *measures), "object"))


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
    cols = _total_columns(totals)
    protected = _protect({**cols, **pv.measures_arrays(cols, w)}, scope,
                         [area_code] * len(totals.codes), siblings=False)
    return frame_from_arrays({"year": totals.codes.astype(np.int64), **protected})


def assistance_pipeline(store: Store, scope: AccessScope, area_code: str,
                        year: int) -> pd.DataFrame:
    """Assistance cases of one survey year by dimension, responsible agency and status.

    Down to a province the counts by province answer; below it, the counts by village.
    """
    where, params = scope.sql_filter("province_code")
    cond, cond_params = area_filter(area_code)
    by_province = not area_code or area_code.startswith("R:") or len(area_code) == 2
    table = "poverty_case_provinces" if by_province else "poverty_case_counts"
    return store.query(
        f"SELECT dimension, agency, status, CAST(SUM(cases) AS BIGINT) AS cases FROM {table} "
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
