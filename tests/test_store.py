"""The store on DuckDB and PostgreSQL: migrations, transactions, bound values, types, copy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.store import Store, StoreError, list_migrations, open_store, redact_url, split_sql


def test_migrations_apply_once_and_record_versions(any_store_url):
    s = open_store(any_store_url)
    versions = [m.version for m in list_migrations(s.dialect)]
    assert s.schema_version() == max(versions)
    assert s.migrate() == []  # nothing left to apply
    recorded = [r[0] for r in s.rows("SELECT version FROM schema_migrations ORDER BY 1")]
    assert recorded == versions
    assert {"areas", "households", "sdg_values", "schema_migrations"} <= set(s.tables())
    s.close()


def test_migration_versions_are_unique_and_ordered():
    for dialect in ("duckdb", "postgresql"):
        versions = [m.version for m in list_migrations(dialect)]
        assert versions == sorted(set(versions))
        assert versions[0] == 1


def test_both_backends_get_the_same_tables_and_columns(any_store_url, tmp_path):
    """Every migration leaves PostgreSQL with the tables and columns DuckDB has."""
    s = open_store(any_store_url)
    ref = open_store(f"duckdb:///{tmp_path / 'ref.duckdb'}")
    cols = ("SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY 1, 2")
    assert s.rows(cols) == ref.rows(cols)
    s.close()
    ref.close()


def test_split_sql_ignores_comments_and_blank_statements():
    script = "-- a comment; with a semicolon\nCREATE TABLE a (x INTEGER);\n\n;\nCREATE TABLE b (y INTEGER);"
    assert split_sql(script) == ["CREATE TABLE a (x INTEGER)", "CREATE TABLE b (y INTEGER)"]


def test_transaction_rolls_back_on_error(any_empty_store):
    s = any_empty_store
    with pytest.raises(RuntimeError), s.transaction():
        s.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?)", ["x", "A", "ก", "A", 1])
        raise RuntimeError("boom")
    assert s.scalar("SELECT COUNT(*) FROM regions") == 0
    with s.transaction():
        s.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?)", ["x", "A", "ก", "A", 1])
    assert s.scalar("SELECT COUNT(*) FROM regions") == 1


def test_values_are_bound_not_formatted(any_empty_store):
    s = any_empty_store
    hostile = "x'); DROP TABLE areas; -- 100% ?"
    s.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?)", ["s", hostile, hostile, hostile, 1])
    assert s.scalar("SELECT name_en FROM regions WHERE code = ?", [hostile]) == hostile
    assert s.scalar("SELECT COUNT(*) FROM regions WHERE code LIKE ?", ["x'); DROP%"]) == 1
    assert s.table_exists("areas")
    assert not s.table_exists("no_such_table")


def test_insert_df_round_trips_types_alike(any_empty_store):
    """Nulls, empty strings, quotes, dates and sums come back with DuckDB's dtypes."""
    s = any_empty_store
    df = pd.DataFrame({
        "case_id": [1, 2, 3], "area_code": ["94010101", "", 'a "quoted", text'],
        "province_code": ["94", "94", "50"],
        "registered_on": pd.to_datetime(["2024-05-01", "2024-06-01", "2024-06-02"]),
        "debt_amount": [1.5, 2.0, 1e9], "creditor_type": ["ก", "x", "y"],
        "stage": ["registered", "settled", "mediation"],
        "mediation_on": [pd.NaT, pd.Timestamp("2024-07-01"), pd.NaT],
        "house_code": [None, "x", ""],
    })
    assert s.insert_df("debt_cases", df) == 3
    got = s.query("SELECT case_id, area_code, registered_on, mediation_on, debt_amount, "
                  "house_code, batch_id FROM debt_cases ORDER BY case_id")
    assert got.area_code.tolist() == ["94010101", "", 'a "quoted", text']
    assert got.house_code.isna().tolist() == [True, False, False]
    assert got.house_code[2] == ""
    assert got.registered_on.tolist() == df.registered_on.tolist()
    assert str(got.registered_on.dtype).startswith("datetime64")
    assert got.mediation_on.isna().tolist() == [True, False, True]
    assert got.batch_id.isna().all()
    sums = s.query("SELECT province_code, SUM(CAST(case_id AS BIGINT)) AS n, "
                   "SUM(debt_amount) AS amount FROM debt_cases GROUP BY 1 ORDER BY 1")
    assert sums.n.tolist() == [3, 3] and sums.amount.tolist() == [1e9, 3.5]
    assert sums.n.dtype.kind in "if"  # a number, never Decimal objects
    assert s.scalar("SELECT MAX(registered_on) FROM debt_cases") == dt.date(2024, 6, 2)


def test_any_and_empty_lists(any_empty_store):
    s = any_empty_store
    s.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?)", ["s", "A", "a", "a", 1])
    assert s.scalar("SELECT COUNT(*) FROM regions WHERE code = ANY(?)", [["A", "B"]]) == 1
    assert s.scalar("SELECT COUNT(*) FROM regions WHERE code = ANY(?)", [[]]) == 0


