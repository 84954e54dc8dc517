"""Published poverty figures: imported from TPMap-like files, drilled down, compared with the
counts computed from household records, and shown on the poverty page (AppTest)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from data.importer import commit_import, preview_import
from data.importer.plan import override, plan_import
from data.poverty_published import (
    load_published_years,
    published_area,
    published_by_child,
    published_vs_computed,
)
from data.scope import AccessScope
from tests.apptest_util import assert_clean, open_page

STEWARD = AccessScope(user="steward1", roles=frozenset({"steward", "analyst"}), provinces=None)
PATTANI = AccessScope(user="p94", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
EVERYONE = AccessScope.everything()

PROVINCES = ("รหัสจังหวัด,จังหวัด,จำนวนคนที่สำรวจ,คนจนเป้าหมาย,ด้านสุขภาพ,ด้านการศึกษา\n"
             "40,ขอนแก่น,\"1,250,000\",\"21,500\",\"4,100\",\"8,200\"\n"
             "94,ปัตตานี,\"690,000\",\"30,100\",\"6,000\",\"11,800\"\n")
DISTRICTS = ("รหัสอำเภอ,อำเภอ,คนจนเป้าหมาย\n"
             "4001,เมืองขอนแก่น,\"3,000\"\n"
             "4002,บ้านฝาง,\"1,200\"\n")


def _import(store, text: str, name: str, year: str) -> int:
    data = text.encode("utf-8")
    plan = plan_import(store, data, name, "poverty_published")
    mapping = override(plan.mapping, sets=[f"year={year}", "source=TPMap"])
    preview = preview_import(store, STEWARD, data, name, "poverty_published", "reject", mapping,
                             raw=plan.raw)
    assert preview.rejected.empty, preview.rejected_report("en")
    return commit_import(store, STEWARD, preview).batch_id


@pytest.fixture()
def published(any_empty_store):
    from domain.areas import regions_frame, registry_frame

    s = any_empty_store
    s.insert_df("regions", regions_frame())
    s.insert_df("areas", registry_frame())
    _import(s, PROVINCES, "tpmap_provinces.csv", "2559")
    _import(s, DISTRICTS, "tpmap_districts.csv", "2559")
    _import(s, PROVINCES.replace("21,500", "20,000"), "tpmap_provinces_2024.csv", "2567")
    s.insert_df("household_rollup", pd.DataFrame({
        "survey_year": 2024, "village_code": ["40010101", "94010101"],
        "province_code": ["40", "94"], "households": [100, 80], "people": [400, 300],
        "target_poor_households": [5, 9], "target_poor_people": [19_000, 31_000],
        "welfare_card_households": [10, 20]}))
    return s


def test_drill_down_trend_and_scope(published):
    assert load_published_years(published, EVERYONE) == [2016, 2024]
    provinces = published_by_child(published, EVERYONE, "", 2016).set_index("code")
    assert provinces.loc["40", "target_poor_people"] == 21_500
    assert provinces.loc["94", "poor_education"] == 11_800
    assert provinces.loc["40", "name_th"] == "ขอนแก่น" and provinces.loc["40", "source"] == "TPMap"
    districts = published_by_child(published, EVERYONE, "40", 2016)
    assert districts.code.tolist() == ["4001", "4002"]
    assert districts.target_poor_people.tolist() == [3000, 1200]
    # The province has a row of its own; a region is the sum of its provinces.
    own = published_area(published, EVERYONE, "40", 2016).iloc[0]
    assert (own.basis, own.target_poor_people) == ("own", 21_500)
    region = published_area(published, EVERYONE, "R:SB", 2016).iloc[0]
    assert (region.basis, region.units, region.target_poor_people) == ("children", 1, 30_100)
    country = published_area(published, EVERYONE, "")
    assert country.year.tolist() == [2016, 2024]
    assert country.target_poor_people.tolist() == [51_600, 50_100]
    assert published_by_child(published, EVERYONE, "4001", 2016).empty  # below: none published
    # A provincial user sees their province only.
    assert published_by_child(published, PATTANI, "", 2016).code.tolist() == ["94"]
    assert published_by_child(published, PATTANI, "40", 2016).empty
    assert published_area(published, PATTANI, "").target_poor_people.tolist() == [30_100, 30_100]


def test_published_beside_computed(published):
    both = published_vs_computed(published, EVERYONE, "", 2024).set_index("code")
    assert both.loc["40", ["published", "computed", "difference"]].tolist() == [20_000, 19_000,
                                                                             -1_000]
    assert both.loc["40", "difference_pct"] == -5.0
    assert both.loc["94", "difference"] == 900


@pytest.fixture()
def page_db(app_env, tmp_path, monkeypatch):
    """The demo store with published figures of 2559 (no survey) and 2567 BE (survey too)."""
    from data.store import Store

    path = tmp_path / "published.duckdb"
    shutil.copyfile(app_env, path)
    monkeypatch.setenv("WARROOM_DB", str(path))
    store = Store(f"duckdb:///{path}")
    store.migrate()
    _import(store, PROVINCES, "tpmap_provinces.csv", "2559")
    _import(store, DISTRICTS, "tpmap_districts.csv", "2559")
    _import(store, PROVINCES, "tpmap_provinces_2567.csv", "2567")
    store.close()
    return path


def _texts(at) -> str:
    parts = [m.label + " " + m.value for m in at.metric] + [i.value for i in at.info]
    parts += [c.value for c in at.caption] + [md.value for md in at.markdown]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_page_shows_published_figures_where_no_survey_exists(page_db, lang):
    at = open_page("poverty", lang=lang, query={"year": "2016"})
    assert_clean(at)
    text = _texts(at)
    assert "TPMap" in text
    assert ("ไม่ได้คำนวณจากข้อมูลครัวเรือน" if lang == "th" else "not computed from household") \
        in text
    metrics = {m.label: m.value for m in at.metric}
    label = "คนจนเป้าหมาย" if lang == "th" else "Target poor people"
    assert metrics[label] == "51,600"
    table = next(df.value for df in at.dataframe if "target_poor_people" in df.value)
    assert table.set_index("code").target_poor_people.to_dict() == {"40": 21_500, "94": 30_100}
    # Down to the districts of Khon Kaen.
    at = open_page("poverty", lang=lang, query={"year": "2016", "area": "40"})
    assert_clean(at)
    table = next(df.value for df in at.dataframe if "target_poor_people" in df.value)
    assert table.code.tolist() == ["4001", "4002"]
    assert {m.label: m.value for m in at.metric}[label] == "21,500"


def test_page_puts_published_beside_computed(page_db):
    at = open_page("poverty", lang="en", query={"year": "2024"})
    assert_clean(at)
    text = _texts(at)
    assert "Published figures beside those computed from household records" in text
    compare = next(df.value for df in at.dataframe if "difference" in df.value)
    row = compare.set_index("code").loc["40"]
    assert row.published == 21_500
    assert row.difference == row.computed - 21_500
    assert len(at.metric) >= 6 + 3 + 3  # AF and TPMap KPIs, the comparison, the pipeline


def test_provincial_user_sees_only_their_province(page_db):
    scope = AccessScope(user="p94", roles=frozenset({"provincial"}), provinces=frozenset({"94"}))
    at = open_page("poverty", lang="en", query={"year": "2016"}, session={"scope": scope})
    assert_clean(at)
    assert at.session_state["area"] == "94"
    assert {m.label: m.value for m in at.metric}["Target poor people"] == "30,100"
    text = _texts(at)
    assert "21,500" not in text and "51,600" not in text
    at = open_page("poverty", lang="en", query={"year": "2016", "area": "40"},
                   session={"scope": scope})
    assert_clean(at)
    assert "21,500" not in _texts(at)
    assert not any("4001" in df.value.to_string() for df in at.dataframe)


@pytest.mark.browser
def test_published_figures_in_the_browser(page_db):
    """The map of published figures draws its provinces; the source is named on the page."""
    from tests.browser_util import (
        app_server,
        assert_no_exception,
        browser,
        count_map_polygons,
        require_browser,
        screenshot,
        wait_rendered,
    )

    require_browser()
    with app_server(page_db) as base, browser() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}/poverty?lang=en&year=2016")
        wait_rendered(page)
        page.get_by_text("Figures published by TPMap").first.wait_for(timeout=60_000)
        assert count_map_polygons(page, 77) == 77
        assert_no_exception(page)
        screenshot(page, "poverty-published-2559-en")
        page.goto(f"{base}/poverty?lang=en&year=2024")
        wait_rendered(page)
        page.get_by_text("Published figures beside those computed").first.scroll_into_view_if_needed()
        wait_rendered(page)
        assert_no_exception(page)
        screenshot(page, "poverty-published-beside-computed-en")
