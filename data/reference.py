"""The reference data every store needs before anything is imported: regions, the DOPA area
registry, SDG goals and the indicator catalogue, poverty indicators (``python -m data init``)."""

from __future__ import annotations

import pandas as pd

from data.store import Store, StoreError
from domain import areas as area_registry
from domain import catalogue


def write_reference(store: Store, areas: pd.DataFrame) -> None:
    """Regions, ``areas`` (the registry, with villages where the caller has them), goals and
    poverty indicators, in the caller's transaction."""
    store.insert_df("regions", area_registry.regions_frame())
    store.insert_df("areas", areas)
    store.insert_df("sdg_goals", pd.DataFrame(catalogue.SDG_GOALS,
                                              columns=["goal", "name_th", "name_en", "colour"]))
    store.insert_df("poverty_indicators", pd.DataFrame([
        {"indicator_code": i.code, "dimension": i.dimension, "column_name": i.column,
         "name_th": i.name_th, "name_en": i.name_en, "sort_order": n}
        for n, i in enumerate(catalogue.POVERTY_INDICATORS)]))


def init_store(store: Store) -> dict[str, int]:
    """Load the reference data into a migrated store that holds none; refuses otherwise."""
    from data.demo.sdg import catalogue_frame

    if store.scalar("SELECT COUNT(*) FROM areas"):
        raise StoreError("the store already holds an area registry; nothing was changed")
    areas = area_registry.registry_frame()
    with store.transaction():
        write_reference(store, areas)
        if not store.scalar("SELECT COUNT(*) FROM sdg_indicators"):
            store.insert_df("sdg_indicators", catalogue_frame())
    return {t: int(store.scalar(f"SELECT COUNT(*) FROM {t}"))
            for t in ("regions", "areas", "sdg_goals", "sdg_indicators", "poverty_indicators")}
