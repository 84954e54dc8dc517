"""Connection to the One Data store (DuckDB file or PostgreSQL server) and its schema migrations."""

from __future__ import annotations

import functools
import io
import re
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from data import config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+?)(?:\.(duckdb|postgresql))?\.sql$")

Dialect = Literal["duckdb", "postgresql"]
T = TypeVar("T")


# What state a store that cannot be used is in (see data/store_state.py for what to do).
STATES = ("missing", "empty", "locked", "read_only", "damaged", "newer_schema", "outdated",
          "unreachable", "error")


class StoreError(RuntimeError):
    """A store operation failed; the message is safe to show to an operator.

    ``state`` names why (one of ``STATES``), ``holder`` the process holding a locked file.
    """

    def __init__(self, message: str, *, state: str = "error", holder: str = "") -> None:
        super().__init__(message)
        self.state = state
        self.holder = holder


_LOCKED = re.compile(r"Could not set lock on file|Conflicting lock", re.I)
_HOLDER_PID = re.compile(r"\(PID (\d+)\)")
_READ_ONLY = re.compile(r"Permission denied|Operation not permitted|Read-only file system|"
                        r"read-only mode|"
                        r"cannot open file .* for writing", re.I)
_DAMAGED = re.compile(r"not a valid DuckDB database|WAL does not match|replaying WAL|"
                      r"checkpoint iteration does not match|"
                      r"Could not read enough bytes|Corrupt|checksum|invalid .*header", re.I)


def holder_of(pid: int) -> str:
    """``PID n: command line`` of the process holding a store file (as far as the OS tells)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        cmd = " ".join(" ".join(part.decode(errors="replace").split())
                       for part in raw.split(b"\0") if part)
        cmd = cmd if len(cmd) <= 120 else cmd[:117] + "..."
    except OSError:
        cmd = ""
    return f"PID {pid}: {cmd}" if cmd else f"PID {pid}"


def duckdb_open_error(path: str, exc: Exception) -> StoreError:
    """The DuckDB error of opening ``path`` as a StoreError that names the store's state."""
    text = str(exc)
    if _LOCKED.search(text):
        pid = _HOLDER_PID.search(text)
        holder = holder_of(int(pid.group(1))) if pid else "another process"
        return StoreError(f"the DuckDB store {path} is in use by another process ({holder})",
                          state="locked", holder=holder)
    if _READ_ONLY.search(text):
        return StoreError(f"the DuckDB store {path} cannot be written by this account: {text}",
                          state="read_only")
    if _DAMAGED.search(text):
        return StoreError(f"the DuckDB store {path} is damaged: {text}", state="damaged")
    return StoreError(f"cannot open the DuckDB store at {path}: {text}")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def list_migrations(dialect: Dialect) -> list[Migration]:
    """Migrations in version order; a ``NNN_x.<dialect>.sql`` file overrides ``NNN_x.sql``."""
    found: dict[int, Migration] = {}
    specific: set[int] = set()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = _MIGRATION_NAME.match(path.name)
        if not m:
            raise StoreError(f"badly named migration file: {path.name}")
        version, name, only = int(m.group(1)), m.group(2), m.group(3)
        if only and only != dialect:
            continue
        if only:
            specific.add(version)
        elif version in specific:
            continue
        if version in found and not only:
            raise StoreError(f"two migrations share version {version:03d}")
        found[version] = Migration(version, name, path)
    return [found[v] for v in sorted(found)]


class _Held:
    """A thread's connection, kept in thread-local storage; freed when the thread ends."""

    __slots__ = ("conn", "__weakref__")

    def __init__(self, conn: Any) -> None:
        self.conn = conn


def _release_to(store_ref: weakref.ref, conn: Any) -> None:
    store = store_ref()
    if store is not None:
        store._release(conn)
        return
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing what is left of a dropped store
        pass


def split_sql(script: str) -> list[str]:
    """Statements of a migration script (split on ``;`` at line ends; no procedural SQL)."""
    no_comments = "\n".join(
        line for line in script.splitlines() if not line.strip().startswith("--")
    )
    return [s.strip() for s in re.split(r";\s*(?:\n|$)", no_comments) if s.strip()]


