"""The indicator codebook (issue 22.2): seeded demo rows, used by the scoring, edited by stewards
with history and an audit record, refused to others, on both engines."""

from __future__ import annotations

import pytest

from data import codebook
from data import sdg as q
from data.scope import AccessScope

STEWARD = AccessScope(user="steward1", roles=frozenset({"steward", "analyst"}), provinces=None)
ANALYST = AccessScope(user="analyst1", roles=frozenset({"analyst"}), provinces=None)


def test_demo_codebook_is_seeded_and_scores_as_the_catalogue(store, everything):
    cb = codebook.load_codebook(store, everything).set_index("indicator_code")
    cat = q.load_sdg_catalogue(store, everything)
    scored = cat[cat.goal.notna()]
    assert set(scored.indicator_code) <= set(cb.index)
    assert (scored.bounds_from == "codebook").all()
    # Demo bounds follow the catalogue: optimum = best bound, lower bound = worst.
    poverty = cb.loc["g1_income_poverty"]
    assert (poverty.direction, poverty.optimum, poverty.lower_bound) == (-1, 0.0, 30.0)
    assert poverty.green_threshold == 2.5 and poverty.red_threshold == pytest.approx(16.25)
    assert poverty.sdg_target == "1.2" and poverty.update_frequency == "annual"
    welfare = cb.loc["g1_welfare_coverage"]  # higher is better: 40 scores 0, 100 scores 100
    assert codebook.scoring_bounds(welfare) == (40.0, 100.0)
    assert codebook.scoring_bounds(poverty) == (0.0, 30.0)


def test_steward_edit_changes_the_scores_and_keeps_history(any_demo_copy_url):
    from data.store import Store

    store = Store(any_demo_copy_url)
    try:
        everything = AccessScope.everything()
        before = q.indicator_ranking(store, everything, "g1_income_poverty", "province", 2024)
        with pytest.raises(PermissionError):
            codebook.save_codebook_entry(store, ANALYST, "g1_income_poverty",
                                         {"lower_bound": 20}, "tighter")
        with pytest.raises(ValueError):  # no reason given
            codebook.save_codebook_entry(store, STEWARD, "g1_income_poverty",
                                         {"lower_bound": 20}, " ")
        with pytest.raises(ValueError):  # the optimum must beat the lower bound
            codebook.save_codebook_entry(store, STEWARD, "g1_income_poverty",
                                         {"lower_bound": -5}, "wrong way")
        n = codebook.save_codebook_entry(store, STEWARD, "g1_income_poverty",
                                         {"lower_bound": 20, "red_threshold": 10,
                                          "owner_agency": "NSO"}, "NESDC review 2567")
        assert n == 3
        after = q.indicator_ranking(store, everything, "g1_income_poverty", "province", 2024)
        # Lower is better, optimum 0: a value v now scores 100 - v / 20 x 100 (was / 30).
        row = after.dropna(subset=["value"]).iloc[0]
        assert row.score == pytest.approx(max(0.0, 100 - min(row.value, 20) / 20 * 100))
        assert not after.score.equals(before.score)
        history = codebook.load_codebook_history(store, everything, "g1_income_poverty")
        changed = dict(zip(history.field, zip(history.old_value, history.new_value,
                                                  strict=True), strict=True))
        assert changed["lower_bound"] == ("30", "20")
        assert changed["red_threshold"] == ("16.25", "10")
        assert set(history.changed_by) == {"steward1"}
        assert set(history.reason) == {"NESDC review 2567"}
        # Saving the same values again changes nothing and adds no history.
        assert codebook.save_codebook_entry(store, STEWARD, "g1_income_poverty",
                                            {"lower_bound": 20.0}, "again") == 0
        assert len(codebook.load_codebook_history(store, everything)) == 3
        audit = store.query("SELECT user_name, detail FROM audit_log "
                            "WHERE action = 'codebook_change'")
        assert list(audit.user_name) == ["steward1"] and "g1_income_poverty" in audit.detail[0]
    finally:
        store.close()


