"""Copy a DuckDB store into PostgreSQL (``python -m data copy --to postgresql://...``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from data.store import Store, StoreError, copy_arrow, open_store, redact_url

# Tables at least this big are loaded without their indexes, which are rebuilt afterwards:
# one sorted index build is several times faster than maintaining it row by row.
_REBUILD_INDEXES_FROM = 200_000


def copy_store(source: Store, target_url: str, *, replace: bool = False,
               batch_rows: int = 250_000, tables: list[str] | None = None,
               skip: list[str] | None = None,
               log: Callable[[str], None] = print) -> dict[str, Any]:
    """Copy every table of ``source`` (DuckDB) into the PostgreSQL store at ``target_url``.

    The target schema is brought up to date by the migrations first; each table is copied in
    one transaction with ``COPY`` in batches of ``batch_rows``. A non-empty target is refused
    unless ``replace`` (then its tables are emptied first). ``tables`` copies only those,
    ``skip`` leaves those out (e.g. the big household tables when only reference data changed).
    A target that holds data is backed up (``pg_dump``) before its tables are emptied.
    """
    if source.dialect != "duckdb":
        raise StoreError("the source of a copy is a DuckDB store")
    target = open_store(target_url)
    if target.dialect != "postgresql":
        target.close()
        raise StoreError("the target of a copy is a PostgreSQL URL (postgresql://...)")
    try:
        return _copy(source, target, replace=replace, batch_rows=batch_rows, only=tables,
                     skip=skip or [], log=log)
    finally:
        target.close()


def _copy(source: Store, target: Store, *, replace: bool, batch_rows: int,
          only: list[str] | None, skip: list[str], log: Callable[[str], None]) -> dict[str, Any]:
    src_versions = {int(r[0]) for r in source.rows("SELECT version FROM schema_migrations")}
    dst_versions = {int(r[0]) for r in target.rows("SELECT version FROM schema_migrations")}
    unknown = sorted(src_versions - dst_versions)
    if unknown:
        raise StoreError(f"the source has migrations this code does not know: {unknown}")
    tables = [t for t in source.tables() if t != "schema_migrations"]
    unknown_names = sorted((set(only or []) | set(skip)) - set(tables))
    if unknown_names:
        raise StoreError(f"no such tables in the source: {', '.join(unknown_names)}")
    tables = [t for t in tables if (only is None or t in only) and t not in skip]
    target_tables = set(target.tables())
    plan: list[tuple[str, list[str], int]] = []
    for table in tables:
        if table not in target_tables:
            raise StoreError(f"table {table} is missing in the target")
        src_cols = _columns(source, table)
        missing = set(src_cols) - set(_columns(target, table))
        if missing:
            raise StoreError(f"columns missing in the target table {table}: {sorted(missing)}")
        plan.append((table, src_cols, int(source.scalar(f"SELECT COUNT(*) FROM {table}"))))
    busy = [t for t, _c, _n in plan
            if target.scalar(f"SELECT COUNT(*) FROM (SELECT 1 FROM {t} LIMIT 1) x")]
    if busy and not replace:
        raise StoreError(f"the target already holds data (tables {', '.join(busy)}); "
                         "pass --replace to empty them first (it is backed up first)")
    if busy:
        from data.backup import backup_before

        log(f"backup of the target before it is replaced: {backup_before(target, 'copy')}")
    log(f"copying {len(plan)} tables, {sum(n for *_x, n in plan):,} rows "
        f"to {redact_url(target.url)}")
    stats: dict[str, Any] = {"tables": {}}
    t_all = time.perf_counter()
    for table, cols, n in plan:
        t = time.perf_counter()
        copied = _copy_table(source, target, table, cols, n, replace=replace,
                             batch_rows=batch_rows, log=log)
        secs = time.perf_counter() - t
        stats["tables"][table] = {"rows": copied, "seconds": round(secs, 2),
                                  "rows_per_s": round(copied / secs) if secs else None}
        if n:
            log(f"{table}: {copied:,} rows in {secs:.1f} s ({copied / max(secs, 1e-9):,.0f} rows/s)")
    total_rows = sum(v["rows"] for v in stats["tables"].values())
    secs = time.perf_counter() - t_all
    stats.update(rows=total_rows, seconds=round(secs, 2),
                 rows_per_s=round(total_rows / secs) if secs else None)
    log(f"copied {total_rows:,} rows in {secs:.1f} s ({total_rows / max(secs, 1e-9):,.0f} rows/s)")
    return stats


def _columns(store: Store, table: str) -> list[str]:
    return [r[0] for r in store.rows(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position",
        [table])]


def _copy_table(source: Store, target: Store, table: str, cols: list[str], n: int, *,
                replace: bool, batch_rows: int, log: Callable[[str], None]) -> int:
    conn = target.connection()
    col_sql = ", ".join(cols)
    copied = 0
    with conn.transaction(), conn.cursor() as cur:
        # Durability of this bulk load is the transaction's commit; skip the per-row flushes.
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")  # index rebuilds
        if replace:
            cur.execute(f"TRUNCATE {table}")
        rebuild = _drop_indexes(cur, table) if n >= _REBUILD_INDEXES_FROM else []
        reader = source.connection().sql(f"SELECT {col_sql} FROM {table}").to_arrow_reader(
            batch_rows)
        # Reading the next batch from DuckDB overlaps with PostgreSQL parsing this one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(_next_batch, reader)
            while True:
                batch = pending.result()
                if batch is None:
                    break
                pending = pool.submit(_next_batch, reader)
                before = copied
                copied += copy_arrow(conn, table, cols, batch)
                if copied // 5_000_000 > before // 5_000_000:
                    log(f"  {table}: {copied:,} / {n:,}")
        for statement in rebuild:
            cur.execute(statement)
    with conn.cursor() as cur:
        # VACUUM as well: a bulk-loaded table has no visibility map yet, so every index-only
        # scan went to the heap until autovacuum came by (the national copy's 50-user load
        # test: CPU 148-168 -> 135-141 ms a view after it; 31 s for 100 M rows).
        cur.execute(f"VACUUM (ANALYZE) {table}")
    return copied


def _next_batch(reader: Any) -> Any:
    try:
        return reader.read_next_batch()
    except StopIteration:
        return None


def _drop_indexes(cur: Any, table: str) -> list[str]:
    """Drop the table's primary key and indexes; return the statements that re-create them."""
    cur.execute(
        "SELECT conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.conrelid = to_regclass(%s) AND c.contype IN ('p', 'u')", [table])
    constraints = cur.fetchall()
    cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
        "AND c.conrelid = to_regclass(%s))", [table, table])
    indexes = cur.fetchall()
    recreate = []
    for name, definition in constraints:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        cur.execute(f'DROP INDEX "{name}"')
        recreate.append(definition)
    return recreate