class Store:
    """One store, shared by all threads of a process; each thread gets its own cursor.

    SQL is written once with ``?`` placeholders and runs on both DuckDB and PostgreSQL;
    values are always bound, never formatted into the text.
    """

    def __init__(self, url: str | None = None, *, read_only: bool = False,
                 create: bool = True) -> None:
        self.url = url or config.database_url()
        self.read_only = read_only
        self._local = threading.local()
        self._lock = threading.Lock()
        self._reference: dict[str, Any] = {}
        if self.url.startswith("duckdb://"):
            self.dialect: Dialect = "duckdb"
            import duckdb

            # duckdb:///relative/file, duckdb:////absolute/file, duckdb:///:memory:
            path = self.url.removeprefix("duckdb:///") or ":memory:"
            self.path = path
            if path != ":memory:":
                if not Path(path).exists() and (read_only or not create):
                    # Opening would create an empty file that later looks like a built store.
                    raise StoreError(f"there is no store at {path}", state="missing")
                config.ensure_private_dir(Path(path).parent)
            try:
                self._root = duckdb.connect(path, read_only=read_only)
            except duckdb.Error as exc:
                raise duckdb_open_error(path, exc) from exc
        elif self.url.startswith(("postgresql://", "postgres://")):
            self.dialect = "postgresql"
            self.path = ""
            self._root = None
            self._pg_open: set[Any] = set()
            self._pg_idle: list[Any] = []
            self._closed = False
        else:
            raise StoreError(f"unsupported database URL (use duckdb:/// or postgresql://): {self.url}")

    # -- connections -------------------------------------------------------------------------
    # Streamlit runs every rerun in a new thread. A thread's connection is handed back when the
    # thread ends (its thread-local holder is freed): PostgreSQL connections wait in a small
    # pool for the next thread instead of piling up on the server, DuckDB cursors are closed.
    POOL_SIZE = 8

    def _conn(self) -> Any:
        held = getattr(self._local, "held", None)
        if held is None:
            conn = self._root.cursor() if self.dialect == "duckdb" else self._pg_acquire()
            held = _Held(conn)
            # A weak reference: the finaliser must not keep a dropped store (and its file) alive.
            weakref.finalize(held, _release_to, weakref.ref(self), conn)
            self._local.held = held
        return held.conn

    def _pg_acquire(self) -> Any:
        # A pooled connection may have died while it waited (a PostgreSQL restart or failover,
        # pg_terminate_backend, an idle timeout): one round trip tells, and a dead one is
        # dropped instead of failing the page run that would have used it.
        while True:
            with self._lock:
                conn = self._pg_idle.pop() if self._pg_idle else None
            if conn is None:
                break
            if self._pg_alive(conn):
                return conn
            self._pg_discard(conn)
        import psycopg

        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to the PostgreSQL store at {redact_url(self.url)}: "
                f"{exc}", state="unreachable") from exc
        if self.read_only:
            conn.execute("SET default_transaction_read_only = on")
        with self._lock:
            self._pg_open.add(conn)
        return conn

    @staticmethod
    def _pg_alive(conn: Any) -> bool:
        if conn.closed or conn.broken:
            return False
        try:
            conn.execute("SELECT 1")
        except Exception:  # noqa: BLE001 - any failure means the connection is not usable
            return False
        return True

    def _pg_discard(self, conn: Any) -> None:
        with self._lock:
            self._pg_open.discard(conn)
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - closing a connection that is already gone
            pass

    def _pg_retry(self, work: Callable[[Any], T], *, idempotent: bool) -> T:
        """``work(conn)`` on this thread's connection; once more on a new connection when the
        old one turns out dead (outside a transaction, and only when running it again cannot
        do twice what was done once: a read, or a statement the server never ran)."""
        conn = self._conn()
        try:
            return work(conn)
        except Exception as exc:
            if not (_pg_connection_lost(conn, exc) and not self.in_transaction()
                    and (idempotent or _pg_never_ran(exc))):
                raise
        self._local.held = None  # its finaliser hands the dead connection to _release
        self._pg_discard(conn)
        return work(self._conn())

    def _release(self, conn: Any) -> None:
        if self.dialect == "duckdb":
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - the root connection may be closed already
                pass
            return
        from psycopg.pq import TransactionStatus

        with self._lock:
            reusable = (not self._closed and not conn.closed
                        and conn.info.transaction_status == TransactionStatus.IDLE
                        and len(self._pg_idle) < self.POOL_SIZE)
            if reusable:
                self._pg_idle.append(conn)
                return
            self._pg_open.discard(conn)
        conn.close()

    def open_connections(self) -> int:
        """PostgreSQL connections this store holds open (in use or pooled); 0 on DuckDB."""
        with self._lock:
            return len(self._pg_open) if self.dialect == "postgresql" else 0

    def _sql(self, sql: str) -> str:
        return pg_placeholders(sql) if self.dialect == "postgresql" else sql

    def close(self) -> None:
        if self.dialect == "duckdb":
            self._root.close()
        else:
            with self._lock:
                self._closed = True
                for conn in self._pg_open:
                    conn.close()
                self._pg_open.clear()
                self._pg_idle.clear()
        self._local = threading.local()

    def reference(self, name: str, load: Callable[[Store], T]) -> T:
        """Reference data read once for the life of this store (the area registry's names).

        Only for tables that no import changes: the app's caches are refreshed by the data
        version, this is not.
        """
        with self._lock:
            if name in self._reference:
                return self._reference[name]
        value = load(self)
        with self._lock:
            return self._reference.setdefault(name, value)

    # -- queries -----------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a SELECT and return its rows as a DataFrame."""
        if self.dialect == "duckdb":
            return self._conn().execute(sql, list(params)).df()

        def work(conn: Any) -> pd.DataFrame:
            with conn.cursor() as cur:
                cur.execute(self._sql(sql), list(params))
                if not cur.description:
                    return pd.DataFrame()
                return _pg_frame(cur.fetchall(), cur.description)

        return self._pg_retry(work, idempotent=True)

    def arrays(self, sql: str, params: Sequence[Any] = ()) -> dict[str, np.ndarray]:
        """Run a SELECT and return its columns as numpy arrays, by name.

        For the few hundred rows a drill-down step reads: no DataFrame is built, which on
        small results costs more than the query. NULLs come back as NaN (numbers) or None.
        """
        if self.dialect == "duckdb":
            cols = self._conn().execute(sql, list(params)).fetchnumpy()
            return {k: _unmask(v) for k, v in cols.items()}

        def work(conn: Any) -> tuple[Any, list[tuple[Any, ...]]]:
            with conn.cursor() as cur:
                cur.execute(self._sql(sql), list(params))
                return cur.description, cur.fetchall()

        description, rows = self._pg_retry(work, idempotent=True)
        # Column types come from the result's description, not from looking at every value:
        # testing each value for a Decimal cost more than the query on a thousand rows.
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(description)
        out: dict[str, np.ndarray] = {}
        for d, values in zip(description, columns, strict=True):
            if d.type_code == _PG_NUMERIC or (d.type_code in _PG_INTS and None in values):
                values = [np.nan if v is None else float(v) for v in values]
            arr = np.array(values)
            out[d.name] = arr if arr.dtype.kind in "biuf" or not rows else \
                np.array(values, dtype=object)
        return out

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.dialect == "duckdb":
            return self._conn().execute(sql, list(params)).fetchall()

        def work(conn: Any) -> list[tuple[Any, ...]]:
            with conn.cursor() as cur:
                cur.execute(self._sql(sql), list(params))
                return cur.fetchall() if cur.description else []

        # Reads repeat safely; a statement that writes (INSERT ... RETURNING) only when the
        # server never ran it.
        return self._pg_retry(work, idempotent=_is_read(sql))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self.dialect == "duckdb":
            self._conn().execute(sql, list(params))
            return

        def work(conn: Any) -> None:
            with conn.cursor() as cur:
                cur.execute(self._sql(sql), list(params))

        self._pg_retry(work, idempotent=_is_read(sql))

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> None:
        if self.dialect == "duckdb":
            self._conn().executemany(sql, [list(p) for p in seq])
            return

        def work(conn: Any) -> None:
            with conn.cursor() as cur:
                cur.executemany(self._sql(sql), [list(p) for p in seq])

        self._pg_retry(work, idempotent=False)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All statements inside are committed together or not at all.

        Nested use joins the enclosing transaction, so that a step that is one unit on its own
        (a refresh of aggregates) can also be part of a larger unit (an import's commit).
        """
        conn = self._conn()
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield self
            finally:
                self._local.depth = depth
            return
        if self.dialect == "postgresql":
            # A connection that died since its last use is replaced before BEGIN: inside
            # the transaction nothing is retried.
            self._pg_retry(lambda c: c.execute("SELECT 1"), idempotent=True)
            conn = self._conn()
        self._local.depth = 1
        try:
            if self.dialect == "duckdb":
                conn.execute("BEGIN TRANSACTION")
                try:
                    yield self
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            else:
                with conn.transaction():
                    yield self
        finally:
            self._local.depth = 0

    def in_transaction(self) -> bool:
        return bool(getattr(self._local, "depth", 0))

    def connection(self) -> Any:
        """This thread's driver connection (a DuckDB cursor or a psycopg connection), for the
        few bulk paths that stream Arrow data (copy, demo build); queries use the methods."""
        return self._conn()

    def serialise(self, name: str) -> None:
        """Inside a transaction: wait until no other process works under ``name``.

        Ids taken as ``MAX(id) + 1`` stay unique across app replicas on one PostgreSQL server
        (an advisory lock, released at commit). A DuckDB file has one writing process, whose
        threads the caller orders with its own lock.
        """
        if self.dialect == "postgresql":
            self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", [name])

    def insert_df(self, table: str, df: pd.DataFrame) -> int:
        """Bulk-append a DataFrame whose columns are a subset of the table's columns."""
        if df.empty:
            return 0
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
            raise StoreError(f"bad table name {table!r}")
        cols = list(df.columns)
        for c in cols:
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", c):
                raise StoreError(f"bad column name {c!r}")
        col_sql = ", ".join(cols)
        conn = self._conn()
        if self.dialect == "duckdb":
            name = f"_incoming_{threading.get_ident()}"
            conn.register(name, df)
            try:
                conn.execute(f"INSERT INTO {table} ({col_sql}) SELECT {col_sql} FROM {name}")
            finally:
                conn.unregister(name)
        else:
            import pyarrow as pa

            copy_arrow(conn, table, cols, pa.Table.from_pandas(df, preserve_index=False))
        return len(df)

    # -- schema ------------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The highest migration applied; 0 for a store without the migrations table."""
        if not self.table_exists("schema_migrations"):
            return 0
        return int(self.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") or 0)

    def pending_migrations(self) -> list[Migration]:
        """Migrations of this code not yet applied to the store; refuses a newer store."""
        current = self.schema_version()
        known = list_migrations(self.dialect)
        if known and current > known[-1].version:
            raise StoreError(
                f"the store's schema is version {current}, newer than this code knows "
                f"({known[-1].version}): it was migrated by a newer War Room; run that "
                "version or restore a backup made before the upgrade", state="newer_schema")
        if not current:
            return known
        done = {int(r[0]) for r in self.rows("SELECT version FROM schema_migrations")}
        return [m for m in known if m.version not in done]

    def migrate(self) -> list[int]:
        """Apply the migrations not yet applied, each in its own transaction; return versions."""
        if not self.pending_migrations():
            return []
        self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        done = {int(r[0]) for r in self.rows("SELECT version FROM schema_migrations")}
        applied: list[int] = []
        for mig in list_migrations(self.dialect):
            if mig.version in done:
                continue
            statements = split_sql(mig.path.read_text(encoding="utf-8"))
            with self.transaction():
                for stmt in statements:
                    self.execute(stmt)
                self.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    [mig.version, mig.name],
                )
            applied.append(mig.version)
        return applied

    def table_exists(self, table: str) -> bool:
        # current_schema(): a PostgreSQL database may hold several stores, one per schema.
        return bool(
            self.scalar(
                "SELECT COUNT(*) FROM information_schema.tables "
                "WHERE table_name = ? AND table_schema = current_schema()", [table]
            )
        )

    def tables(self) -> list[str]:
        """Base tables of this store's schema, by name."""
        return [r[0] for r in self.rows(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1")]


_READ_SQL = re.compile(r"^\s*(SELECT|WITH|SHOW|EXPLAIN|SET)\b", re.I)
_DATA_CHANGING = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|COPY|CALL)\b|nextval\s*\(|"
                            r"pg_advisory", re.I)


def _is_read(sql: str) -> bool:
    """A statement that changes nothing and may run twice (a SELECT without side effects)."""
    return bool(_READ_SQL.match(sql)) and not _DATA_CHANGING.search(sql)


def _pg_connection_lost(conn: Any, exc: BaseException) -> bool:
    import psycopg

    return isinstance(exc, psycopg.OperationalError) and (conn.closed or conn.broken)


def _pg_never_ran(exc: BaseException) -> bool:
    """The server ended the session before running the statement (terminated backend,
    shutdown, restart): nothing of it happened, so it may be sent again."""
    return getattr(exc, "sqlstate", None) in {"57P01", "57P02", "57P03"}


def _unmask(values: np.ndarray) -> np.ndarray:
    """DuckDB's masked array for a column with NULLs: NaN for numbers, None for the rest."""
    if not isinstance(values, np.ma.MaskedArray):
        return values
    if not values.mask.any():
        return values.data
    if values.dtype.kind in "iuf":
        return values.astype(float).filled(np.nan)
    out = values.data.astype(object)
    out[values.mask] = None
    return out


# PostgreSQL type oids whose Python values are converted so that a frame has the dtypes
# DuckDB's ``.df()`` gives: NUMERIC (e.g. SUM of BIGINT) as float, DATE/TIMESTAMP as datetime64.
_PG_NUMERIC = 1700
_PG_DATES = {1082, 1114, 1184}
_PG_INTS = {20, 21, 23}


def _pg_frame(rows: list[tuple[Any, ...]], description: Any) -> pd.DataFrame:
    cols = [d.name for d in description]
    df = pd.DataFrame(rows, columns=cols)
    for i, d in enumerate(description):
        col = df.iloc[:, i]
        if d.type_code in _PG_INTS and col.dtype == object:
            df.isetitem(i, pd.to_numeric(col).astype("float64"))  # all NULL, as DuckDB gives
        elif d.type_code == _PG_NUMERIC:
            df.isetitem(i, pd.to_numeric(col, errors="coerce").astype("float64"))
        elif d.type_code in _PG_DATES:
            conv = pd.to_datetime(col, utc=d.type_code == 1184)
            if d.type_code == 1184:
                conv = conv.dt.tz_localize(None)
            df.isetitem(i, conv.astype("datetime64[us]"))
    return df


def copy_arrow(conn: Any, table: str, cols: list[str], data: Any) -> int:
    """Append an Arrow table or record batch to a PostgreSQL table with ``COPY ... CSV``.

    Arrow's C++ CSV writer and PostgreSQL's COPY parser do the work: about ten times faster
    than row-by-row ``write_row``. Strings are always quoted, so ``""`` is an empty string
    and an unquoted empty field is NULL.
    """
    import pyarrow.csv as pacsv

    if data.num_rows == 0:
        return 0
    buf = io.BytesIO()
    pacsv.write_csv(data, buf, pacsv.WriteOptions(include_header=False, batch_size=65_536,
                                                    quoting_style="needed"))
    col_sql = ", ".join(cols)
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({col_sql}) FROM STDIN (FORMAT csv)") as cp:
        view = buf.getbuffer()
        for start in range(0, len(view), 1 << 20):
            cp.write(view[start:start + (1 << 20)])
        del view
    return data.num_rows


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def pg_placeholders(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s``, outside string literals, quoted names and
    comments; every ``%`` doubled (psycopg reads ``%`` everywhere in a statement with
    parameters). PostgreSQL's JSON ``?`` operators cannot be told from a placeholder: write
    ``jsonb_exists()`` instead."""
    return _pg_placeholders(sql)


@functools.lru_cache(maxsize=4096)
def _pg_placeholders(sql: str) -> str:
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        end = _skip_quoted(sql, i)
        if end > i:
            out.append(sql[i:end].replace("%", "%%"))
            i = end
            continue
        out.append("%s" if ch == "?" else "%%" if ch == "%" else ch)
        i += 1
    return "".join(out)


_DOLLAR_TAG = re.compile(r"\$[A-Za-z_]*\$")


def _skip_quoted(sql: str, i: int) -> int:
    """End of the literal, quoted name or comment starting at ``i`` (``i`` itself if none)."""
    ch, nxt = sql[i], sql[i + 1:i + 2]
    if ch in "'\"":
        j = i + 1
        while j < len(sql):
            if sql[j] == ch:
                if sql[j + 1:j + 2] == ch:  # a doubled quote inside the literal
                    j += 2
                    continue
                return j + 1
            j += 1
        return len(sql)
    if ch == "-" and nxt == "-":
        j = sql.find("\n", i)
        return len(sql) if j < 0 else j
    if ch == "/" and nxt == "*":
        j = sql.find("*/", i + 2)
        return len(sql) if j < 0 else j + 2
    if ch == "$":
        tag = _DOLLAR_TAG.match(sql, i)
        if tag:
            j = sql.find(tag.group(0), tag.end())
            return len(sql) if j < 0 else j + len(tag.group(0))
    return i


def open_store(url: str | None = None, *, read_only: bool = False, migrate: bool = True,
               create: bool = True) -> Store:
    """Open the configured store and bring its schema up to date.

    ``create=False`` refuses a DuckDB file that does not exist (state ``missing``) instead of
    creating an empty one. Pending migrations of a store that holds data are preceded by an
    automatic backup (``data.backup``).
    """
    store = Store(url, read_only=read_only, create=create)
    try:
        if migrate and not read_only:
            pending = store.pending_migrations()
            if pending and store.schema_version():
                from data.backup import backup_before

                backup_before(store, "migrate")
            if pending:
                store.migrate()
    except BaseException:
        store.close()
        raise
    return store