def test_arrays_give_numpy_columns_alike_on_both_backends(any_empty_store):
    s = any_empty_store
    s.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?)", ["s", "A", "a", "a", 1])
    s.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?)", ["s", "B", "b", "b", 2])
    got = s.arrays("SELECT code, sort_order, sort_order > 1 AS late, "
                   "CAST(NULL AS DOUBLE PRECISION) AS nothing, "
                   "CASE WHEN sort_order > 1 THEN sort_order END AS some, "
                   "CASE WHEN sort_order > 1 THEN code END AS label "
                   "FROM regions ORDER BY code")
    assert list(got["code"]) == ["A", "B"]
    assert got["sort_order"].dtype.kind in "iu" and list(got["sort_order"]) == [1, 2]
    assert got["late"].dtype == bool and list(got["late"]) == [False, True]
    assert np.isnan(got["nothing"].astype(float)).all()
    # A NULL is never a made-up number: NaN in a numeric column, None in a text column.
    some = got["some"].astype(float)
    assert np.isnan(some[0]) and some[1] == 2
    assert list(got["label"]) == [None, "B"]
    # SUM of integers is NUMERIC on PostgreSQL: a float here, as on DuckDB's HUGEINT.
    total = s.arrays("SELECT SUM(sort_order) AS n FROM regions")["n"]
    assert float(total[0]) == 3.0
    empty = s.arrays("SELECT code FROM regions WHERE FALSE")
    assert len(empty["code"]) == 0


def test_read_only_store_refuses_writes(any_store):
    with pytest.raises(Exception):  # noqa: B017 - each backend raises its own error class
        any_store.execute("DELETE FROM regions")


def test_unsupported_url_is_a_clear_error():
    with pytest.raises(StoreError, match="unsupported database URL"):
        Store("mysql://nowhere")


def test_unreachable_postgresql_is_a_clear_error():
    s = Store("postgresql://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(StoreError, match=r"cannot connect .*nobody:\*\*\*@"):
        s.scalar("SELECT 1")


def test_redact_url():
    assert redact_url("postgresql://u:pw@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_url_forms(tmp_path, monkeypatch):
    from data import config

    monkeypatch.setenv("WARROOM_DB", str(tmp_path / "rel.duckdb"))
    assert config.database_url() == f"duckdb:///{tmp_path / 'rel.duckdb'}"
    monkeypatch.setenv("WARROOM_DB", "postgresql://u@h/db")
    assert config.database_url() == "postgresql://u@h/db"
    monkeypatch.delenv("WARROOM_DB")
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path / "d"))
    assert config.database_url().endswith("/d/warroom.duckdb")


def test_summary_of_a_missing_store_says_so_and_creates_nothing(tmp_path, monkeypatch, capsys):
    from data.__main__ import main

    target = tmp_path / "absent.duckdb"
    monkeypatch.setenv("WARROOM_DB", str(target))
    assert main(["summary"]) == 2
    assert "python -m data demo" in capsys.readouterr().err
    assert not target.exists()


def test_an_empty_store_does_not_count_as_built(tmp_path, demo_db):
    from data.store import open_store
    from data.store_state import probe

    empty = tmp_path / "empty.duckdb"
    open_store(f"duckdb:///{empty}").close()
    assert probe(f"duckdb:///{empty}").state == "empty"
    assert probe(f"duckdb:///{demo_db}").state == "ready"


def test_a_finished_thread_hands_its_connection_back(any_store):
    """Streamlit reruns each run a new thread: connections must not pile up per rerun."""
    import gc
    import threading

    def run() -> None:
        assert any_store.scalar("SELECT COUNT(*) FROM regions") > 0

    for _ in range(20):  # one after the other, like reruns of one session
        th = threading.Thread(target=run)
        th.start()
        th.join()
    gc.collect()
    if any_store.dialect == "postgresql":
        assert any_store.open_connections() == 1
        backends = any_store.scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()")
        # This thread's own connection plus the pooled one (other test stores may add some).
        assert backends < 10
    threads = [threading.Thread(target=run) for _ in range(5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    gc.collect()
    if any_store.dialect == "postgresql":
        assert any_store.open_connections() <= any_store.POOL_SIZE
    run()  # the store still works after its threads are gone


def test_audit_ids_stay_unique_across_replicas(pg_server):
    """Three app processes on one PostgreSQL server record events at the same moment."""
    import subprocess
    import sys

    from tests.backends import drop_pg_schema, new_pg_schema

    schema, url = new_pg_schema(pg_server, "replicas")
    open_store(url).close()  # migrated once, as the release step does
    script = ("import sys; from data.audit import record_event; from data.store import Store\n"
              "s = Store(sys.argv[1])\n"
              "for i in range(40): record_event(s, sys.argv[2], 'page_view', None, str(i))\n")
    try:
        procs = [subprocess.Popen([sys.executable, "-c", script, url, f"replica{n}"],
                                  cwd=Path(__file__).resolve().parent.parent)
                 for n in range(3)]
        assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
        s = Store(url)
        assert s.rows("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM audit_log")[0] == (120, 120)
        s.close()
    finally:
        drop_pg_schema(pg_server, schema)


def test_a_dropped_store_lets_go_of_its_file(tmp_path):
    """Caches drop stores without closing them: the file must be free to open read-only."""
    import gc

    path = tmp_path / "dropped.duckdb"
    s = open_store(f"duckdb:///{path}")
    assert s.scalar("SELECT COUNT(*) FROM regions") == 0
    del s
    gc.collect()
    ro = Store(f"duckdb:///{path}", read_only=True)
    assert ro.scalar("SELECT COUNT(*) FROM regions") == 0
    ro.close()
