"""Timing and reporting helpers shared by every benchmark module (bench/bench_*.py)."""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    runs: int
    # CPU time of the whole process (all its threads) per run: on a shared, loaded machine the
    # wall time includes waiting for a core; the CPU time does not.
    cpu_median_ms: float | None = None


def measure(fn: Callable[[], Any], *, repeat: int = 7, warmup: int = 3,
            min_time: float = 0.3, max_runs: int = 300) -> Timing:
    """Median and p95 wall time of ``fn`` over at least ``repeat`` warm runs (after ``warmup``
    runs), more for quick calls: runs go on until they add up to ``min_time`` seconds (at most
    ``max_runs``), as ``timeit``'s autorange does. A median of five 2 ms runs moved by 10 %
    between two runs of the suite; three hundred of them do not. Both sides of a comparison
    are measured the same way.

    As ``timeit`` does, the garbage collector is off while timing (one collection before the
    runs): a collection inside a run would bill it for other runs' garbage, and one before each
    run would time every run on cold processor caches (about 1 ms more on a 3 ms query).
    """
    for _ in range(warmup):
        fn()
    times, cpu = [], []
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        started = time.perf_counter()
        while len(times) < repeat or (time.perf_counter() - started < min_time
                                      and len(times) < max_runs):
            c = time.process_time()
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    finally:
        if was_enabled:
            gc.enable()
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return Timing(statistics.median(times), p95, len(times), statistics.median(cpu))


@dataclass
class Row:
    """One line of the benchmark table; ``baseline_ms`` is the plain-pandas time of the same work."""

    benchmark: str
    case: str
    backend: str
    median_ms: float
    baseline_ms: float | None = None
    p95_ms: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if not self.baseline_ms or not self.median_ms:
            return None
        return self.baseline_ms / self.median_ms

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ratio"] = self.ratio
        return d


def format_table(rows: list[Row]) -> str:
    head = ("benchmark", "case", "backend", "median ms", "p95 ms", "pandas ms", "x faster", "notes")
    lines = []
    for r in rows:
        lines.append((
            r.benchmark, r.case, r.backend, f"{r.median_ms:,.1f}",
            "" if r.p95_ms is None else f"{r.p95_ms:,.1f}",
            "" if r.baseline_ms is None else f"{r.baseline_ms:,.1f}",
            "" if r.ratio is None else f"{r.ratio:,.1f}",
            ", ".join(f"{k}={v}" for k, v in r.extra.items()),
        ))
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=False)]
    out = [" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    out.append("-+-".join("-" * w for w in widths))
    out.extend(" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True))
               for line in lines)
    return "\n".join(out)


@contextmanager
def app_on(ctx: Any, backend: str) -> Iterator[None]:
    """Environment for AppTest runs of the real app on one backend's store, caches cleared.

    The benchmark's own stores are released first, so that the app may open the same file.
    """
    import streamlit as st
    from streamlit import logger

    logger.set_log_level("error")  # AppTest's bare-mode warnings on every run
    keys = ("WARROOM_DB", "WARROOM_DEMO", "WARROOM_READ_ONLY")
    saved = {k: os.environ.get(k) for k in keys}
    ctx.close()
    os.environ["WARROOM_DB"] = str(ctx.duckdb_path) if backend == "duckdb" else ctx.pg_url
    os.environ["WARROOM_DEMO"] = "1"
    os.environ["WARROOM_READ_ONLY"] = "1"
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        st.cache_data.clear()
        st.cache_resource.clear()


def stop_process(proc: subprocess.Popen, timeout: float = 30) -> None:
    """Stop a server started for a measurement or a test: asked first (SIGTERM, so Streamlit
    closes its store), killed if it has not gone within ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
