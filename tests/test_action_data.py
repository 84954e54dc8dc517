"""Follow-up queries on DuckDB and PostgreSQL: service levels on hand-made cases, every rule
kind through the store, alert lifecycle and inbox, meeting snapshots, freshness, tallies."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from data import alert_inbox as inbox
from data import alerts as A
from data import freshness as fr
from data import meetings as mt
from data import tracking as tr
from data.debt_tally import debt_tally_by_province, debt_tally_days
from data.scope import AccessScope
from domain.alert_rules import RuleError
from domain.service_levels import closure_summary
from tests.backends import BACKENDS, drop_pg_schema, new_pg_schema

D = dt.date
AS_OF = D(2024, 12, 31)
EXEC = AccessScope(user="boss", roles=frozenset({"executive"}), provinces=None)
PATTANI = AccessScope(user="pat", roles=frozenset({"provincial"}), provinces=frozenset({"94"}),
                      household_provinces=frozenset({"94"}))
KHONKAEN = AccessScope(user="kk", roles=frozenset({"provincial"}), provinces=frozenset({"40"}),
                       household_provinces=frozenset({"40"}))


@pytest.fixture(scope="module", params=BACKENDS)
def demo_copy(request, demo_db, tmp_path_factory):
    """A writable copy of the demo store of this module's own, on each backend."""
    from data.store import open_store

    if request.param == "duckdb":
        path = tmp_path_factory.mktemp("action") / "demo.duckdb"
        shutil.copyfile(demo_db, path)
        s = open_store(f"duckdb:///{path}")
        yield s
        s.close()
        return
    from data.copy import copy_store
    from data.store import Store

    server = request.getfixturevalue("pg_server")
    schema, url = new_pg_schema(server, "act")
    source = Store(f"duckdb:///{demo_db}", read_only=True)
    try:
        copy_store(source, url, log=lambda _m: None)
    finally:
        source.close()
    s = open_store(url)
    yield s
    s.close()
    drop_pg_schema(server, schema)


def _case(store, case_id, province, agency, status, opened, since=None, closed=None):
    store.execute(
        "INSERT INTO assistance_cases (case_id, house_code, survey_year, village_code, "
        "province_code, dimension, indicator_code, agency, status, opened_on, closed_on, "
        "status_since) VALUES (?, ?, 2024, ?, ?, 'health', 'food', ?, ?, ?, ?, ?)",
        [case_id, f"{province}0101010{case_id:03d}", f"{province}010101", province, agency,
         status, opened, closed, since])


