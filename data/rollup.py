"""Pre-computed household aggregates per village and year, refreshed after household changes."""

from __future__ import annotations

from collections.abc import Iterable

from data.store import Store

_SELECT = (
    "SELECT survey_year, village_code, MIN(province_code), COUNT(*), SUM(members), "
    "SUM(CASE WHEN target_poor THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN target_poor THEN members ELSE 0 END), "
    "SUM(CASE WHEN welfare_card THEN 1 ELSE 0 END) FROM households"
)


def refresh_household_rollup(store: Store, years: Iterable[int] | None = None) -> int:
    """Recompute ``household_rollup`` for ``years`` (all years when None); return its rows.

    Call it in the same transaction as any insert, replace or undo of household rows, so that
    the drill-down never disagrees with the households table.
    """
    if years is None:
        store.execute("DELETE FROM household_rollup")
        store.execute(f"INSERT INTO household_rollup {_SELECT} GROUP BY survey_year, village_code")
    else:
        ys = sorted({int(y) for y in years})
        if not ys:
            return 0
        store.execute("DELETE FROM household_rollup WHERE survey_year = ANY(?)", [ys])
        store.execute(f"INSERT INTO household_rollup {_SELECT} WHERE survey_year = ANY(?) "
                      "GROUP BY survey_year, village_code", [ys])
    return int(store.scalar("SELECT COUNT(*) FROM household_rollup") or 0)
