"""Store fixtures over both backends: DuckDB files and a PostgreSQL server (one suite, two runs).

``any_store`` is a read-only store holding the session's demo data, once on DuckDB and once on
PostgreSQL; ``any_empty_store`` is a freshly migrated, writable, empty store on each backend.
PostgreSQL comes from ``WARROOM_TEST_PG`` (default ``postgresql://postgres@127.0.0.1:5432/
postgres``): each test session creates its own database ``warroom_test_<pid>`` there and drops it
at the end; stores live in schemas of it (selected with ``search_path``). When the server is
unreachable the PostgreSQL cases are skipped, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

BACKENDS = ("duckdb", "postgresql")
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def pg_admin_url() -> str:
    return os.environ.get("WARROOM_TEST_PG", "").strip() or DEFAULT_PG


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database))


def with_schema(url: str, schema: str) -> str:
    """The URL with ``search_path`` set to ``schema`` (libpq ``options``)."""
    parts = urlsplit(url)
    option = "options=" + quote(f"-csearch_path={schema}", safe="")
    query = f"{parts.query}&{option}" if parts.query else option
    return urlunsplit(parts._replace(query=query))


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL at {pg_admin_url()} is not reachable: {reason}"
    if in_ci():
        pytest.fail(message + " (CI=true: the PostgreSQL backend must be tested)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of a database of this test session on the PostgreSQL server, dropped afterwards."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is in requirements.txt
        _unavailable(str(exc))
    admin_url = pg_admin_url()
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        _unavailable(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
    name = f"warroom_test_{os.getpid()}"
    assert re.fullmatch(r"[a-z0-9_]+", name)
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {name}")
    try:
        yield with_database(admin_url, name)
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def new_pg_schema(server_url: str, prefix: str) -> tuple[str, str]:
    """Create an empty schema in the session database; return (schema, store URL)."""
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return schema, with_schema(server_url, schema)


def drop_pg_schema(server_url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(scope="session")
def pg_demo_url(pg_server, demo_db) -> str:
    """The session's demo store copied into PostgreSQL (``python -m data copy``)."""
    from data.copy import copy_store
    from data.store import Store

    _schema, url = new_pg_schema(pg_server, "demo")
    source = Store(f"duckdb:///{demo_db}", read_only=True)
    try:
        copy_store(source, url, log=lambda _m: None)
    finally:
        source.close()
    return url


@pytest.fixture(params=BACKENDS)
def any_store(request, demo_db):
    """A read-only store holding the demo data, on DuckDB and on PostgreSQL."""
    from data.store import Store

    if request.param == "duckdb":
        s = Store(f"duckdb:///{demo_db}", read_only=True)
    else:
        s = Store(request.getfixturevalue("pg_demo_url"), read_only=True)
    yield s
    s.close()


@pytest.fixture(params=BACKENDS)
def any_empty_store(request, tmp_path):
    """A migrated, empty, writable store of its own, on DuckDB and on PostgreSQL."""
    from data.store import open_store

    if request.param == "duckdb":
        s = open_store(f"duckdb:///{tmp_path / 'empty.duckdb'}")
        yield s
        s.close()
        return
    server = request.getfixturevalue("pg_server")
    schema, url = new_pg_schema(server, "t")
    s = open_store(url)
    try:
        yield s
    finally:
        s.close()
        drop_pg_schema(server, schema)


@pytest.fixture(params=BACKENDS)
def any_store_url(request, tmp_path):
    """URL of a not yet migrated store of its own (for migration and open tests)."""
    if request.param == "duckdb":
        yield f"duckdb:///{tmp_path / 'new.duckdb'}"
        return
    server = request.getfixturevalue("pg_server")
    schema, url = new_pg_schema(server, "u")
    try:
        yield url
    finally:
        drop_pg_schema(server, schema)


@pytest.fixture(params=BACKENDS)
def any_demo_copy_url(request, demo_db, tmp_path):
    """URL of a writable copy of the session's demo store of this test's own, on each engine
    (for tests that change data: crash, backup and restore, alerts)."""
    import shutil

    from data.store import Store

    if request.param == "duckdb":
        path = tmp_path / "demo-copy.duckdb"
        shutil.copyfile(demo_db, path)
        yield f"duckdb:///{path}"
        return
    from data.copy import copy_store

    server = request.getfixturevalue("pg_server")
    schema, url = new_pg_schema(server, "copy")
    source = Store(f"duckdb:///{demo_db}", read_only=True)
    try:
        copy_store(source, url, log=lambda _m: None)
    finally:
        source.close()
    try:
        yield url
    finally:
        drop_pg_schema(server, schema)