def test_service_levels_hand_computed(any_empty_store):
    s = any_empty_store
    # Levels: identified 30 days (moph 10), in progress 120 days.
    s.execute("INSERT INTO service_levels (item_kind, stage, agency, days) "
              "VALUES ('assistance', 'identified', 'moph', 10)")
    _case(s, 1, "94", "moph", "identified", D(2024, 12, 1), D(2024, 12, 1))   # 20 days over
    _case(s, 2, "94", "dla", "identified", D(2024, 12, 1), D(2024, 12, 1))    # due today: not
    _case(s, 3, "94", "dla", "in_progress", D(2024, 7, 1), D(2024, 8, 1))     # 32 days over
    _case(s, 4, "40", "dla", "in_progress", D(2024, 11, 1), None)             # 60 in stage
    _case(s, 5, "94", "dla", "resolved", D(2024, 1, 1), closed=D(2024, 1, 11))  # 10 days
    _case(s, 6, "94", "dla", "resolved", D(2024, 1, 1), closed=D(2024, 1, 21))  # 20 days
    _case(s, 7, "40", "moph", "resolved", D(2024, 3, 1), closed=D(2024, 4, 10))  # 40 days
    _case(s, 8, "94", "dla", "resolved", D(2023, 1, 1), closed=D(2023, 1, 31))  # 30 days
    got = tr.overdue_by_agency(s, AccessScope.everything(), "assistance", "", AS_OF)
    got = got.set_index(["agency", "province_code", "stage"])
    assert got.loc[("moph", "94", "identified"), "overdue"] == 1
    assert got.loc[("dla", "94", "identified"), "overdue"] == 0
    assert got.loc[("dla", "94", "in_progress"), "overdue"] == 1
    assert got.loc[("dla", "40", "in_progress"), ["open", "overdue", "oldest_days"]].tolist() \
        == [1, 0, 60]
    # Pattani's staff list their province's overdue cases, masked; Khon Kaen's get nothing.
    items = tr.load_overdue_items(s, PATTANI, "assistance", "94", AS_OF)
    assert items.overdue_days.tolist() == [32, 20]
    assert all(ref.startswith("•") for ref in items.ref)
    assert "item_id" not in items
    assert tr.load_overdue_items(s, KHONKAEN, "assistance", "94", AS_OF).empty
    assert tr.load_overdue_items(s, EXEC, "assistance", "94", AS_OF).empty
    # Days to closure: dla 10, 20, 30 -> median 20, p90 28; moph 40.
    by_agency = closure_summary(tr.closure_days(s, AccessScope.everything(), "assistance",
                                                "agency")).set_index("group")
    assert by_agency.loc["dla", ["closed", "median_days", "p90_days"]].tolist() == [3, 20, 28]
    assert by_agency.loc["moph", "median_days"] == 40
    by_year = closure_summary(tr.closure_days(s, AccessScope.everything(), "assistance",
                                              "year", since=D(2024, 1, 1)))
    assert by_year.group.tolist() == [2024] and by_year.closed.tolist() == [3]
    by_quarter = closure_summary(tr.closure_days(s, AccessScope.everything(), "assistance",
                                                 "quarter"))
    assert by_quarter.group.tolist() == [20231, 20241, 20242]


def test_service_level_setting_rights(any_empty_store):
    s = any_empty_store
    with pytest.raises(PermissionError):
        tr.save_service_level(s, PATTANI, "debt", "registered", "", 5)
    tr.save_service_level(s, EXEC, "debt", "registered", "", 5)
    assert tr.service_level_map(s)[("debt", "registered", "")] == 5
    with pytest.raises(ValueError):
        tr.save_service_level(s, EXEC, "debt", "settled", "", 5)  # a closed stage


def _rule(store, kind, params, area="", name=None):
    return A.Rule(0, name or kind, kind, A.R.validate_params(kind, params), area)


def test_each_rule_kind_through_the_store(demo_copy):
    s = demo_copy
    code = s.scalar("SELECT MIN(indicator_code) FROM sdg_indicators")
    inputs = A.Inputs(s, AS_OF, lambda: {"94": ("90", "95", "96"), "90": ("94",),
                                         "95": ("94",), "96": ("94",)})
    latest = inputs.latest(code).set_index("area_code").value
    threshold = float(latest.median())
    found = A.evaluate_rule(_rule(s, "threshold", {"indicator": code, "op": "below",
                                                   "value": threshold}), inputs)
    assert sorted(found.subject) == sorted(latest[latest < threshold].index)
    # Inside one province, only that province can be found.
    found = A.evaluate_rule(_rule(s, "threshold", {"indicator": code, "op": "above",
                                                   "value": -1e9}, area="94"), inputs)
    assert found.subject.tolist() == ["94"]
    series = inputs.series()
    falls = A.evaluate_rule(_rule(s, "decline", {"indicator": code, "years": 1}), inputs)
    one = series[(series.indicator_code == code)].pivot_table(
        index="area_code", columns="year", values="value")
    expected = []
    for area, row in one.iterrows():  # each area's own two latest years, if consecutive
        row = row.dropna()
        if len(row) >= 2 and row.index[-1] - row.index[-2] == 1 and row.iloc[-1] < row.iloc[-2]:
            expected.append(area)
    assert sorted(falls.subject) == sorted(expected) and expected
    drops = A.evaluate_rule(_rule(s, "category_drop", {}), inputs)
    now, before = inputs.categories()
    assert set(drops.subject) <= set(now.area_code)
    overdue = inputs.overdue("assistance")
    per_agency = overdue.groupby("agency").overdue.sum()
    limit = int(per_agency.median())
    found = A.evaluate_rule(_rule(s, "overdue_agency", {"item": "assistance",
                                                        "limit": limit}), inputs)
    assert sorted(found.subject) == sorted(per_agency[per_agency > limit].index)
    late = A.evaluate_rule(_rule(s, "not_reported", {"dataset": "plan_projects", "days": 45}),
                           inputs)
    f = fr.load_freshness(s, AccessScope.everything(), AS_OF, ("plan_projects",))
    assert sorted(late.subject) == sorted(f.province_code[f.days_since > 45])
    assert len(late) >= 1  # the demo's silent provinces
    dev = A.evaluate_rule(_rule(s, "neighbour_deviation", {"indicator": code, "gap": 0}),
                          inputs)
    assert set(dev.subject) <= {"94", "90", "95", "96"} and len(dev) >= 1


