"""Rows of the published poverty figures (one per area, year and measure) from a mapped file."""

from __future__ import annotations

import pandas as pd

from data.store import Store


def build_poverty_published(store: Store, v: pd.DataFrame, rows) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Counts are never negative, and never fractional: a published count of people or
    households is a whole number (a share or a rate belongs in an indicator instead)."""
    del store
    value = v["value"]
    rows.flag(value < 0, "range", "value " + value.astype(str))
    rows.flag(value.notna() & (value % 1 != 0), "number",
              "not a whole count: " + value.astype(str))
    source = v["source"].fillna("").astype(str).str.strip()
    return pd.DataFrame({"area_code": v.get("area_code"), "province_code": v.get("province_code"),
                         "year": v["year"], "measure": v["measure"], "value": value,
                         "source": source.where(source != "", None)})