def test_ranking_colours_values_by_the_codebook_thresholds(store, everything):
    from domain import sdg as scoring

    r = q.indicator_ranking(store, everything, "g1_income_poverty", "province", 2024)
    known = r[r.value.notna()]
    # Demo thresholds of poverty (lower better): green <= 2.5, red >= 16.25.
    expected = [scoring.threshold_band(v, 2.5, 16.25, -1) for v in known.value]
    assert known.band.tolist() == expected
    assert {"yellow", "red"} <= set(known.band)
    assert r[r.value.isna()].band.isna().all()


def test_each_threshold_has_its_reason_and_source(store, everything):
    """Green and red thresholds carry a reason and a source of their own, as the optimum and
    the lower bound do (demo rows: the 2030 target, and the demo's midpoint rule)."""
    cb = codebook.load_codebook(store, everything).set_index("indicator_code")
    for field in ("green_reason", "green_source", "red_reason", "red_source"):
        assert field in codebook.TEXT_FIELDS
    with_green = cb[cb.green_threshold.notna()]
    assert len(with_green) and with_green.green_reason.notna().all()
    assert with_green.green_source.str.contains("SDG target").all()
    assert with_green.red_reason.str.contains("halfway").all()
    poverty = cb.loc["g1_income_poverty"]
    assert "1.2" in poverty.green_source and "SDSN" in poverty.red_source
    # No threshold, no reason for it.
    no_green = cb[cb.green_threshold.isna()]
    assert no_green.green_reason.isna().all() and no_green.red_source.isna().all()
    # The SDG page's entry shows them, named in each language.
    from components.codebook_view import entry_table
    from components.i18n import t

    cat = q.load_sdg_catalogue(store, everything).set_index("indicator_code")
    spec = cat.loc["g1_income_poverty"]
    table = entry_table(spec)
    shown = dict(zip(table.field, table.value, strict=True))
    assert shown[t("stats_cb_red_reason")] == poverty.red_reason
    assert shown[t("stats_cb_green_source")] == poverty.green_source


def test_threshold_reasons_are_edited_with_history(any_demo_copy_url):
    from data.store import Store

    store = Store(any_demo_copy_url)
    try:
        n = codebook.save_codebook_entry(
            store, STEWARD, "g1_income_poverty",
            {"red_reason": "Twice the 2030 target: the national plan's alarm level",
             "red_source": "NESDB 13th plan, annex 2"}, "NESDC review 2567")
        assert n == 2
        row = codebook.load_codebook(store, AccessScope.everything()).set_index(
            "indicator_code").loc["g1_income_poverty"]
        assert row.red_source == "NESDB 13th plan, annex 2"
        history = codebook.load_codebook_history(store, AccessScope.everything(),
                                                 "g1_income_poverty")
        assert set(history.field) == {"red_reason", "red_source"}
        assert history.set_index("field").old_value["red_reason"].startswith("Demo convention")
    finally:
        store.close()


def test_migration_gives_each_threshold_the_old_shared_text(any_store_url):
    """A store codebook written before migration 142 keeps what its shared threshold_source
    said, as the reason of each threshold."""
    from data.store import Store, list_migrations, split_sql

    store = Store(any_store_url)
    try:
        store.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name "
                      "VARCHAR NOT NULL, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)")
        for m in list_migrations(store.dialect):
            if m.version >= 142:
                break
            with store.transaction():
                for statement in split_sql(m.path.read_text(encoding="utf-8")):
                    store.execute(statement)
                store.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                              [m.version, m.name])
        store.execute("INSERT INTO indicator_codebook (indicator_code, direction, optimum, "
                      "lower_bound, threshold_source, updated_by) VALUES "
                      "('x', 1, 100, 0, 'Ministry rule 7', 'old')")
        store.migrate()
        row = store.query("SELECT green_reason, red_reason, green_source FROM "
                          "indicator_codebook WHERE indicator_code = 'x'").iloc[0]
        assert (row.green_reason, row.red_reason) == ("Ministry rule 7", "Ministry rule 7")
        assert row.green_source is None or row.green_source != row.green_source  # NULL/NaN
        columns = {r[0] for r in store.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = "
            "'indicator_codebook' AND table_schema = current_schema()")}
        assert "threshold_source" not in columns and "red_source" in columns
    finally:
        store.close()
