"""Demo follow-up data: the store's "today" and provinces whose progress reports stopped."""

from __future__ import annotations

import datetime as dt

from data.demo import DemoContext
from data.demo.plans import AS_OF

# Provinces whose One Plan progress reports stopped some weeks before the demo's "today":
# the late reporters the freshness view and the "not reported" rule are there to find.
SILENT_PROVINCES = 4


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng("action")
    store = ctx.store
    # Ages, overdue items and late reporters are judged on the day the demo data describes,
    # not on the day someone opens it (a real store has no such setting: it uses today).
    store.execute("INSERT INTO action_settings (key, value) VALUES ('as_of', ?)",
                  [AS_OF.isoformat()])
    codes = sorted(ctx.provinces.code)
    silent = rng.choice(codes, SILENT_PROVINCES, replace=False)
    for code in silent:
        cutoff = AS_OF - dt.timedelta(days=int(rng.integers(50, 130)))
        store.execute(
            "UPDATE plan_projects SET last_update = ? WHERE province_code = ? "
            "AND last_update > ?", [cutoff, str(code), cutoff])
