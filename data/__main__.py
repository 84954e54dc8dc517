"""Command line of the One Data store: ``python -m data status|init|demo|summary|migrate|refresh|
backup|backups|restore|copy|import|recipes|measure|users|settings|alerts|meetings``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from data import config

# Exit codes: 0 done, 2 refused or failed (nothing changed), 3 the store is in use by another
# process (try again after stopping it, or use the app's pages).
EXIT_REFUSED, EXIT_IN_USE = 2, 3


def _parser() -> argparse.ArgumentParser:
    from data import users_cli
    from data.importer import cli as import_cli

    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status", help="the store's state (ready, missing, in use, damaged, ...) as "
                                  "JSON; exit code 0 only when ready")
    sub.add_parser("init", help="create an empty store with the area registry and catalogues")
    demo = sub.add_parser("demo", help="build the synthetic demo store")
    demo.add_argument("--scale", type=float, default=0.01,
                      help="share of the national 12.9 million households (default 0.01)")
    demo.add_argument("--seed", type=int, default=2561)
    demo.add_argument("--path", default=None, help="DuckDB file (default: the configured store)")
    demo.add_argument("--if-missing", action="store_true",
                      help="do nothing when the store file exists (whatever its state)")
    demo.add_argument("--replace", action="store_true",
                      help="replace an existing store (it is backed up first)")
    sub.add_parser("summary", help="print row counts and coverage as JSON")
    sub.add_parser("migrate", help="apply pending schema migrations (after a backup)")
    refresh = sub.add_parser("refresh", help="recompute the poverty aggregates and the household "
                                             "roll-up from the household rows")
    refresh.add_argument("--years", type=int, nargs="+", default=None,
                         help="only these survey years (CE); default all")
    refresh.add_argument("--check", action="store_true",
                         help="only report whether the aggregates agree with the households")
    backup = sub.add_parser("backup", help="write a verified backup of the store")
    backup.add_argument("folder", nargs="?", default=None,
                        help="folder (default WARROOM_BACKUP_DIR; kept under the retention "
                             "count there)")
    sub.add_parser("backups", help="list the backups in WARROOM_BACKUP_DIR as JSON")
    restore = sub.add_parser("restore", help="replace the store by a backup")
    restore.add_argument("file", help="a backup written by `python -m data backup`")
    restore.add_argument("--replace", action="store_true",
                         help="replace a store that holds data (it is backed up first)")
    copy = sub.add_parser("copy", help="copy a DuckDB store into PostgreSQL")
    copy.add_argument("--to", required=True, metavar="URL",
                      help="target, postgresql://user@host:port/db (schema: ?options=-csearch_path%%3Dname)")
    copy.add_argument("--from", dest="source", default=None, metavar="PATH",
                      help="DuckDB file (default: the configured store)")
    copy.add_argument("--replace", action="store_true",
                      help="empty the target's tables first when they hold data")
    copy.add_argument("--batch-rows", type=int, default=250_000)
    copy.add_argument("--tables", nargs="+", default=None, help="copy only these tables")
    copy.add_argument("--skip", nargs="+", default=None, help="leave these tables out")
    settings = sub.add_parser("settings", help="every environment setting with its value")
    settings.add_argument("--markdown", action="store_true",
                          help="the README's settings table instead")
    users_cli.add_arguments(sub.add_parser("users", help="manage sign-in accounts"))
    from data import action_cli

    action_cli.add_arguments(sub)
    import_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from data.store import StoreError

    config.restrict_new_files()
    args = _parser().parse_args(argv)
    if args.command in ("import", "recipes", "measure"):
        from data.importer import cli as import_cli

        return import_cli.run(args)
    try:
        return _COMMANDS[args.command](args)
    except StoreError as exc:
        return report_store_error(exc)


def report_store_error(exc: Exception) -> int:
    """Print a refusal; a store held by another process gets what to do about it."""
    state = getattr(exc, "state", "")
    print(f"error: {exc}", file=sys.stderr)
    if state == "locked":
        print("what to do: this command needs the store to itself. Use the app's pages "
              "instead (Administration for accounts, Data for imports), or stop the app and "
              "run it again; to administer beside a running app, run the app on PostgreSQL "
              "(docs/deployment.md).", file=sys.stderr)
        return EXIT_IN_USE
    if state:
        from data.store_state import ADVICE

        if state != "error" and ADVICE.get(state):
            print(f"what to do: {ADVICE[state]}", file=sys.stderr)
    return EXIT_REFUSED


def _status(_args: argparse.Namespace) -> int:
    from data.store_state import probe

    state = probe()
    print(json.dumps(state.as_dict(), indent=2, ensure_ascii=False))
    return 0 if state.ready else EXIT_REFUSED


def _init(_args: argparse.Namespace) -> int:
    from data.reference import init_store
    from data.store import open_store

    store = open_store(create=True)
    try:
        print(json.dumps({"store": _where(store), **init_store(store)}, indent=2))
    finally:
        store.close()
    return 0


def _demo(args: argparse.Namespace) -> int:
    from data.demo import build

    path = Path(args.path or _duckdb_path())
    if args.if_missing and (path.exists() or Path(f"{path}.wal").exists()):
        # Only an absent file is built: a store that fails to open is never rebuilt over.
        print(f"a store file is already present at {path}; nothing built")
        return 0
    build(path, scale=args.scale, seed=args.seed, replace=args.replace)
    return 0


def _summary(_args: argparse.Namespace) -> int:
    from data.backup import open_for_reading
    from data.queries import summary

    store, note = open_for_reading()
    try:
        out = summary(store)
    finally:
        store.close()
    if note:
        out["note"] = note
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    from data.backup import backup_before
    from data.store import open_store

    store = open_store(migrate=False, create=True)
    try:
        saved = backup_before(store, "migrate") if store.pending_migrations() else None
        applied = store.migrate()
        print(json.dumps({"applied": applied, "schema_version": store.schema_version(),
                          "backup": str(saved) if saved else None}))
    finally:
        store.close()
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from data.rollup import aggregates_check, refresh_all_aggregates
    from data.store import open_store

    store = open_store(create=False, read_only=args.check)
    try:
        if args.check:
            check = aggregates_check(store)
            print(json.dumps(check, indent=2))
            return 0 if check["consistent"] else EXIT_REFUSED
        print(json.dumps(refresh_all_aggregates(store, args.years), indent=2))
    finally:
        store.close()
    return 0


def _backup(args: argparse.Namespace) -> int:
    from data.backup import backup_before, backup_duckdb_file, backup_store, read_manifest
    from data.store import Store, StoreError

    folder = Path(args.folder) if args.folder else None
    url = config.database_url()
    try:
        store = Store(url, read_only=True, create=False)
    except StoreError as exc:
        if exc.state != "locked":
            raise
        # Beside the running app: a copy of the file, checked against changes during the copy.
        path = backup_duckdb_file(Path(url.removeprefix("duckdb:///")),
                                  folder or config.backup_dir())
        print(json.dumps({"backup": str(path), "note": f"taken beside {exc.holder}",
                          **_brief(read_manifest(path))}, indent=2))
        return 0
    try:
        path = backup_store(store, folder) if folder else backup_before(store, "manual")
    finally:
        store.close()
    if path is None:
        print("the store holds no War Room schema: nothing to back up", file=sys.stderr)
        return EXIT_REFUSED
    print(json.dumps({"backup": str(path), **_brief(read_manifest(path))}, indent=2))
    return 0


def _brief(manifest: dict) -> dict:
    return {k: manifest[k] for k in ("engine", "schema_version", "rows", "bytes", "sha256")}


def _backups(_args: argparse.Namespace) -> int:
    from data.backup import list_backups

    rows = [{k: b.get(k) for k in ("file", "created_at", "reason", "engine", "schema_version",
                                   "rows", "bytes")} for b in list_backups()]
    print(json.dumps(rows, indent=2))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from data.backup import restore

    result = restore(Path(args.file), replace=args.replace)
    print(json.dumps(result, indent=2))
    return 0


def _copy(args: argparse.Namespace) -> int:
    from data.copy import copy_store
    from data.store import Store

    source = Store(f"duckdb:///{args.source or _duckdb_path()}", read_only=True, create=False)
    try:
        stats = copy_store(source, args.to, replace=args.replace, batch_rows=args.batch_rows,
                           tables=args.tables, skip=args.skip,
                           log=lambda m: print(m, flush=True))
    finally:
        source.close()
    print(json.dumps({k: stats[k] for k in ("rows", "seconds", "rows_per_s")}))
    return 0


def _settings(args: argparse.Namespace) -> int:
    if args.markdown:
        print(config.settings_markdown(), end="")
        return 0
    values = {s.name: str(config.get(s.name)) for s in config.SETTINGS}
    for secret in ("WARROOM_DB", "WARROOM_PRIMARY_DB"):
        from data.store import redact_url

        values[secret] = redact_url(values[secret])
    for setting in config.SETTINGS:
        if setting.secret:
            values[setting.name] = "***" if os.environ.get(setting.name, "").strip() else ""
    print(json.dumps(values, indent=2))
    return 0


def _alerts(args: argparse.Namespace) -> int:
    from data import action_cli

    return action_cli.run_alerts(args)


def _meetings(args: argparse.Namespace) -> int:
    from data import action_cli

    return action_cli.run_meetings(args)


def _users(args: argparse.Namespace) -> int:
    from data import users_cli

    return users_cli.run(args)


_COMMANDS = {"status": _status, "init": _init, "demo": _demo, "summary": _summary,
             "migrate": _migrate, "refresh": _refresh, "backup": _backup, "backups": _backups,
             "restore": _restore, "copy": _copy, "settings": _settings, "users": _users,
             "alerts": _alerts, "meetings": _meetings}


def _where(store) -> str:
    from data.store import redact_url

    return store.path if store.dialect == "duckdb" else redact_url(store.url)


def _duckdb_path() -> str:
    url = config.database_url()
    if not url.startswith("duckdb:///"):
        raise SystemExit("the demo is built into a DuckDB file; set WARROOM_DB or pass --path")
    return url.removeprefix("duckdb:///")


if __name__ == "__main__":
    sys.exit(main())
