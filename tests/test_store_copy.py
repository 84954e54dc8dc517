"""``python -m data copy``: a DuckDB store copied into PostgreSQL holds the same data."""

from __future__ import annotations

import pytest

from data.queries import summary
from data.store import Store, StoreError

pytestmark = pytest.mark.postgres


def test_copy_gives_the_same_summary_and_aggregates(demo_db, pg_demo_url):
    src = Store(f"duckdb:///{demo_db}", read_only=True)
    dst = Store(pg_demo_url, read_only=True)
    a, b = summary(src), summary(dst)
    a.pop("database"), b.pop("database")
    assert a == b
    sql = ("SELECT province_code, survey_year, COUNT(*) AS n, SUM(members) AS people, "
           "SUM(income_per_head) AS income FROM households GROUP BY 1, 2 ORDER BY 1, 2")
    x, y = src.query(sql), dst.query(sql)
    assert x.province_code.tolist() == y.province_code.tolist()
    assert x.n.tolist() == y.n.tolist() and x.people.tolist() == y.people.tolist()
    assert (x.income - y.income).abs().max() < 1e-3
    # Primary keys and indexes are back after the bulk load.
    keys = dst.scalar("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() "
                      "AND tablename = 'households'")
    assert keys >= 1
    # Vacuumed as well as analysed: a bulk load leaves no visibility map for index-only scans.
    vacuumed = dst.scalar("SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM "
                          "pg_stat_user_tables WHERE schemaname = current_schema() "
                          "AND relname = 'households'")
    assert vacuumed
    src.close()
    dst.close()


def test_copy_refuses_a_non_empty_target_then_replaces(demo_db, pg_server, tmp_path):
    from data.copy import copy_store
    from data.store import open_store
    from tests.backends import drop_pg_schema, new_pg_schema

    small = open_store(f"duckdb:///{tmp_path / 's.duckdb'}")
    small.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?)", ["s", "A", "a", "a", 1])
    schema, url = new_pg_schema(pg_server, "c")
    try:
        stats = copy_store(small, url, log=lambda _m: None)
        assert stats["tables"]["regions"]["rows"] == 1
        with pytest.raises(StoreError, match="already holds data"):
            copy_store(small, url, log=lambda _m: None)
        copy_store(small, url, replace=True, log=lambda _m: None)
        # Only some tables: the others keep what they hold.
        small.execute("INSERT INTO regions VALUES (?, ?, ?, ?, ?)", ["s", "B", "b", "b", 2])
        stats = copy_store(small, url, replace=True, tables=["regions"], log=lambda _m: None)
        assert list(stats["tables"]) == ["regions"] and stats["rows"] == 2
        stats = copy_store(small, url, replace=True, skip=["regions"], log=lambda _m: None)
        assert "regions" not in stats["tables"] and "areas" in stats["tables"]
        with pytest.raises(StoreError, match="no such tables"):
            copy_store(small, url, tables=["nope"], log=lambda _m: None)
        dst = Store(url)
        assert dst.scalar("SELECT COUNT(*) FROM regions") == 2
        dst.close()
        with pytest.raises(StoreError, match="PostgreSQL URL"):
            copy_store(small, f"duckdb:///{tmp_path / 'x.duckdb'}", log=lambda _m: None)
    finally:
        small.close()
        drop_pg_schema(pg_server, schema)
