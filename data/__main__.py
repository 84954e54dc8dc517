"""Command line of the One Data store: ``python -m data demo|summary|migrate|copy|import``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from data import config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="build the synthetic demo store")
    demo.add_argument("--scale", type=float, default=0.01,
                      help="share of the national 12.9 million households (default 0.01)")
    demo.add_argument("--seed", type=int, default=2561)
    demo.add_argument("--path", default=None, help="DuckDB file (default: the configured store)")
    demo.add_argument("--if-missing", action="store_true",
                      help="do nothing when the store already exists")
    sub.add_parser("summary", help="print row counts and coverage as JSON")
    sub.add_parser("migrate", help="apply pending schema migrations")
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
    from data import users_cli

    users_cli.add_arguments(sub.add_parser("users", help="manage sign-in accounts"))
    from data.importer import cli as import_cli

    import_cli.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command in ("import", "recipes"):
        return import_cli.run(args)

    from data.store import StoreError

    try:
        if args.command == "demo":
            from data.demo import build

            path = args.path or _duckdb_path()
            if args.if_missing and _has_areas(Path(path)):
                print(f"demo store already present at {path}")
                return 0
            build(path, scale=args.scale, seed=args.seed)
        elif args.command == "summary":
            from data.queries import summary
            from data.store import open_store

            url = config.database_url()
            if url.startswith("duckdb:///") and not _has_areas(_duckdb_file(url)):
                # Opening would create an empty store that `make run` then mistakes for a built one.
                raise StoreError(f"no store with data at {_duckdb_file(url)}; build one with "
                                 "`python -m data demo` or import files")
            print(json.dumps(summary(open_store()), indent=2, ensure_ascii=False))
        elif args.command == "migrate":
            from data.store import open_store

            store = open_store(migrate=False)
            applied = store.migrate()
            print(json.dumps({"applied": applied, "schema_version": store.schema_version()}))
        elif args.command == "copy":
            from data.copy import copy_store
            from data.store import Store

            source = Store(f"duckdb:///{args.source or _duckdb_path()}", read_only=True)
            try:
                stats = copy_store(source, args.to, replace=args.replace,
                                   batch_rows=args.batch_rows, tables=args.tables,
                                   skip=args.skip, log=lambda m: print(m, flush=True))
            finally:
                source.close()
            print(json.dumps({k: stats[k] for k in ("rows", "seconds", "rows_per_s")}))
        elif args.command == "users":
            return users_cli.run(args)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _duckdb_file(url: str) -> Path:
    return Path(url.removeprefix("duckdb:///"))


def _has_areas(path: Path) -> bool:
    """True when ``path`` is a DuckDB store whose area registry is filled."""
    if not path.exists():
        return False
    import duckdb

    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return bool(con.execute("SELECT COUNT(*) FROM areas").fetchone()[0])
    except duckdb.Error:
        return False


def _duckdb_path() -> str:
    url = config.database_url()
    if not url.startswith("duckdb:///"):
        raise SystemExit("the demo is built into a DuckDB file; set WARROOM_DB or pass --path")
    return url.removeprefix("duckdb:///")


if __name__ == "__main__":
    sys.exit(main())
