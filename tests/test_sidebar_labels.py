"""The sidebar's cached option labels equal the labels built from the area queries."""

from __future__ import annotations

import pytest

from components import sidebar
from data.queries import load_areas, load_regions
from data.scope import AccessScope
from data.store import open_store

PATTANI = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94"}),
                      household_provinces=frozenset({"94"}))


@pytest.fixture()
def demo_store(demo_db):
    store = open_store(f"duckdb:///{demo_db}", read_only=True, migrate=False,
                       create=False)
    yield store
    store.close()


@pytest.mark.parametrize("scope", [AccessScope.everything(), PATTANI])
@pytest.mark.parametrize("language", ["th", "en"])
def test_cached_labels_equal_the_labels_of_the_queries(demo_store, scope, language):
    provinces = load_areas(demo_store, scope, "province")
    assert len(provinces) and sidebar._area_labels(
        demo_store, scope, "province", "", "", language, "all") == sidebar._labels(
        provinces, "all", language)
    region = str(provinces["region_nesdc"].iloc[0])
    inside = provinces[provinces.region_nesdc == region]
    labels = sidebar._area_labels(demo_store, scope, "province", "", region, language, "all")
    assert labels == sidebar._labels(inside, "all", language) and len(labels) == len(inside) + 1
    code = str(provinces["code"].iloc[-1])
    districts = load_areas(demo_store, scope, "district", code)
    assert len(districts) and sidebar._area_labels(
        demo_store, scope, "district", code, "", language, "all") == sidebar._labels(
        districts, "all", language)
    regions = load_regions(demo_store, scope)
    column = f"name_{language}"
    assert sidebar._region_labels(demo_store, scope, column, "all") == {
        "": "all", **dict(zip(regions.code, regions[column], strict=True))}
