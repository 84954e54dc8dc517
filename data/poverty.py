"""Poverty drill-down queries over pre-computed deprivation profiles, and their refresh."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
    }


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
        return f"{prefix}province_code = ANY(?)", [list(provinces)]
    column = _AREA_COLUMN.get(len(area_code))
    if column is None or not area_code.isdigit():
        raise ValueError(f"not an area code: {area_code!r}")
    return f"{prefix}{column} = ?", [area_code]


def _weights(weights: tuple[tuple[str, float], ...] | None) -> pv.Weights:
    return pv.weights_from_key(weights)


def _totals_sql(group: str, weights: pv.Weights, k: float) -> tuple[str, str, list[Any]]:
    """SELECT list of the additive AF totals, the scored inner select, and their parameters.

    Every total is a plain SUM, so totals of children add up to their parent's.
    """
    score = " + ".join(f"CASE WHEN {c} THEN CAST(? AS DOUBLE PRECISION) ELSE 0.0 END"
                       for c in weights.columns)
    # In the order of the placeholders in the text: the cut-off, then the weights.
    inner_params: list[Any] = [pv.EPS, k - pv.EPS, *weights.values]
    dims = {d: [c for c, dd in zip(weights.columns, weights.dimensions, strict=True) if dd == d]
            for d in dict.fromkeys(weights.dimensions)}
    def total(expr: str, name: str) -> str:
        return f"CAST(SUM({expr}) AS BIGINT) AS {name}"

    parts = [
        f"{group} AS code", total("households", "households"), total("people", "population"),
        total("CASE WHEN target_poor THEN households ELSE 0 END", "target_poor_households"),
        total("CASE WHEN target_poor THEN people ELSE 0 END", "target_poor_people"),
        total("CASE WHEN poor THEN households ELSE 0 END", "poor_households"),
        total("CASE WHEN poor THEN people ELSE 0 END", "poor"),
        "SUM(CASE WHEN poor THEN people * score ELSE 0.0 END) AS score_poor",
    ]
    parts += [total(f"CASE WHEN poor AND {c} THEN people ELSE 0 END", f"cen_{c}")
              for c in weights.columns]
    parts += [total(f"CASE WHEN {c} THEN people ELSE 0 END", f"raw_{c}")
              for c in weights.columns]
    for dim, cols in dims.items():
        any_sql = " OR ".join(cols)
        parts.append(total(f"CASE WHEN {any_sql} THEN people ELSE 0 END", f"people_{dim}"))
        parts.append(total(f"CASE WHEN poor AND ({any_sql}) THEN people ELSE 0 END",
                           f"cdim_{dim}"))
    inner = (f"SELECT s.*, (s.score > ? AND s.score >= ?) AS poor FROM (SELECT p.*, ({score}) "
             "AS score FROM poverty_profiles p WHERE {where}) s")  # {where}: filled by caller
    return ", ".join(parts), inner, inner_params


def _query_totals(store: Store, scope: AccessScope, area_code: str, group: str,
                  year: int | None, k: float, weights: pv.Weights) -> pd.DataFrame:
    select, inner, inner_params = _totals_sql(group, weights, k)
    where, params = scope.sql_filter("p.province_code")
    cond, cond_params = area_filter(area_code, "p.")
    year_sql, year_params = ("p.survey_year = ?", [year]) if year is not None else ("TRUE", [])
    # The inner select's parameters (weights, k) come before its WHERE parameters.
    sql = (f"SELECT {select} FROM ("
           + inner.replace("{where}", f"{year_sql} AND {where} AND {cond}")
           + f") t GROUP BY {group} ORDER BY {group}")
    return store.query(sql, [*inner_params, *year_params, *params, *cond_params])


def _names(store: Store, codes: list[str]) -> pd.DataFrame:
    return store.query("SELECT code, name_th, name_en FROM areas WHERE code = ANY(?)",
                       [list(codes)])


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
    select, _, _ = _totals_sql("x", weights, 0.0)
    cols = [part.rsplit(" AS ", 1)[1] for part in select.split(", ")]
    return pv.measures_frame(pd.DataFrame(columns=[*cols, "name_th", "name_en"]), weights)


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

    Children: regions under the country (provinces for a user restricted to some
    provinces), provinces under a region, then districts,
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
    df = (_query_totals(store, scope, area_code, group, year, k, w))
    if df.empty:
        return _empty_totals(w)
    # A user restricted to some provinces has no region picker: their provinces are the
    # children of the country (a region row holding one province's figures would mislead).
    if not area_code and grain != "province" and scope.all_provinces:
        df = _to_regions(df)
    else:
        df = df.merge(_names(store, df.code.tolist()), on="code", how="left")
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
    df = (_query_totals(store, scope, area_code, "survey_year", None, k, w))
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
