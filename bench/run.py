"""Benchmark runner: ``python -m bench.run [--quick]`` runs every bench/bench_*.py module.

Each module exposes ``run(ctx: BenchContext) -> list[dict]``; a dict has the fields of
:class:`bench.common.Row` (benchmark, case, backend, median_ms, baseline_ms, p95_ms, extra).
The runner prints one table and writes it as JSON under bench/results/.

``--quick`` builds a small demo store (scale 0.004) in a temporary folder and copies it into a
temporary PostgreSQL schema, a smoke check of a few seconds per module. Without it, the store is
the national one: ``--db`` (default ``$WARROOM_BENCH_DB`` or the configured store) and, for the
PostgreSQL columns, ``--pg`` (default ``$WARROOM_BENCH_PG``; a copy of the same data made with
``python -m data copy``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import Row, format_table

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
QUICK_SCALE = 0.004


@dataclass
class BenchContext:
    """What a benchmark module gets: the stores to measure and how hard to try."""

    duckdb_path: Path
    pg_url: str | None
    quick: bool
    repeat: int
    scale: str
    stores: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def store(self, backend: str) -> Any:
        """A read-only store on ``backend`` ("duckdb" or "postgresql"), opened once."""
        from data.store import Store

        if backend not in self.stores:
            url = f"duckdb:///{self.duckdb_path}" if backend == "duckdb" else self.pg_url
            if url is None:
                raise LookupError("no PostgreSQL store for this run")
            self.stores[backend] = Store(url, read_only=True)
        return self.stores[backend]

    def backends(self) -> list[str]:
        return ["duckdb"] + (["postgresql"] if self.pg_url else [])

    def close(self) -> None:
        for store in self.stores.values():
            store.close()
        self.stores.clear()


def discover(only: list[str] | None = None) -> list[str]:
    """Names of the benchmark modules (bench/bench_*.py), sorted."""
    names = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))
    if only:
        names = [n for n in names if any(o in n for o in only)]
    return names


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def to_row(d: dict[str, Any]) -> Row:
    known = {"benchmark", "case", "backend", "median_ms", "baseline_ms", "p95_ms", "extra", "ratio"}
    extra = dict(d.get("extra") or {})
    extra.update({k: v for k, v in d.items() if k not in known})
    return Row(benchmark=str(d["benchmark"]), case=str(d.get("case", "")),
               backend=str(d.get("backend", "")), median_ms=float(d["median_ms"]),
               baseline_ms=None if d.get("baseline_ms") is None else float(d["baseline_ms"]),
               p95_ms=None if d.get("p95_ms") is None else float(d["p95_ms"]), extra=extra)


def run_modules(ctx: BenchContext, names: list[str]) -> tuple[list[Row], dict[str, Any]]:
    rows: list[Row] = []
    modules: dict[str, Any] = {}
    for name in names:
        before = rss_mb()
        t = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            got = [to_row(d) for d in module.run(ctx)]
            status = "ok"
        except Exception as exc:  # one broken module must not hide the others' numbers
            traceback.print_exc()
            got, status = [], f"error: {type(exc).__name__}: {exc}"
        rows.extend(got)
        modules[name] = {"status": status, "seconds": round(time.perf_counter() - t, 1),
                         "rss_before_mb": round(before), "rss_after_mb": round(rss_mb()),
                         "peak_rss_mb": round(peak_rss_mb()), "rows": len(got)}
        print(f"[bench] {name}: {status}, {len(got)} rows, "
              f"{modules[name]['seconds']} s, peak RSS {modules[name]['peak_rss_mb']} MB",
              flush=True)
    return rows, modules


@contextmanager
def quick_stores(pg_base: str | None) -> Iterator[tuple[Path, str | None, list[str]]]:
    """A small demo store in a temporary folder and, when the server answers, its PostgreSQL copy."""
    from data.demo import build

    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="warroom-bench-") as tmp:
        path = Path(tmp) / "bench.duckdb"
        build(path, scale=QUICK_SCALE, seed=7, log=lambda _m: None)
        pg_url, schema, admin = None, None, None
        base = pg_base or "postgresql://postgres@127.0.0.1:5432/postgres"
        try:
            import psycopg

            from data.copy import copy_store
            from data.store import Store

            admin = psycopg.connect(base, autocommit=True, connect_timeout=3)
            schema = f"bench_{os.getpid()}"
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            admin.execute(f"CREATE SCHEMA {schema}")
            sep = "&" if "?" in base else "?"
            pg_url = f"{base}{sep}options=-csearch_path%3D{schema}"
            src = Store(f"duckdb:///{path}", read_only=True)
            try:
                copy_store(src, pg_url, log=lambda _m: None)
            finally:
                src.close()
        except Exception as exc:  # no server: the DuckDB half of the table still means something
            notes.append(f"PostgreSQL skipped: {str(exc).strip().splitlines()[0][:200]}")
            pg_url = None
        try:
            yield path, pg_url, notes
        finally:
            if admin is not None:
                if schema:
                    admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                admin.close()


def machine() -> dict[str, Any]:
    try:
        load = os.getloadavg()
    except OSError:
        load = (0.0, 0.0, 0.0)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BENCH_DIR,
                                capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    mem = 0.0
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    except (ValueError, OSError):
        pass
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "memory_gb": round(mem, 1), "load_average": [round(x, 2) for x in load],
            "commit": commit}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small demo store, smoke check")
    parser.add_argument("--db", default=None, help="DuckDB store to measure (national run)")
    parser.add_argument("--pg", default=None,
                        help="PostgreSQL store holding the same data (national run)")
    parser.add_argument("--only", nargs="*", help="run only modules whose name contains these")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per case")
    parser.add_argument("--out", default=str(RESULTS_DIR), help="folder for the JSON results")
    args = parser.parse_args(argv)

    names = discover(args.only)
    if not names:
        print("no benchmark modules found", file=sys.stderr)
        return 2
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if args.quick:
        cm = quick_stores(args.pg or os.environ.get("WARROOM_BENCH_PG"))
    else:
        cm = _national_stores(args.db, args.pg)
    with cm as (path, pg_url, notes):
        ctx = BenchContext(duckdb_path=Path(path), pg_url=pg_url, quick=args.quick,
                           repeat=args.repeat or (3 if args.quick else 5),
                           scale="quick" if args.quick else "national", notes=list(notes))
        try:
            rows, modules = run_modules(ctx, names)
        finally:
            ctx.close()
    print()
    print(format_table(rows))
    for note in ctx.notes:
        print(f"note: {note}")
    print(f"peak RSS of the benchmark process: {peak_rss_mb():,.0f} MB")
    result = {"started": started, "scale": ctx.scale, "duckdb": str(ctx.duckdb_path),
              "postgresql": bool(ctx.pg_url), "machine": machine(), "notes": ctx.notes,
              "peak_rss_mb": round(peak_rss_mb()), "modules": modules,
              "rows": [r.as_dict() for r in rows]}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = started.replace(":", "").replace("-", "")
    for target in (out / f"{ctx.scale}-{stamp}.json", out / f"latest-{ctx.scale}.json"):
        target.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n",
                          encoding="utf-8")
    print(f"results written to {out / f'{ctx.scale}-{stamp}.json'}")
    failed = [n for n, m in modules.items() if m["status"] != "ok"]
    return 1 if failed else 0


@contextmanager
def _national_stores(db: str | None, pg: str | None) -> Iterator[tuple[Path, str | None, list[str]]]:
    from data import config

    path = db or os.environ.get("WARROOM_BENCH_DB") or config.database_url().removeprefix(
        "duckdb:///")
    if not Path(path).exists():
        raise SystemExit(f"no store at {path}: build it with "
                         "`python -m data demo --scale 1 --path ...` or pass --db")
    pg_url = pg or os.environ.get("WARROOM_BENCH_PG") or None
    notes = [] if pg_url else ["PostgreSQL skipped: no --pg / WARROOM_BENCH_PG given"]
    yield Path(path), pg_url, notes


if __name__ == "__main__":
    sys.exit(main())
