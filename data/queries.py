"""Read queries shared by several pages: area lists, store summary, headline KPIs."""

from __future__ import annotations

from typing import Any

import pandas as pd

from data.area_filter import area_predicate
from data.protect import protect_frame
from data.scope import AccessScope
from data.store import Store, redact_url

_TABLES = ("areas", "regions", "sdg_goals", "sdg_indicators", "sdg_values", "poverty_indicators",
           "households", "assistance_cases", "partners", "partner_activities", "activity_goals",
           "import_batches", "import_recipes")


def _counted_tables() -> tuple[str, ...]:
    """Every table a dataset kind writes (its own and its children) beside the core ones."""
    from data.importer.specs import SPECS

    out = list(_TABLES)
    for spec in SPECS.values():
        for table in (spec.table, *spec.children):
            if table not in out:
                out.append(table)
    return tuple(out)


def summary(store: Store) -> dict[str, Any]:
    """Row counts and coverage of the whole store (an operator's view, not scoped)."""
    counts = {t: int(store.scalar(f"SELECT COUNT(*) FROM {t}")) for t in _counted_tables()
              if store.table_exists(t)}
    levels = dict(store.rows("SELECT level, COUNT(*) FROM areas GROUP BY level ORDER BY level"))
    years = [int(r[0]) for r in store.rows(
        "SELECT DISTINCT survey_year FROM households ORDER BY 1")]
    sdg_years = [int(r[0]) for r in store.rows("SELECT DISTINCT year FROM sdg_values ORDER BY 1")]
    goals = [int(r[0]) for r in store.rows(
        "SELECT DISTINCT i.goal FROM sdg_values v JOIN sdg_indicators i USING (indicator_code) "
        "ORDER BY 1")]
    sectors = [r[0] for r in store.rows(
        "SELECT DISTINCT p.sector FROM partner_activities a JOIN partners p USING (partner_id) "
        "ORDER BY 1")]
    return {
        "database": redact_url(store.url) if store.dialect == "postgresql" else store.path,
        "schema_version": store.schema_version(),
        "rows": counts,
        "areas_per_level": {k: int(v) for k, v in levels.items()},
        "provinces_with_households": int(store.scalar(
            "SELECT COUNT(DISTINCT province_code) FROM households") or 0),
        "household_years": years,
        "sdg_years": sdg_years,
        "sdg_goals_with_values": goals,
        "partner_sectors_with_activities": sectors,
    }


def load_areas(store: Store, scope: AccessScope, level: str,
               parent_code: str | None = None) -> pd.DataFrame:
    """Areas of one level the user may see, optionally the children of one parent."""
    where, params = scope.sql_filter("province_code")
    sql = ("SELECT code, level, name_th, name_en, parent_code, province_code, region_nesdc, "
           f"region_four FROM areas WHERE level = ? AND {where}")
    args: list[Any] = [level, *params]
    if parent_code:
        sql += " AND parent_code = ?"
        args.append(parent_code)
    return store.query(sql + " ORDER BY code", args)


def load_regions(store: Store, scope: AccessScope, scheme: str = "nesdc") -> pd.DataFrame:
    """Regions are public reference data; the scope argument keeps the query convention."""
    return store.query(
        "SELECT code, name_th, name_en FROM regions WHERE scheme = ? ORDER BY sort_order", [scheme])


def load_area(store: Store, scope: AccessScope, code: str) -> dict[str, Any] | None:
    """One area of the registry, or None when it does not exist or lies outside the scope."""
    where, params = scope.sql_filter("province_code")
    df = store.query(f"SELECT * FROM areas WHERE code = ? AND {where}", [code, *params])
    return None if df.empty else df.iloc[0].to_dict()


def area_name_map(store: Store) -> dict[str, tuple[str, str]]:
    """Every area's (Thai, English) name by code, read once per store.

    The registry is reference data that no import changes; a drill-down step names its
    units from memory instead of a query of its own (which would cost as much as the step).
    """
    def load(s: Store) -> dict[str, tuple[str, str]]:
        rows = s.arrays("SELECT code, name_th, name_en FROM areas")
        return dict(zip(rows["code"].tolist(),
                        zip(rows["name_th"].tolist(), rows["name_en"].tolist(), strict=True),
                        strict=True))

    return store.reference("area_names", load)


