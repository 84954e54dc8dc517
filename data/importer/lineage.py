"""The data catalogue: each dataset's rows, areas, years, last import, source and lineage."""

from __future__ import annotations

import pandas as pd

from data.scope import AccessScope
from data.store import Store

# dataset, table, import kind, province expression, area column, year expression
DATASETS: tuple[tuple[str, str, str | None, str, str, str], ...] = (
    # The catalogue is public reference data: no province column to restrict.
    ("sdg_indicators", "sdg_indicators", "indicator_catalogue", "", "NULL", "NULL"),
    ("sdg_values", "sdg_values", "indicators", "SUBSTR(area_code, 1, 2)", "area_code", "year"),
    ("households", "households", "households", "province_code", "village_code", "survey_year"),
    ("assistance_cases", "assistance_cases", None, "province_code", "village_code",
     "survey_year"),
    ("poverty_published", "poverty_published", "poverty_published", "province_code",
     "area_code", "year"),
    ("partners", "partners", "partners", "home_province", "home_province", "NULL"),
    ("partner_activities", "partner_activities", "activities", "province_code", "area_code",
     "EXTRACT(year FROM started_on)"),
    ("plan_projects", "plan_projects", "plan_projects", "province_code", "area_code",
     "fiscal_year"),
    ("debt_cases", "debt_cases", "debt_cases", "province_code", "area_code",
     "EXTRACT(year FROM registered_on)"),
)


def load_catalogue(store: Store, scope: AccessScope) -> pd.DataFrame:
    """One row per dataset; counts are restricted to the provinces the user may see."""
    rows = []
    for dataset, table, kind, prov_expr, area_col, year_expr in DATASETS:
        if not store.table_exists(table):
            continue
        where, params = scope.sql_filter(prov_expr) if prov_expr else ("TRUE", [])
        if table == "households":
            # ~13 million rows a year: counted from the village rollup, and the imported ones
            # through their batch index (a full count took 110 s on PostgreSQL).
            r = store.rows(
                "SELECT COALESCE(SUM(households), 0), COUNT(DISTINCT village_code), "
                f"MIN(survey_year), MAX(survey_year) FROM household_rollup WHERE {where}",
                params)[0]
            imported = store.scalar(
                f"SELECT COUNT(*) FROM households WHERE batch_id IS NOT NULL AND {where}",
                params)
            r = (*r, imported)
        else:
            r = store.rows(
                f"SELECT COUNT(*), COUNT(DISTINCT {area_col}), MIN({year_expr}), "
                f"MAX({year_expr}), COUNT(batch_id) FROM {table} WHERE {where}", params)[0]
        batches, last, files, shared = _lineage(store, scope, kind, table, prov_expr)
        source = ", ".join(files)
        if dataset == "sdg_values":
            sources = [x[0] for x in store.rows(
                "SELECT DISTINCT source FROM sdg_indicators ORDER BY 1 LIMIT 4")]
            source = "; ".join(filter(None, [*sources, source]))
        rows.append({
            "dataset": dataset, "kind": kind or "", "rows": int(r[0]), "areas": int(r[1]),
            "first_year": None if r[2] is None else int(r[2]),
            "last_year": None if r[3] is None else int(r[3]),
            "initial_rows": int(r[0]) - int(r[4]), "imported_rows": int(r[4]),
            "batches": batches, "shared_batches": shared,
            "last_import": None if last is None else pd.Timestamp(last),
            "source": source})
    return pd.DataFrame(rows)


def _lineage(store: Store, scope: AccessScope, kind: str | None, table: str,
             prov_expr: str) -> tuple[int, object, list[str], int]:
    """(batches, last import, up to 3 latest file names, batches named only by count).

    Lineage is scoped like the data it describes: a user of some provinces counts the batches
    that brought rows into them, sees the file names of those that stay inside them, and only
    a count of the batches that also reached other provinces (their names and times are the
    other provinces' business).
    """
    if not kind:
        return 0, None, [], 0
    if scope.all_provinces or not prov_expr:
        b = store.rows("SELECT COUNT(*), MAX(imported_at) FROM import_batches "
                       "WHERE kind = ? AND status = 'committed'", [kind])[0]
        files = [x[0] for x in store.rows(
            "SELECT file_name FROM import_batches WHERE kind = ? AND status = 'committed' "
            "ORDER BY batch_id DESC LIMIT 3", [kind])]
        return int(b[0]), b[1], files, 0
    where, params = scope.sql_filter(prov_expr)
    mine = store.rows(
        "SELECT batch_id, imported_at, file_name FROM import_batches WHERE kind = ? "
        "AND status = 'committed' AND batch_id IN (SELECT DISTINCT batch_id FROM "
        f"{table} WHERE batch_id IS NOT NULL AND {where}) ORDER BY batch_id DESC",
        [kind, *params])
    if not mine:
        return 0, None, [], 0
    elsewhere = {int(r[0]) for r in store.rows(
        f"SELECT DISTINCT batch_id FROM {table} WHERE batch_id = ANY(?) AND NOT ({where})",
        [[int(r[0]) for r in mine], *params])}
    own = [r for r in mine if int(r[0]) not in elsewhere]
    last = max(r[1] for r in own) if own else None
    return len(mine), last, [r[2] for r in own[:3]], len(mine) - len(own)