def test_rule_rights_and_validation(demo_copy):
    s = demo_copy
    with pytest.raises(PermissionError):
        A.save_rule(s, PATTANI, "x", "category_drop", {})
    with pytest.raises(RuleError):
        A.save_rule(s, EXEC, "x", "threshold", {"indicator": "no_such", "op": "below",
                                                "value": 1})
    with pytest.raises(ValueError):
        A.save_rule(s, EXEC, "x", "category_drop", {}, area_code="9x")


def test_alert_lifecycle_inbox_and_acknowledgement(demo_copy):
    s = demo_copy
    # An indicator Pattani has a value of in the indicator's latest year.
    code = s.scalar(
        "SELECT MIN(v.indicator_code) FROM sdg_values v WHERE v.area_code = '94' AND v.year = "
        "(SELECT MAX(year) FROM sdg_values w WHERE w.indicator_code = v.indicator_code)")
    n = int(s.scalar(
        "SELECT COUNT(*) FROM sdg_values WHERE indicator_code = ? AND disaggregation = 'total' "
        "AND length(area_code) = 2 AND area_code <> 'TH' AND year = (SELECT MAX(year) FROM "
        "sdg_values WHERE indicator_code = ?)", [code, code]))
    rid = A.save_rule(s, EXEC, "everything above", "threshold",
                      {"indicator": code, "op": "above", "value": -1e9}, severity="critical")
    rule = next(r for r in A.load_rules(s, EXEC) if r.rule_id == rid)
    first = A.evaluate_rules(s, "test", rules=[rule], adjacency=dict)
    assert first.raised == n and first.resolved == 0
    again = A.evaluate_rules(s, "test", rules=[rule], adjacency=dict)
    assert again.raised == 0 and again.resolved == 0
    # Pattani's officer sees the Pattani alert only; the executive all of them.
    mine = inbox.load_inbox(s, PATTANI, "open")
    mine = mine[mine.rule_id == rid]
    assert mine.area_code.tolist() == ["94"]
    assert inbox.acknowledge(s, PATTANI, [int(mine.alert_id.iloc[0])], "  called  the office ") == 1
    acked = inbox.load_inbox(s, PATTANI, "open")
    assert acked[acked.rule_id == rid].note.tolist() == ["called the office"]
    assert rid not in set(inbox.load_inbox(s, PATTANI, "unacknowledged").rule_id)
    # Khon Kaen's officer cannot acknowledge (nor see) Pattani's alert.
    assert inbox.acknowledge(s, KHONKAEN, [int(mine.alert_id.iloc[0])], "x") == 0
    assert inbox.load_acks(s, KHONKAEN, int(mine.alert_id.iloc[0])).empty
    # The condition clears: every alert of the rule is resolved.
    tighter = A.Rule(rid, rule.name, "threshold", {**rule.params, "value": 1e12})
    cleared = A.evaluate_rules(s, "test", rules=[tighter], adjacency=dict)
    assert cleared.resolved == n and cleared.raised == 0
    assert s.scalar("SELECT COUNT(*) FROM alerts WHERE rule_id = ? AND resolved_at IS NULL",
                    [rid]) == 0
    runs = inbox.load_runs(s, EXEC)
    assert runs.trigger_name.iloc[0] == "test" and runs.resolved.iloc[0] == n


