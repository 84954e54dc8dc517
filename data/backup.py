"""Backups of the One Data store and their restore: verified copies with a manifest, taken
automatically before every destructive command and kept under a retention count."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from data import config
from data.store import Store, StoreError, duckdb_open_error, list_migrations, redact_url

FORMAT = 1
_SUFFIX = {"duckdb": ".duckdb", "postgresql": ".pgdump"}
# The copy of a file another process may be writing is taken again when it changed meanwhile.
_COPY_TRIES = 5


class BackupError(StoreError):
    """A backup could not be written or a restore was refused; nothing was changed."""


# -- naming and listing ----------------------------------------------------------------------
def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _store_label(store_url: str) -> str:
    if store_url.startswith("duckdb:///"):
        return Path(store_url.removeprefix("duckdb:///")).stem
    database = re.sub(r"[?#].*$", "", store_url.rsplit("/", 1)[-1]) or "postgres"
    schema = _pg_schema_of_url(store_url)
    return f"{database}-{schema}" if schema else database


def _pg_schema_of_url(url: str) -> str:
    match = re.search(r"search_path(?:%3D|=)([A-Za-z0-9_]+)", unquote(url))
    return match.group(1) if match else ""


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def read_manifest(backup: Path) -> dict[str, Any]:
    path = manifest_path(backup)
    if not path.exists():
        raise BackupError(f"{backup} has no manifest ({path.name}): it was not written by "
                          "`python -m data backup`, or the manifest was removed")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"the manifest {path} cannot be read: {exc}") from exc


def list_backups(folder: Path | None = None) -> list[dict[str, Any]]:
    """Backups in ``folder`` (default: the backup folder), newest first, with their manifests."""
    folder = folder or config.backup_dir()
    out = []
    for meta in sorted(folder.glob("*.json"), reverse=True) if folder.is_dir() else []:
        backup = meta.with_name(meta.name.removesuffix(".json"))
        try:
            manifest = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if backup.exists():
            out.append({"file": str(backup), **manifest})
    out.sort(key=lambda m: m.get("created_at", ""), reverse=True)
    return out


def prune(folder: Path, label: str, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups of one store in ``folder``."""
    mine = [b for b in list_backups(folder) if b.get("label") == label]
    removed = []
    for old in mine[keep:]:
        path = Path(old["file"])
        for p in (path, manifest_path(path)):
            p.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- taking a backup -------------------------------------------------------------------------
def backup_before(store: Store, reason: str) -> Path | None:
    """The automatic backup before a destructive step (``reason``: migrate, restore, ...).

    Kept in the backup folder under the retention count. A store without the migrations table
    holds nothing worth keeping and gets none. A failed backup raises: the step must not run.
    """
    if not store.schema_version():
        return None
    folder = config.backup_dir()
    path = backup_store(store, folder, reason=reason)
    prune(folder, read_manifest(path)["label"], int(config.get("WARROOM_BACKUP_KEEP")))
    return path


def backup_store(store: Store, folder: Path, *, reason: str = "manual") -> Path:
    """Write a verified backup of an open store into ``folder``; returns the backup file."""
    config.ensure_private_dir(folder)
    label = _store_label(store.url)
    target = folder / f"{label}-{_stamp()}-{reason}{_SUFFIX[store.dialect]}"
    if store.dialect == "duckdb":
        if not store.read_only:
            store.execute("CHECKPOINT")
        _copy_stable(Path(store.path), target)
        tables = _consolidate_duckdb(target)
    else:
        tables = _pg_dump(store, target)
    return _write_manifest(target, store, label, reason, tables)


def backup_duckdb_file(path: Path, folder: Path, *, reason: str = "manual") -> Path:
    """Back up a DuckDB file that another process (the running app) may hold open.

    The file and its write-ahead log are copied until two looks at them agree, so that no
    checkpoint or write happened during the copy; the copy is then opened and checked.
    """
    config.ensure_private_dir(folder)
    label = path.stem
    target = folder / f"{label}-{_stamp()}-{reason}.duckdb"
    _copy_stable(path, target)
    tables = _consolidate_duckdb(target)
    store = Store(f"duckdb:///{target}", read_only=True)
    try:
        return _write_manifest(target, store, label, reason, tables, source=str(path))
    finally:
        store.close()


