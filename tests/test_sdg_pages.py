"""AppTest of the SDG progress and Overview pages: levels, languages, filters, scope.

Goal clicks, presentation mode and a provincial user's scope too.
"""

from __future__ import annotations

import pytest

from data.scope import AccessScope
from tests.apptest_util import assert_clean, open_page


def _texts(at) -> str:
    parts = [m.label + " " + m.value for m in at.metric]
    parts += [md.value for md in at.markdown] + [c.value for c in at.caption]
    return "\n".join(parts)


def _ranking(at):
    return at.dataframe[0].value


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize(("area", "level"), [("", "province"), ("R:NE", "province"),
                                              ("50", "district"), ("5001", "district")])
def test_sdg_page_at_province_and_district_level(app_env, area, level, lang):
    chiang_mai = _districts(app_env, "50")  # read before the app opens the store
    query = {"sdg_goal": "3", "sdg_ind": "g3_road_deaths", "sdg_level": level}
    if area:
        query["area"] = area
    at = open_page("sdg", lang=lang, query=query)
    assert_clean(at)
    assert at.session_state["sdg_goal"] == 3
    assert at.session_state["sdg_level"] == level
    ranking = _ranking(at)
    assert len(ranking) > 3
    assert (ranking["rank"].dropna() >= 1).all()
    picker = at.selectbox(key="sdg_ind")
    assert ("อุบัติเหตุทางถนน" if lang == "th" else "Road traffic deaths") in (
        picker.options[picker.index])
    if area in ("50", "5001"):
        # the district ranking lists the districts of Chiang Mai only
        assert len(ranking) == len(chiang_mai)
    assert len(at.get("plotly_chart")) >= 2  # trend and comparison
    # The dashboard band is a word: an emoji dot needs an emoji font the browser may not have
    # (Debian's Chromium drew an empty box).
    bands = set(ranking["band"].dropna())
    assert bands and all(max(map(ord, b)) < 0x2000 or b == "–" for b in bands), bands


def _districts(db, province: str) -> list[str]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute(
            "SELECT code FROM areas WHERE level = 'district' AND province_code = ?",
            [province]).fetchall()]


def test_sdg_filters_from_url(app_env):
    at = open_page("sdg", lang="en", query={"sdg_goal": "6", "sdg_ind": "g6_sanitation",
                                            "year": "2021", "area": "94"})
    assert_clean(at)
    assert at.session_state["sdg_ind"] == "g6_sanitation"
    assert at.session_state["year"] == 2021
    assert at.query_params["sdg_goal"] == "6"
    assert "Goal 6 · Clean Water and Sanitation" in _texts(at)
    ranking = _ranking(at)
    assert len(ranking) == 77  # a province-only indicator ranks every province


def test_sdg_bad_url_values_fall_back(app_env):
    at = open_page("sdg", lang="th", query={"sdg_goal": "99", "sdg_ind": "nonsense",
                                            "sdg_level": "village", "sdg_cmp_a": "zz"})
    assert_clean(at)
    assert at.session_state["sdg_goal"] == 1
    assert at.session_state["sdg_ind"] == "g1_income_poverty"
    assert at.session_state["sdg_level"] == "province"


def test_sdg_goal_click_changes_indicator_and_url(app_env):
    at = open_page("sdg", lang="en")
    assert at.session_state["sdg_ind"] == "g1_income_poverty"
    at.button(key="sdg_goal_15").click().run()
    assert_clean(at)
    assert at.session_state["sdg_goal"] == 15
    assert at.session_state["sdg_ind"].startswith("g15_")
    assert at.query_params["sdg_goal"] == "15"
    assert "Goal 15 · Life on Land" in _texts(at)


def test_sdg_province_only_indicator_at_district_level(app_env):
    at = open_page("sdg", lang="en", query={"sdg_goal": "2", "sdg_level": "district",
                                            "area": "50"})
    assert_clean(at)
    assert "measured by province only" in _texts(at)
    assert len(_ranking(at)) == 77