def test_a_failing_rule_does_not_stop_the_others(demo_copy):
    s = demo_copy
    bad = A.Rule(9999, "broken", "threshold", {"indicator": "x"})  # no op: KeyError
    good = _rule(s, "category_drop", {})
    result = A.evaluate_rules(s, "test", rules=[bad, good], adjacency=dict)
    assert result.failed == [9999] and result.rules == 2


def test_after_import_never_raises(demo_copy, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("rule engine down")

    monkeypatch.setattr(A, "evaluate_rules", boom)
    assert A.after_import(demo_copy, None) is None


def test_meeting_snapshot_and_comparison(demo_copy):
    s = demo_copy
    mid = mt.take_snapshot(s, "boss", "Provincial meeting", held_at=dt.datetime(2025, 1, 5))
    stored = s.query("SELECT area_code, metric, value FROM meeting_figures WHERE "
                     "meeting_id = ?", [mid])
    assert set(stored.area_code) >= {"", "94", "40"}
    assert {"sdg_index", "target_poor_people", "cases_open", "plan_budget_spent",
            "goal_1"} <= set(stored.metric)
    # Nothing moved yet.
    diff = mt.compare_with_meeting(s, EXEC, mid)
    assert set(diff.direction) == {"same"}
    # Pattani's target poor were fewer at the meeting; one case there has since been closed.
    s.execute("UPDATE meeting_figures SET value = value - 10 WHERE meeting_id = ? AND "
              "area_code = '94' AND metric = 'target_poor_people'", [mid])
    case = s.scalar("SELECT MIN(case_id) FROM assistance_cases WHERE province_code = '94' "
                    "AND status <> 'resolved'")
    s.execute("UPDATE assistance_cases SET status = 'resolved', closed_on = ?, status_since = ? "
              "WHERE case_id = ?", [AS_OF, AS_OF, case])
    diff = mt.compare_with_meeting(s, PATTANI, mid).set_index(["area_code", "metric"])
    assert set(diff.index.get_level_values(0)) == {"94"}  # no other province, no country
    assert diff.loc[("94", "target_poor_people"), ["change", "direction"]].tolist() == \
        [10, "worse"]
    assert diff.loc[("94", "cases_closed"), ["change", "direction"]].tolist() == [1, "better"]
    assert diff.loc[("94", "cases_open"), "change"] == -1
    changes = mt.changes_since(s, EXEC, mid)
    assert set(changes) == {"imports", "new_problems", "closed_problems"}
    assert mt.load_meetings(s, PATTANI).meeting_id.iloc[0] == mid


def test_freshness_statuses_and_import_reports(demo_copy):
    s = demo_copy
    f = fr.load_freshness(s, PATTANI, AS_OF)
    assert set(f.province_code) == {"94"}
    assert set(f.dataset) == set(fr.DATASETS)
    everyone = fr.load_freshness(s, EXEC, AS_OF, ("plan_projects",))
    assert len(everyone) == 77
    late = everyone[everyone.status == "late"]
    assert (late.days_since > 31 + 14).all() and len(late) == 4
    # An import batch reporting a late province brings it up to date.
    code = late.province_code.iloc[0]
    batch = int(s.scalar("SELECT COALESCE(MAX(batch_id), 0) + 1 FROM import_batches"))
    s.execute("INSERT INTO import_batches (batch_id, kind, file_name, sha256, imported_by, "
              "imported_at) VALUES (?, 'plan_projects', 'p.xlsx', 'x', 'st', ?)",
              [batch, dt.datetime(2024, 12, 30, 9)])
    s.execute("UPDATE plan_projects SET batch_id = ? WHERE project_id = (SELECT MIN(project_id) "
              "FROM plan_projects WHERE province_code = ?)", [batch, code])
    assert fr.record_import_provinces(s, batch) == 1
    again = fr.load_freshness(s, EXEC, AS_OF, ("plan_projects",)).set_index("province_code")
    assert again.loc[code, "status"] == "on_time" and again.loc[code, "days_since"] == 1


def test_codebook_frequency_is_read_when_present(any_empty_store):
    s = any_empty_store
    s.execute("CREATE TABLE sdg_codebook (indicator_code VARCHAR, update_frequency VARCHAR)")
    s.executemany("INSERT INTO sdg_codebook VALUES (?, ?)",
                  [["a", "annual"], ["b", "quarterly"], ["c", None]])
    settings = fr.load_dataset_settings(s).set_index("dataset")
    assert settings.loc["sdg_values", ["frequency_days", "source"]].tolist() == [92, "codebook"]
    assert settings.loc["plan_projects", "source"] == "settings"


def test_debt_tallies_agree_with_the_cases(store):
    days = debt_tally_days(store, AccessScope.everything())
    by_province = debt_tally_by_province(store, AccessScope.everything())
    cases = store.query("SELECT COUNT(*) AS n, SUM(debt_amount) AS debt, "
                        "SUM(CASE WHEN channel = 'online' THEN 1 ELSE 0 END) AS online, "
                        "COUNT(prosecuted_on) AS prosecuted FROM debt_cases").iloc[0]
    for frame in (days, by_province):
        assert frame.registrants.sum() == cases.n
        assert frame.debt_total.sum() == pytest.approx(cases.debt)
        assert frame.online.sum() == cases.online
        assert frame.prosecutions.sum() == cases.prosecuted
    assert (by_province.debt_after <= by_province.debt_before).all()
    assert days.online.sum() + days.onsite.sum() == cases.n  # the demo records every channel
    pattani = debt_tally_by_province(store, PATTANI)
    assert pattani.province_code.tolist() == ["94"]
    assert isinstance(days.day.iloc[0], (dt.date, pd.Timestamp))


def test_schedule_runs_each_job_once(demo_copy, monkeypatch):
    from data.schedule import due_jobs, run_due

    s = demo_copy
    monkeypatch.setenv("WARROOM_ALERT_EVERY_HOURS", "6")
    monkeypatch.setenv("WARROOM_DIGEST_HOUR", "7")
    monkeypatch.setenv("WARROOM_SNAPSHOT_EVERY_DAYS", "7")
    monkeypatch.delenv("WARROOM_SMTP_HOST", raising=False)
    start = dt.datetime(2030, 1, 1, 8, 0)
    assert due_jobs(s, start) == ["evaluate", "digest", "snapshot"]
    done = run_due(s, "test", start)
    assert set(done) == {"evaluate", "digest", "snapshot"}
    assert done["digest"]["webhook"] == "off" and done["snapshot"]["meeting_id"] >= 1
    assert s.scalar("SELECT kind FROM meetings WHERE meeting_id = ?",
                    [done["snapshot"]["meeting_id"]]) == "scheduled"
    # Nothing is due an hour later; the evaluation again after six hours.
    assert run_due(s, "test", start + dt.timedelta(hours=1)) == {}
    assert due_jobs(s, start + dt.timedelta(hours=6)) == ["evaluate"]
    # The next day's digest waits for its hour; the snapshot for its week.
    assert "digest" not in due_jobs(s, dt.datetime(2030, 1, 2, 6, 59))
    assert "digest" in due_jobs(s, dt.datetime(2030, 1, 2, 7, 0))
    assert "snapshot" in due_jobs(s, start + dt.timedelta(days=7))
    monkeypatch.setenv("WARROOM_ALERT_EVERY_HOURS", "0")
    monkeypatch.setenv("WARROOM_DIGEST_HOUR", "-1")
    monkeypatch.setenv("WARROOM_SNAPSHOT_EVERY_DAYS", "0")
    assert due_jobs(s, start + dt.timedelta(days=30)) == []
