"""AppTest of the follow-up pages and sections for every role: since the last meeting,
follow-up to closure, early warning, the Data page's freshness tab, the debt tallies."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.apptest_util import assert_clean, open_page

ROLES = ("executive", "provincial", "analyst", "steward", "admin")


@pytest.fixture(scope="module")
def seeded_db(demo_db, tmp_path_factory):
    """The demo store with rules, their alerts and one meeting whose Pattani figure of target
    poor was 10 lower than now."""
    from data import alerts as A
    from data import meetings as mt
    from data.scope import AccessScope
    from data.store import open_store

    path = tmp_path_factory.mktemp("action_pages") / "seeded.duckdb"
    shutil.copyfile(demo_db, path)
    s = open_store(f"duckdb:///{path}")
    boss = AccessScope(user="boss", roles=frozenset({"executive"}), provinces=None)
    code = s.scalar(
        "SELECT MIN(v.indicator_code) FROM sdg_values v WHERE v.area_code = '94' AND v.year = "
        "(SELECT MAX(year) FROM sdg_values w WHERE w.indicator_code = v.indicator_code)")
    A.save_rule(s, boss, "Everywhere above", "threshold",
                {"indicator": code, "op": "above", "value": -1e9}, severity="critical")
    A.save_rule(s, boss, "Progress reports late", "not_reported",
                {"dataset": "plan_projects", "days": 45})
    A.save_rule(s, boss, "Overdue by agency", "overdue_agency", {"item": "assistance",
                                                                 "limit": 10})
    A.evaluate_rules(s, "seed", adjacency=dict)
    mid = mt.take_snapshot(s, "boss", "Provincial meeting", held_at=dt.datetime(2024, 12, 1))
    s.execute("UPDATE meeting_figures SET value = value - 10 WHERE meeting_id = ? AND "
              "area_code = '94' AND metric = 'target_poor_people'", [mid])
    s.close()
    return path


@pytest.fixture()
def seeded_env(seeded_db, tmp_path, monkeypatch, app_env):
    """The app on a copy of the seeded store of this test's own."""
    import streamlit as st

    copy = tmp_path / "store.duckdb"
    shutil.copyfile(seeded_db, copy)
    monkeypatch.setenv("WARROOM_DB", str(copy))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield copy


def _store():
    """The app's own handle on the store (this process holds the file open)."""
    from components.datasource import get_store

    return get_store()


def _open_alerts(db, province: str | None = None) -> int:
    sql = "SELECT COUNT(*) FROM alerts WHERE resolved_at IS NULL"
    return int(_store().scalar(sql + (" AND province_code = ?" if province else ""),
                               [province] if province else []))


def _metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


@pytest.mark.parametrize("role", ROLES)
def test_alerts_page_for_each_role(seeded_env, role):
    at = open_page("alerts", lang="en", role=role)
    assert_clean(at)
    expected = _open_alerts(seeded_env, "94" if role == "provincial" else None)
    assert _metric(at, "Open in your area").value == f"{expected:,}"
    assert _metric(at, "Not acknowledged by you").value == f"{expected:,}"
    table = at.dataframe[0].value
    assert len(table) == expected
    if role == "provincial":
        assert set(table["area"]) == {"Pattani"}
    editor = role in ("executive", "steward", "admin")
    # Editors get the rule form; the others are told who defines rules.
    assert any("FormSubmitter:al_rule_form" in b.id for b in at.button) == editor
    assert any("define rules" in c.value for c in at.caption) != editor


def test_alerts_page_in_thai(seeded_env):
    at = open_page("alerts", lang="th", role="executive")
    assert_clean(at)
    assert _metric(at, "เปิดอยู่ในพื้นที่").value == f"{_open_alerts(seeded_env):,}"
    assert "วิกฤต" in " ".join(at.dataframe[0].value["severity"])


def test_steward_defines_a_rule_and_it_is_evaluated(seeded_env):
    at = open_page("alerts", lang="en", role="steward")
    at.selectbox(key="al_f_kind").set_value("category_drop").run()
    at.text_input(key="al_f_name_category_drop").set_value("Category fell")
    form_button = next(b for b in at.button if "FormSubmitter:al_rule_form" in b.id)
    form_button.click().run()
    assert_clean(at)
    assert any("Rule 4 saved" in s.value for s in at.success)
    s = _store()
    assert s.scalar("SELECT name FROM alert_rules WHERE rule_id = 4") == "Category fell"
    assert s.scalar("SELECT COUNT(*) FROM alert_runs") == 2
    assert s.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'alert_rule_save'") == 1


