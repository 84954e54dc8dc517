"""The store: migrations are versioned and idempotent, transactions are atomic, values bound."""

from __future__ import annotations

import pytest

from data.store import Store, StoreError, list_migrations, open_store, split_sql


def test_migrations_apply_once_and_record_versions(tmp_path):
    s = open_store(f"duckdb:///{tmp_path / 'a.duckdb'}")
    versions = [m.version for m in list_migrations("duckdb")]
    assert s.schema_version() == max(versions)
    assert s.migrate() == []  # nothing left to apply
    recorded = [r[0] for r in s.rows("SELECT version FROM schema_migrations ORDER BY 1")]
    assert recorded == versions
    s.close()


def test_migration_versions_are_unique_and_ordered():
    versions = [m.version for m in list_migrations("duckdb")]
    assert versions == sorted(set(versions))
    assert versions[0] == 1


def test_split_sql_ignores_comments_and_blank_statements():
    script = "-- a comment; with a semicolon\nCREATE TABLE a (x INTEGER);\n\n;\nCREATE TABLE b (y INTEGER);"
    assert split_sql(script) == ["CREATE TABLE a (x INTEGER)", "CREATE TABLE b (y INTEGER)"]


def test_transaction_rolls_back_on_error(tmp_path):
    s = open_store(f"duckdb:///{tmp_path / 'b.duckdb'}")
    with pytest.raises(RuntimeError), s.transaction():
        s.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?)", ["x", "A", "ก", "A", 1])
        raise RuntimeError("boom")
    assert s.scalar("SELECT COUNT(*) FROM regions") == 0
    s.close()


def test_values_are_bound_not_formatted(tmp_path):
    s = open_store(f"duckdb:///{tmp_path / 'c.duckdb'}")
    hostile = "x'); DROP TABLE areas; --"
    s.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?)", ["s", hostile, hostile, hostile, 1])
    assert s.scalar("SELECT name_en FROM regions WHERE code = ?", [hostile]) == hostile
    assert s.table_exists("areas")
    s.close()


def test_unsupported_url_is_a_clear_error():
    with pytest.raises(StoreError, match="unsupported database URL"):
        Store("mysql://nowhere")


def test_url_forms(tmp_path, monkeypatch):
    from data import config

    monkeypatch.setenv("WARROOM_DB", str(tmp_path / "rel.duckdb"))
    assert config.database_url() == f"duckdb:///{tmp_path / 'rel.duckdb'}"
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
    from data.__main__ import _has_areas
    from data.store import open_store

    empty = tmp_path / "empty.duckdb"
    open_store(f"duckdb:///{empty}").close()
    assert not _has_areas(empty)
    assert _has_areas(demo_db)
