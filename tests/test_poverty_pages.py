"""AppTest of the poverty drill-down: every level in Thai and English, filters, household access."""

from __future__ import annotations

import duckdb
import pytest

from data.scope import AccessScope
from tests.apptest_util import assert_clean, give_purpose, open_page

YEAR = "2024"


def _chain(db) -> list[str]:
    """Pattani down to its village with the most target-poor households (seed-independent)."""
    with duckdb.connect(str(db), read_only=True) as con:
        village = con.execute(
            "SELECT village_code FROM households WHERE province_code = '94' AND target_poor "
            "AND survey_year = 2024 GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1").fetchone()[0]
    return ["", "R:SB", "94", village[:4], village[:6], village]


def _texts(at) -> str:
    parts = [m.label + " " + m.value for m in at.metric]
    parts += [md.value for md in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info]
    return "\n".join(parts)


def _pattani_staff() -> AccessScope:
    return AccessScope(user="p94", roles=frozenset({"provincial"}), provinces=frozenset({"94"}),
                       household_provinces=frozenset({"94"}))


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("depth", range(6))
def test_every_level(app_env, lang, depth):
    area = _chain(app_env)[depth]
    query = {"year": YEAR, **({"area": area} if area else {})}
    at = open_page("poverty", lang=lang, query=query)
    assert_clean(at)
    assert at.session_state["area"] == area
    assert len(at.metric) >= 6 + 3  # AF + TPMap KPIs, then the pipeline
    text = _texts(at)
    assert ("ดัชนีความยากจนหลายมิติ" if lang == "th" else "MPI") in text
    assert ("ซ้อนทับ" if lang == "th" else "overlap") in text
    if depth < 5:
        assert at.dataframe, "the table of child units is shown"
    # The demo session is an executive: never a household list, even at village level.
    assert not any(df.key == "pov_households" for df in at.dataframe if hasattr(df, "key"))
    if depth == 5:
        assert ("เฉพาะเจ้าหน้าที่" if lang == "th" else "entitled") in text


@pytest.mark.parametrize("lang", ["th", "en"])
def test_village_households_for_entitled_provincial_user(app_env, monkeypatch, lang):
    monkeypatch.setenv("WARROOM_DEMO", "0")
    village = _chain(app_env)[-1]
    at = open_page("poverty", lang=lang, query={"year": YEAR, "area": village},
                   session={"scope": _pattani_staff()})
    assert_clean(at)
    # The purpose comes first: no household row before it is given.
    assert not [d for d in at.dataframe if "household" in d.value.columns]
    at = give_purpose(at, village, "field_visit")
    assert_clean(at)
    frames = [d.value for d in at.dataframe]
    households = [f for f in frames if "household" in f.columns]
    assert households, "the household list is shown to the entitled user"
    table = households[0]
    assert len(table) > 0
    assert table.household.str.contains("•").all()
    assert not table.household.str.fullmatch(r"\d{12}").any()
    assert {"members", "deprived", "status"} <= set(table.columns)


def test_village_households_not_for_executive(app_env, monkeypatch):
    monkeypatch.setenv("WARROOM_DEMO", "0")
    village = _chain(app_env)[-1]
    executive = AccessScope(user="exec", roles=frozenset({"executive"}), provinces=None)
    at = open_page("poverty", lang="en", query={"year": YEAR, "area": village},
                   session={"scope": executive})
    assert_clean(at)
    assert not [d for d in at.dataframe if "household" in d.value.columns]
    assert "entitled" in _texts(at)


def test_filters_from_url_change_the_numbers(app_env):
    base = open_page("poverty", lang="en", query={"year": YEAR, "area": "94"})
    at = open_page("poverty", lang="en", query={"year": YEAR, "area": "94", "pov_k": "0",
                                                "pov_measure": "count", "pov_dim": "income"})
    assert_clean(at)
    assert at.session_state["pov_k"] == "0"
    assert at.session_state["pov_measure"] == "count"
    assert at.session_state["pov_dim"] == "income"
    assert at.query_params["pov_k"] == ["0"] or at.query_params["pov_k"] == "0"
    # k = 0 counts everyone deprived in anything: more poor people than at k = 1/3.
    poor = {m.label: m.value for m in base.metric}
    poor0 = {m.label: m.value for m in at.metric}
    assert poor0["Poor people at k"] != poor["Poor people at k"]


def test_bad_url_options_fall_back(app_env):
    at = open_page("poverty", lang="en", query={"year": YEAR, "pov_k": "7/3",
                                                "pov_measure": "bogus", "pov_dim": "x"})
    assert_clean(at)
    assert at.session_state["pov_k"] == "1/3"
    assert at.session_state["pov_measure"] == "mpi"


def test_walk_down_and_back_up(app_env):
    chain = _chain(app_env)
    at = open_page("poverty", lang="en", query={"year": YEAR})
    for code in chain[1:]:
        parent = at.session_state["area"]
        box = at.selectbox(key=f"pov_go_{parent or 'TH'}")
        box.select(code).run()
        assert_clean(at)
        assert at.session_state["area"] == code
    # Breadcrumb back up to the province, then to Thailand.
    at.button(key="pov_crumb_2").click().run()
    assert_clean(at)
    assert at.session_state["area"] == "94"
    at.button(key="pov_crumb_0").click().run()
    assert at.session_state["area"] == ""



def test_custom_dimension_weights_from_url(app_env):
    base = open_page("poverty", lang="en", query={"year": YEAR, "area": "94", "pov_k": "1/5"})
    at = open_page("poverty", lang="en", query={"year": YEAR, "area": "94", "pov_k": "1/5",
                                                "pov_w": "1,1,1,4,1"})
    assert_clean(at)
    assert at.session_state["pov_w_income"] == 4.0
    assert "custom dimension weights" in _texts(at)
    mpi = {m.label: m.value for m in at.metric}["MPI"]
    assert mpi != {m.label: m.value for m in base.metric}["MPI"]
    # Back to equal weights in the widget: the URL follows.
    at.number_input(key="pov_w_income").set_value(1.0).run()
    assert_clean(at)
    assert at.query_params["pov_w"] in ("1,1,1,1,1", ["1,1,1,1,1"])