@pytest.mark.parametrize("role", ROLES)
def test_changes_page_for_each_role(seeded_env, role):
    at = open_page("changes", lang="en", role=role)
    assert_clean(at)
    assert at.selectbox(key="chg_meeting").value == 1
    if role == "provincial":
        # Pattani's own figures: 10 more target poor than at the meeting.
        poor = _metric(at, "Target poor people")
        assert str(poor.delta).replace(",", "") == "+10"
        moves = at.dataframe[0].value
        assert set(moves["area"]) <= {"Pattani"}
    else:
        assert _metric(at, "SDG index").value
    recorder = role in ("executive", "admin")
    assert any("record meetings" in c.value for c in at.caption) != recorder


def test_changes_page_in_thai_and_recording_a_meeting(seeded_env):
    at = open_page("changes", lang="th", role="executive")
    assert_clean(at)
    assert _metric(at, "ดัชนี SDG").value
    button = next(b for b in at.button if "FormSubmitter:chg_record_form" in b.id)
    button.click().run()
    assert_clean(at)
    assert at.selectbox(key="chg_meeting").value == 2
    assert any("บันทึกการประชุมครั้งที่ 2" in s.value for s in at.success)


@pytest.mark.parametrize("role", ROLES)
def test_followup_page_for_each_role(seeded_env, role):
    views_sql = ("SELECT COUNT(*) FROM audit_log WHERE action = 'household_list_view' "
                 "AND detail = 'followup_assistance'")
    # Other tests may have opened this page on the shared demo store before: count anew.
    views_before = _store().scalar(views_sql)
    at = open_page("followup", lang="en", role=role)
    assert_clean(at)
    s = _store()
    where = "province_code = '94' AND " if role == "provincial" else ""
    open_cases = s.scalar(f"SELECT COUNT(*) FROM assistance_cases WHERE {where}"
                          "status <> 'resolved'")
    views = s.scalar(views_sql) - views_before
    assert _metric(at, "Open").value == f"{open_cases:,}"
    info = " ".join(i.value for i in at.info)
    if role == "provincial":
        # Pattani's officer lists Pattani's overdue cases, masked, and the view is recorded.
        listed = next(d.value for d in at.dataframe if "ref" in d.value.columns)
        assert len(listed) and all(r.startswith("•") for r in listed["ref"])
        assert views == 1
    else:
        assert "own staff" in info
        assert not any("ref" in d.value.columns for d in at.dataframe)
        assert views == 0


def test_followup_projects_in_thai(seeded_env):
    at = open_page("followup", lang="th", role="executive", query={"fu_kind": "project"})
    assert_clean(at)
    assert at.session_state["fu_kind"] == "project"
    listed = next(d.value for d in at.dataframe if "ref" in d.value.columns)
    assert len(listed) > 0  # projects are not about people: listed for the executive


@pytest.mark.parametrize("role", ROLES)
def test_data_page_freshness_for_each_role(seeded_env, role):
    at = open_page("data", lang="en", role=role,
                   session={"fr_dataset": "plan_projects", "data_tab": "Freshness"})
    assert_clean(at)
    late = _metric(at, "Late").value
    # Four demo provinces stopped their progress reports; Pattani's officer sees Pattani only.
    assert late == ("0" if role == "provincial" else "4")
    assert bool(at.get("component_instance"))  # the freshness map


def test_debt_tallies_on_the_debt_page(seeded_env):
    for role, lang, label in (("executive", "en", "Registrants"),
                              ("provincial", "th", "ผู้ลงทะเบียน")):
        at = open_page("debt", lang=lang, role=role)
        assert_clean(at)
        n = _store().scalar("SELECT COUNT(*) FROM debt_cases")
        n94 = _store().scalar("SELECT COUNT(*) FROM debt_cases WHERE province_code = '94'")
        want = n if role == "executive" else n94
        assert _metric(at, label).value == f"{want:,}"


def test_province_brief_has_the_since_meeting_section(seeded_db):
    from components.brief import build_changes_section
    from data.brief import load_meeting_changes
    from data.scope import AccessScope
    from data.store import Store

    s = Store(f"duckdb:///{seeded_db}", read_only=True)
    try:
        pattani = AccessScope(user="p", roles=frozenset({"provincial"}),
                              provinces=frozenset({"94"}), household_provinces=frozenset({"94"}))
        changes = load_meeting_changes(s, pattani, "94")
        th = build_changes_section(changes, "th")
        en = build_changes_section(changes, "en")
    finally:
        s.close()
    assert "ตั้งแต่ประชุมครั้งก่อน" in th and "Since the last meeting" in en
    assert "Provincial meeting" in en and "1/12/2567" in th
    # Target poor: 10 more than at the meeting, shown as a worsening.
    row = en[en.index("Target poor people"):].split("</tr>")[0]
    assert "▲ 10" in row and "#B2182B" in row
    assert "New problems (alerts): " in en
