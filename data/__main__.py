"""Command line of the One Data store: ``python -m data demo|summary|migrate|import``."""

from __future__ import annotations

import argparse
import json
import sys

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
    from data.importer import cli as import_cli

    import_cli.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "import":
        return import_cli.run(args)

    from data.store import StoreError

    try:
        if args.command == "demo":
            from pathlib import Path

            from data.demo import build

            path = args.path or _duckdb_path()
            if args.if_missing and Path(path).exists():
                print(f"demo store already present at {path}")
                return 0
            build(path, scale=args.scale, seed=args.seed)
        elif args.command == "summary":
            from data.queries import summary
            from data.store import open_store

            print(json.dumps(summary(open_store()), indent=2, ensure_ascii=False))
        elif args.command == "migrate":
            from data.store import open_store

            store = open_store(migrate=False)
            applied = store.migrate()
            print(json.dumps({"applied": applied, "schema_version": store.schema_version()}))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _duckdb_path() -> str:
    url = config.database_url()
    if not url.startswith("duckdb:///"):
        raise SystemExit("the demo is built into a DuckDB file; set WARROOM_DB or pass --path")
    return url.removeprefix("duckdb:///")


if __name__ == "__main__":
    sys.exit(main())