def _copy_stable(source: Path, target: Path) -> None:
    wal = Path(f"{source}.wal")
    for _ in range(_COPY_TRIES):
        before = _fingerprint(source, wal)
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(source, tmp)
        if wal.exists():
            shutil.copyfile(wal, Path(f"{tmp}.wal"))
        if _fingerprint(source, wal) == before:
            os.replace(tmp, target)
            if Path(f"{tmp}.wal").exists():
                os.replace(Path(f"{tmp}.wal"), Path(f"{target}.wal"))
            return
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        time.sleep(0.2)
    raise BackupError(f"{source} kept changing while it was copied ({_COPY_TRIES} tries); "
                      "try again when fewer imports are running")


def _fingerprint(*paths: Path) -> tuple[Any, ...]:
    out: list[Any] = []
    for p in paths:
        try:
            s = p.stat()
            out.append((s.st_size, s.st_mtime_ns, s.st_ino))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def _consolidate_duckdb(path: Path) -> dict[str, int]:
    """Fold the copied write-ahead log into the copy and count every table's rows."""
    import duckdb

    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)
        raise BackupError(f"the copy of the store cannot be opened: {exc}") from exc
    try:
        con.execute("CHECKPOINT")
        return _duckdb_counts(con)
    finally:
        con.close()
        Path(f"{path}.wal").unlink(missing_ok=True)


def _duckdb_counts(con: Any) -> dict[str, int]:
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
    return {n: int(con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in names}


def _pg_dump(store: Store, target: Path) -> dict[str, int]:
    """``pg_dump`` of the store's schema, at the same snapshot as the row counts it records."""
    schema = store.scalar("SELECT current_schema()")
    conn = store.connection()
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = {t: int(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0])
                  for t in store.tables()}
        tmp = target.with_name(target.name + ".part")
        _run_pg_tool(["pg_dump", "--format=custom", f"--schema={schema}", "--no-owner",
                      f"--snapshot={snapshot}", f"--file={tmp}", f"--dbname={store.url}"])
    os.replace(tmp, target)
    return counts


def _run_pg_tool(cmd: list[str]) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(f"{cmd[0]} is not installed (Debian package postgresql-client); "
                          "it is needed to back up and restore a PostgreSQL store")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        message = redact_url(done.stderr.strip() or f"exit code {done.returncode}")
        raise BackupError(f"{cmd[0]} failed: {message}")


def _write_manifest(target: Path, store: Store, label: str, reason: str,
                    tables: dict[str, int], source: str | None = None) -> Path:
    manifest = {
        "format": FORMAT, "engine": store.dialect, "label": label, "reason": reason,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": source or redact_url(store.url),
        "schema": store.scalar("SELECT current_schema()") if store.dialect == "postgresql"
        else "main",
        "schema_version": store.schema_version(), "tables": tables,
        "rows": sum(tables.values()), "bytes": target.stat().st_size,
        "sha256": _sha256(target),
    }
    meta = manifest_path(target)
    tmp = meta.with_name(meta.name + ".part")
    tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(tmp, meta)
    return target


# -- restoring ------------------------------------------------------------------------------
def verify_backup(backup: Path) -> dict[str, Any]:
    """The manifest of a backup whose file is complete and unchanged; raises otherwise."""
    if not backup.is_file():
        raise BackupError(f"no backup file {backup}")
    manifest = read_manifest(backup)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{backup} is in backup format {manifest.get('format')}, this code "
                          f"reads format {FORMAT}")
    if _sha256(backup) != manifest.get("sha256"):
        raise BackupError(f"{backup} does not match its manifest (sha256): it is incomplete or "
                          "was changed after it was written")
    engine = manifest.get("engine")
    known = list_migrations(engine)  # type: ignore[arg-type]
    if known and int(manifest.get("schema_version", 0)) > known[-1].version:
        raise BackupError(f"{backup} holds schema version {manifest['schema_version']}, newer "
                          f"than this code knows ({known[-1].version})", state="newer_schema")
    return manifest


