"""PostgreSQL connections that die while pooled or held (a restart, failover or
pg_terminate_backend) cost no page run an error: checked before reuse, retried when safe."""

from __future__ import annotations

import gc
import threading

import pytest

from tests.backends import drop_pg_schema, new_pg_schema


@pytest.fixture()
def pg_store(pg_server):
    from data.store import open_store

    schema, url = new_pg_schema(pg_server, "reconnect")
    store = open_store(url)
    store.execute("CREATE TABLE notes (id BIGINT, body TEXT)")
    try:
        yield store
    finally:
        store.close()
        drop_pg_schema(pg_server, schema)


def _terminate_all(store, admin_url: str) -> int:
    """End every server session the store holds, as a PostgreSQL restart does."""
    import psycopg

    with store._lock:
        pids = [c.info.backend_pid for c in store._pg_open if not c.closed]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    return len(pids)


def _in_threads(work, n: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    gc.collect()  # ended threads hand their connections back to the pool
    return errors


def test_pooled_connections_terminated_cost_no_run_an_error(pg_store, pg_server):
    def page_run() -> None:  # what a rerun does: reads, a write, a transaction
        assert pg_store.scalar("SELECT COUNT(*) FROM notes") >= 0
        pg_store.query("SELECT id, body FROM notes ORDER BY id")
        pg_store.arrays("SELECT id FROM notes")
        with pg_store.transaction():
            pg_store.execute("INSERT INTO notes (id, body) VALUES (?, 'x')",
                             [threading.get_ident()])

    assert _in_threads(page_run, 4) == []
    assert pg_store.open_connections() >= 1
    assert _terminate_all(pg_store, pg_server) >= 1
    # The next runs of every "process thread" find their pooled connections dead.
    assert _in_threads(page_run, 4) == []
    assert pg_store.scalar("SELECT COUNT(*) FROM notes") == 8


def test_a_held_connection_terminated_mid_run_is_replaced_for_reads_and_writes(pg_store,
                                                                                pg_server):
    # This thread keeps its connection (a long-lived thread such as the scheduler).
    assert pg_store.scalar("SELECT 1") == 1
    _terminate_all(pg_store, pg_server)
    assert pg_store.scalar("SELECT 2") == 2  # a read is sent again on a new connection
    _terminate_all(pg_store, pg_server)
    pg_store.execute("INSERT INTO notes (id, body) VALUES (1, 'once')")  # server never ran it
    _terminate_all(pg_store, pg_server)
    with pg_store.transaction():
        pg_store.execute("INSERT INTO notes (id, body) VALUES (2, 'in a transaction')")
    assert pg_store.rows("SELECT id, body FROM notes ORDER BY id") == [
        (1, "once"), (2, "in a transaction")]


def test_a_connection_lost_inside_a_transaction_is_not_retried(pg_store, pg_server):
    """Half a transaction is never replayed on a new connection: the error surfaces."""
    import psycopg

    with pytest.raises(psycopg.OperationalError):
        with pg_store.transaction():
            pg_store.execute("INSERT INTO notes (id, body) VALUES (1, 'lost')")
            _terminate_all(pg_store, pg_server)
            pg_store.execute("INSERT INTO notes (id, body) VALUES (2, 'lost')")
    assert pg_store.scalar("SELECT COUNT(*) FROM notes") == 0


def test_reads_are_told_from_writes():
    from data.store import _is_read

    assert _is_read("SELECT 1")
    assert _is_read("  with t as (select 1) select * from t")
    assert not _is_read("INSERT INTO x VALUES (1)")
    assert not _is_read("WITH d AS (DELETE FROM x RETURNING *) SELECT * FROM d")
    assert not _is_read("SELECT nextval('audit_ids')")
    assert not _is_read("SELECT pg_advisory_lock(1)")