def load_years(store: Store, scope: AccessScope) -> list[int]:
    """Years that have household, published poverty or SDG data, oldest first."""
    rows = store.rows(
        "SELECT DISTINCT y FROM (SELECT survey_year AS y FROM household_rollup "
        "UNION SELECT year AS y FROM sdg_values UNION SELECT year AS y FROM poverty_published"
        ") t ORDER BY y")
    return [int(r[0]) for r in rows]


def area_condition(area_code: str, column: str) -> tuple[str, list[Any]]:
    """WHERE fragment selecting rows inside an area by a code column at least as deep as the
    area (e.g. ``village_code``); see ``data.area_filter.area_predicate``."""
    return area_predicate(area_code, column=column)


def sdg_values_by_area(store: Store, scope: AccessScope, area_code: str,
                       year: int) -> pd.DataFrame:
    """Every indicator's value for one area (or the national figure) in one year."""
    code = area_code if area_code and not area_code.startswith("R:") else "TH"
    if code != "TH" and not scope.can_see_province(code):
        return pd.DataFrame()
    return store.query(
        "SELECT i.goal, i.indicator_code, i.un_code, i.name_th, i.name_en, i.unit, i.direction, "
        "i.target_2030, v.value FROM sdg_indicators i LEFT JOIN sdg_values v "
        "ON v.indicator_code = i.indicator_code AND v.area_code = ? AND v.year = ? "
        "AND v.disaggregation = 'total' ORDER BY i.goal, i.indicator_code",
        [code, year],
    )


def target_poor_sql(where: str) -> str:
    """Households, people and target poor of the village roll-up summed by the first ``?``
    characters of the village code, in the survey year ``?``, of the rows ``where`` selects
    (its own ``?`` after those two), with the areas' names, by code. The roll-up is
    aggregated first, then the (few) groups named."""
    return ("SELECT t.code, a.name_th, a.name_en, t.households, t.people, "
            "t.target_poor_households, t.target_poor_people "
            "FROM (SELECT substr(h.village_code, 1, ?) AS code, "
            "CAST(SUM(h.households) AS BIGINT) AS households, "
            "CAST(SUM(h.people) AS BIGINT) AS people, "
            "CAST(SUM(h.target_poor_households) AS BIGINT) AS target_poor_households, "
            "CAST(SUM(h.target_poor_people) AS BIGINT) AS target_poor_people "
            f"FROM household_rollup h WHERE h.survey_year = ? AND {where} "
            "GROUP BY 1) t JOIN areas a ON a.code = t.code ORDER BY 1")


def target_poor_by_child(store: Store, scope: AccessScope, area_code: str,
                         year: int) -> pd.DataFrame:
    """Households, people and target poor in each child area of ``area_code``."""
    level = len(area_code) + 2 if area_code and not area_code.startswith("R:") else 2
    level = min(level, 8)
    where, params = scope.sql_filter("h.province_code")
    cond, cond_params = area_condition(area_code, "h.village_code")
    frame = store.query(target_poor_sql(f"{where} AND {cond}"),
                        [level, year, *params, *cond_params])
    # Children of one area, shown beside its total: small counts withheld with a complement.
    return protect_frame(frame, scope)


def activities_by_sector(store: Store, scope: AccessScope, area_code: str,
                         year: int) -> pd.DataFrame:
    where, params = scope.sql_filter("a.province_code")
    cond, cond_params = area_condition(area_code, "a.area_code")
    return store.query(
        "SELECT p.sector, COUNT(*) AS activities, SUM(a.beneficiaries) AS beneficiaries, "
        "SUM(a.budget) AS budget FROM partner_activities a JOIN partners p USING (partner_id) "
        f"WHERE EXTRACT(year FROM a.started_on) = ? AND {where} AND {cond} "
        "GROUP BY 1 ORDER BY 2 DESC, 1",
        [year, *params, *cond_params],
    )