def restore(backup: Path, url: str | None = None, *, replace: bool = False,
            log: Callable[[str], None] = print) -> dict[str, Any]:
    """Replace the store at ``url`` (default: the configured one) by a verified backup.

    Refuses when the store holds data and ``replace`` is not given, when it is in use, or when
    the backup is of the other engine; takes a backup of the current store first, and puts the
    current store back if the restored one does not hold what the manifest lists.
    """
    url = url or config.database_url()
    manifest = verify_backup(backup)
    engine = "duckdb" if url.startswith("duckdb:///") else "postgresql"
    if manifest["engine"] != engine:
        raise BackupError(f"{backup} is a {manifest['engine']} backup and the store is "
                          f"{engine}: restore it into a {manifest['engine']} store (to move "
                          "data from DuckDB to PostgreSQL use `python -m data copy`)")
    if engine == "duckdb":
        result = _restore_duckdb(backup, Path(url.removeprefix("duckdb:///")), manifest,
                                 replace, log)
    else:
        result = _restore_pg(backup, url, manifest, replace, log)
    log(f"restored {backup.name}: {manifest['rows']:,} rows in {len(manifest['tables'])} tables")
    return result


def _holds_data(store: Store) -> bool:
    return bool(store.schema_version()) and any(
        store.scalar(f'SELECT COUNT(*) FROM "{t}"') for t in store.tables()
        if t != "schema_migrations")


def _refuse_replace(where: str) -> BackupError:
    return BackupError(f"{where} holds data; add --replace to replace it (a backup of it is "
                       "taken first)")


@contextmanager
def _held_duckdb(path: Path) -> Iterator[Store | None]:
    """The DuckDB store at ``path`` opened for writing (so no other process can open it while
    it is replaced); None when there is no file."""
    if not path.exists():
        yield None
        return
    store = Store(f"duckdb:///{path}", create=False)
    try:
        yield store
    finally:
        store.close()


def _restore_duckdb(backup: Path, path: Path, manifest: dict[str, Any], replace: bool,
                    log: Callable[[str], None]) -> dict[str, Any]:
    config.ensure_private_dir(path.parent)
    staged = path.with_name(path.name + ".restoring")
    shutil.copyfile(backup, staged)
    try:
        with _held_duckdb(path) as current:
            saved = None
            if current is not None:
                if _holds_data(current) and not replace:
                    raise _refuse_replace(f"the store {path}")
                saved = backup_before(current, "restore")
            if saved:
                log(f"backup of the replaced store: {saved}")
        # Closed a moment ago: its log was folded in and removed; a stale one is not ours.
        Path(f"{path}.wal").unlink(missing_ok=True)
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)
    _check_restored(Store(f"duckdb:///{path}", read_only=True), manifest)
    return {"store": str(path), "backup_of_replaced": str(saved) if saved else None}


def _check_restored(store: Store, manifest: dict[str, Any]) -> None:
    try:
        got = {t: int(store.scalar(f'SELECT COUNT(*) FROM "{t}"')) for t in store.tables()}
    finally:
        store.close()
    if got != manifest["tables"]:
        raise BackupError("the restored store does not hold what the backup's manifest lists "
                          f"(expected {manifest['tables']}, found {got})")