def test_sdg_year_change_rerenders_ranking(app_env):
    at = open_page("sdg", lang="en")
    before = list(_ranking(at)["value"])
    at.selectbox(key="year").select(2019).run()
    assert_clean(at)
    assert list(_ranking(at)["value"]) != before


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("area", ["", "R:NE", "94", "9401"])
def test_overview_at_every_level(app_env, area, lang):
    at = open_page("overview", lang=lang, query={"area": area} if area else None)
    assert_clean(at)
    assert len(at.metric) == 4
    text = _texts(at)
    assert ("ดัชนี SDG" if lang == "th" else "SDG index") in text
    # 17 goal tiles in the official colours
    assert text.count("#E5243B") >= 1 and text.count("#19486A") >= 1
    best, worst = at.dataframe[0].value, at.dataframe[1].value
    assert len(best) == 5 and len(worst) == 5
    assert best["index"].min() >= worst["index"].max()
    if area in ("94", "9401"):
        assert ("ประเทศ" if lang == "th" else "Thailand") in text  # national reference


@pytest.mark.parametrize("query", [{"present": "1"}, {"meeting": "1"}])
def test_overview_presentation_mode_from_url(app_env, query):
    """Meeting mode (issue 19.3) from its URL, or the Overview's older presentation link."""
    at = open_page("overview", lang="en", query=query)
    assert_clean(at)
    assert at.query_params["meeting"] == "1"
    assert any('[data-testid="stSidebar"]' in md.value for md in at.markdown)
    # The meeting-room screen has no map view or class pickers.
    assert not [w for w in at.selectbox if str(w.key).startswith("ov_map")]
    assert not [w for w in at.get("segmented_control") if str(w.key).startswith("ov_map")]
    plain = open_page("overview", lang="en")
    assert "present" not in plain.query_params and "meeting" not in plain.query_params
    assert not any('[data-testid="stSidebar"]' in md.value for md in plain.markdown)
    assert [w for w in plain.selectbox if str(w.key).startswith("ov_map")]


def test_leaflet_maps_export_for_analysts_only(app_env):
    """The default (Leaflet) map view offers its PNG/SVG/HTML export to analysts."""
    def labels(at):
        return [b.label for b in at.get("download_button")]

    analyst = open_page("overview", lang="en", role="analyst")
    assert_clean(analyst)
    assert labels(analyst).count("PNG") >= 2  # the map and the movers chart
    executive = open_page("overview", lang="en")
    assert "PNG" not in labels(executive)


def test_provincial_user_overview_is_their_province(app_env, monkeypatch):
    monkeypatch.setenv("WARROOM_DEMO", "0")
    pattani = AccessScope(user="p94", roles=frozenset({"provincial"}),
                          provinces=frozenset({"94"}))
    at = open_page("overview", lang="en", query={"area": "94"}, session={"scope": pattani})
    assert_clean(at)
    best = at.dataframe[0].value
    assert len(best) == 5
    assert "Pattani" in _texts(at)
    # Without an area in the link, an officer of one province starts on it.
    home = open_page("overview", lang="en", session={"scope": pattani})
    assert_clean(home)
    assert home.session_state["area"] == "94" and home.query_params["area"] == "94"
    assert "Pattani" in " ".join(c.value for c in home.caption)
    two = AccessScope(user="p2", roles=frozenset({"provincial"}),
                      provinces=frozenset({"94", "95"}))
    both = open_page("overview", lang="en", session={"scope": two})
    assert both.session_state["area"] == ""
    assert "Your provinces" in " ".join(c.value for c in both.caption)
    assert "Thailand" not in " ".join(c.value for c in both.caption)
    sdg = open_page("sdg", lang="en", query={"area": "50", "sdg_level": "province"},
                    session={"scope": pattani})
    assert_clean(sdg)
    assert len(_ranking(sdg)) == 1  # only the user's own province is ranked
