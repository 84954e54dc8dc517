"""AppTest of the One Plan and informal-debt pages: levels, filters, language, access."""

from __future__ import annotations

import pytest

from data.scope import AccessScope
from tests.apptest_util import assert_clean, open_page


def _texts(at) -> str:
    parts = [m.label + " " + m.value for m in at.metric]
    parts += [md.value for md in at.markdown] + [c.value for c in at.caption]
    return "\n".join(parts)


def _busiest_district(db) -> str:
    """A district with plan projects in the demo store (the demo's seed decides which)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT left(area_code, 4), count(*) FROM plan_projects "
                          "WHERE length(area_code) >= 4 GROUP BY 1 ORDER BY 2 DESC, 1 "
                          "LIMIT 1").fetchone()
    return row[0]


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("area", ["", "R:NE", "94", "district"])
def test_plans_page_at_every_level(app_env, area, lang):
    if area == "district":
        area = _busiest_district(app_env)
    at = open_page("plans", lang=lang, query={"area": area} if area else None)
    assert_clean(at)
    assert len(at.metric) >= 5
    assert at.dataframe, "the project list is shown"
    assert at.query_params["fy"]


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("area", ["", "94", "9401"])
def test_debt_page_at_every_level(app_env, area, lang):
    at = open_page("debt", lang=lang, query={"area": area} if area else None)
    assert_clean(at)
    assert len(at.metric) >= 6
    text = _texts(at)
    assert ("ลงทะเบียน" if lang == "th" else "Cases registered") in text


def test_plans_filters_from_url(app_env):
    at = open_page("plans", lang="en", query={"fy": "2023", "agency": "drr",
                                              "plans_metric": "attention"})
    assert_clean(at)
    assert at.session_state["fy"] == 2023
    assert at.session_state["agency"] == "drr"
    assert at.session_state["plans_metric"] == "attention"
    assert "2566" in _texts(at) or "2566" in " ".join(h.value for h in at.markdown)


def test_plans_fiscal_year_change_rerenders(app_env):
    at = open_page("plans", lang="en")
    before = [m.value for m in at.metric]
    at.selectbox(key="fy").select(2022).run()
    assert_clean(at)
    assert at.query_params["fy"] == "2022"
    assert [m.value for m in at.metric] != before


def test_debt_metric_choice_is_kept_in_url(app_env):
    at = open_page("debt", lang="en", query={"debt_metric": "amount"})
    assert_clean(at)
    assert at.query_params["debt_metric"] == "amount"


def test_provincial_user_sees_only_own_province(app_env, monkeypatch):
    monkeypatch.setenv("WARROOM_DEMO", "0")
    pattani = AccessScope(user="p94", roles=frozenset({"provincial"}),
                          provinces=frozenset({"94"}), household_provinces=frozenset({"94"}))
    # A link naming another province does not widen what is shown.
    at = open_page("debt", lang="en", query={"area": "50"}, session={"scope": pattani})
    assert_clean(at)
    assert at.session_state["area"] == "94"  # their own province instead
    own = open_page("debt", lang="en", query={"area": "94"}, session={"scope": pattani})
    assert [m.value for m in at.metric][:2] == [m.value for m in own.metric][:2]


@pytest.mark.parametrize("area", ["", "94"])
def test_debt_tallies_day_table_is_built_when_opened(app_env, area):
    """The tallies' table of every day is built only while its panel is open; opened, it lists
    every day from the first to the last with a figure, newest first, with running totals."""
    import duckdb

    with duckdb.connect(str(app_env), read_only=True) as con:
        first, last = con.execute(
            "SELECT MIN(d), MAX(d) FROM (SELECT registered_on AS d FROM debt_cases WHERE "
            "area_code LIKE ? UNION SELECT mediation_on FROM debt_cases WHERE area_code LIKE ? "
            "UNION SELECT outcome_on FROM debt_cases WHERE stage = 'settled' AND area_code "
            "LIKE ? UNION SELECT prosecuted_on FROM debt_cases WHERE area_code LIKE ?) t",
            [f"{area}%"] * 4).fetchone()
    query = {"area": area} if area else None
    closed = open_page("debt", lang="en", query=query)
    assert_clean(closed)
    assert not [d for d in closed.dataframe if "cum_registrants" in d.value.columns]
    at = open_page("debt", lang="en", query=query, session={"dt_days_open": True})
    assert_clean(at)
    table = next(d.value for d in at.dataframe if "cum_registrants" in d.value.columns)
    assert len(table) == (last - first).days + 1 > 10
    assert table.day.is_monotonic_decreasing
    assert table.cum_registrants.iloc[0] == table.registrants.sum()