def _restore_pg(backup: Path, url: str, manifest: dict[str, Any], replace: bool,
                log: Callable[[str], None]) -> dict[str, Any]:
    store = Store(url)
    try:
        schema = store.scalar("SELECT current_schema()") or _pg_schema_of_url(url) or "public"
        if manifest["schema"] != schema:
            raise BackupError(f"{backup} is a backup of schema {manifest['schema']}; the store "
                              f"uses schema {schema} (restore it where it came from)")
        saved = None
        if store.scalar("SELECT COUNT(*) FROM information_schema.schemata "
                        "WHERE schema_name = ?", [schema]):
            if _holds_data(store) and not replace:
                raise _refuse_replace(f"the schema {schema}")
            saved = backup_before(store, "restore")
            if saved:
                log(f"backup of the replaced store: {saved}")
        aside = f"{schema}_pre_restore"
        store.execute(f'DROP SCHEMA IF EXISTS "{aside}" CASCADE')
        exists = store.scalar("SELECT COUNT(*) FROM information_schema.schemata "
                              "WHERE schema_name = ?", [schema])
        if exists:
            store.execute(f'ALTER SCHEMA "{schema}" RENAME TO "{aside}"')
        try:
            _run_pg_tool(["pg_restore", "--single-transaction", "--no-owner",
                          f"--dbname={url}", str(backup)])
        except BackupError:
            store.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            if exists:
                store.execute(f'ALTER SCHEMA "{aside}" RENAME TO "{schema}"')
            raise
        if exists:
            store.execute(f'DROP SCHEMA "{aside}" CASCADE')
    finally:
        store.close()
    _check_restored(Store(url, read_only=True), manifest)
    return {"store": redact_url(url), "backup_of_replaced": str(saved) if saved else None}


def open_for_reading(url: str | None = None) -> tuple[Store, str | None]:
    """The store opened read-only for a command that only reads (``summary``, ``users list``).

    When the running app holds a DuckDB file, a snapshot copy is read instead (if not larger
    than ``WARROOM_SNAPSHOT_MAX_MB``); the second value then says so.
    """
    url = url or config.database_url()
    try:
        return Store(url, read_only=True, create=False), None
    except StoreError as exc:
        if exc.state != "locked":
            raise
        path = Path(url.removeprefix("duckdb:///"))
        size_mb = (path.stat().st_size + _size(Path(f"{path}.wal"))) / 2**20
        limit = float(config.get("WARROOM_SNAPSHOT_MAX_MB"))
        if size_mb > limit:
            raise StoreError(f"{exc}; a snapshot of it would copy {size_mb:,.0f} MB, more than "
                             f"WARROOM_SNAPSHOT_MAX_MB ({limit:,.0f})", state="locked",
                             holder=exc.holder) from exc
        folder = config.ensure_private_dir(config.data_dir() / "snapshots")
        target = folder / f"{path.stem}-snapshot-{os.getpid()}.duckdb"
        _copy_stable(path, target)
        try:
            store = Store(f"duckdb:///{target}", read_only=True)
        except StoreError as err:
            target.unlink(missing_ok=True)
            raise duckdb_open_error(str(path), err) from err
        # The copy stays readable through the open handle; its name is gone at once.
        target.unlink(missing_ok=True)
        Path(f"{target}.wal").unlink(missing_ok=True)
        when = dt.datetime.now().strftime("%H:%M:%S")
        return store, f"read from a snapshot taken at {when}: the store is in use ({exc.holder})"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def install_duckdb_file(new: Path, target: Path, *, reason: str,
                        log: Callable[[str], None] = print) -> Path | None:
    """Put a freshly built DuckDB file in place of ``target``, backing the old one up first.

    The old store is held open while it is backed up, so that no other process can open it
    in the meantime; its write-ahead log goes with it, never beside the new file. A damaged old
    file is moved into the backup folder as it is. Returns the backup of the old store.
    """
    saved: Path | None = None
    try:
        with _held_duckdb(target) as current:
            if current is not None:
                saved = backup_before(current, reason)
    except StoreError as exc:
        if exc.state != "damaged":
            raise
        saved = _move_damaged(target, reason)
    if saved:
        log(f"backup of the replaced store: {saved}")
    Path(f"{target}.wal").unlink(missing_ok=True)
    os.replace(new, target)
    return saved


def _move_damaged(path: Path, reason: str) -> Path:
    folder = config.ensure_private_dir(config.backup_dir())
    target = folder / f"{path.stem}-{_stamp()}-{reason}-damaged.duckdb"
    shutil.move(str(path), target)
    if Path(f"{path}.wal").exists():
        shutil.move(f"{path}.wal", f"{target}.wal")
    return target
