"""Where the server's CPU goes for one view: per-step CPU of the real app process, by thread.

``python -m bench.profile_view --db STORE [--profile OUT.pstats] [--sessions N]`` starts one app
process (``serve.py``, read-only on the store, as ``make loadtest`` does), runs one warm-up
session over every page of the load test and then N sessions one after another (open a page,
pick a province, change the year, open a second page: the load test's steps, with its HTTP
fetches). For every step it reads the server's CPU time from ``/proc``: the whole process, its
main thread (the event loop: HTTP, websocket sends, static files) and the rest (script runs,
DuckDB's threads). Nothing else talks to the server, so a step's CPU is the step's.

With ``--profile`` the server runs under ``cProfile`` in every Python thread, timed in thread
CPU time (``time.thread_time``), cleared after the warm-up and written to ``OUT.pstats`` after
the sessions; the per-thread totals go to ``OUT.threads.json``. Profiling slows calls down by
about 2-3x (more where there are many small calls), so the CPU columns of a profiled run are not
the product's; use the unprofiled run for those and the profile for proportions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import stop_process
from bench.loadtest import (
    FIRST_PAGES,
    REPO,
    SECOND_PAGES,
    Client,
    _app_env,
    _free_port,
    _primary,
    _wait_up,
    warm_up,
)
from bench.loadtest_http import BrowserCache, HttpClient, seed_static

TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) of the process and of its main thread."""
    def read(path: str) -> float:
        with open(path) as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    return read(f"/proc/{pid}/stat"), read(f"/proc/{pid}/task/{pid}/stat")


# ------------------------------------------------------------------------ server side

def _serve_profiled(out: str, argv: list[str]) -> None:
    """Run ``streamlit`` with a cProfile in every Python thread (SIGUSR1 clears, SIGUSR2 writes)."""
    import cProfile
    import pstats
    import threading

    profiles: list[tuple[str, cProfile.Profile]] = []
    lock = threading.Lock()

    def new_profile() -> cProfile.Profile:
        prof = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append((threading.current_thread().name, prof))
        return prof

    def start_in_thread(*_args: Any) -> None:
        # Called once at a new thread's first event: hand the thread over to a cProfile.
        sys.setprofile(None)
        new_profile().enable()

    def clear(*_args: Any) -> None:
        with lock:
            for _, prof in profiles:
                prof.clear()

    class _Snapshot:
        def __init__(self, prof: cProfile.Profile) -> None:
            prof.snapshot_stats()  # not create_stats(): that disables this thread's profiler
            self.stats = prof.stats

        def create_stats(self) -> None:
            pass

    def dump(*_args: Any) -> None:
        with lock:
            snaps = [(name, _Snapshot(prof)) for name, prof in profiles]
        snaps = [(name, snap) for name, snap in snaps if snap.stats]
        threads: dict[str, float] = {}
        for name, snap in snaps:
            kind = name.split("-")[0].split("_")[0].rstrip("0123456789 ")
            threads[kind] = threads.get(kind, 0.0) + sum(v[2] for v in snap.stats.values())
        merged = pstats.Stats(snaps[0][1])
        for _, snap in snaps[1:]:
            merged.add(snap)
        merged.dump_stats(out)
        Path(out + ".threads.json").write_text(json.dumps(threads, indent=1), encoding="utf-8")

    signal.signal(signal.SIGUSR1, clear)
    signal.signal(signal.SIGUSR2, dump)
    threading.setprofile(start_in_thread)
    new_profile().enable()
    from streamlit.web import cli

    sys.argv = ["streamlit", *argv]
    cli.main()


def _serve_sampled(out: str, argv: list[str], interval: float = 0.001) -> None:
    """Run ``streamlit`` with a CPU-weighted stack sampler (SIGUSR1 clears, SIGUSR2 writes).

    Every ``interval`` seconds the sampler reads each Python thread's CPU time (nanoseconds,
    ``/proc/self/task/TID/schedstat``) and charges what the thread used since the previous
    sample to the stack it is in now; a C call that released the GIL (a DuckDB query) is charged
    its own CPU, a thread waiting for the GIL nothing. Threads without Python frames (DuckDB's
    workers) are summed as ``native``; the sampler itself as ``sampler``. Lines of ``OUT``:
    thread kind, the stack from the outside in (``file:function`` joined by ``;``), CPU ms.
    """
    import threading
    from collections import Counter

    counts: Counter[tuple[str, str]] = Counter()  # (thread kind, stack) -> CPU seconds
    fds: dict[int, int] = {}  # native thread id -> open schedstat file
    last: dict[int, int] = {}  # native thread id -> CPU ns at the previous sample

    def label(frame: Any) -> str:
        code = frame.f_code
        path = code.co_filename
        for cut in ("site-packages/", "wip-serve/", "python3.11/"):
            if cut in path:
                path = path.split(cut, 1)[1]
                break
        return f"{path}:{code.co_name}"

    def cpu_ns(tid: int) -> int:
        if tid not in fds:
            try:
                fds[tid] = os.open(f"/proc/self/task/{tid}/schedstat", os.O_RDONLY)
            except OSError:
                return 0
        try:
            return int(os.pread(fds[tid], 64, 0).split()[0])
        except (OSError, ValueError, IndexError):
            return 0

    def charge(tid: int, key: tuple[str, str]) -> None:
        now = cpu_ns(tid)
        used = now - last.get(tid, now)
        last[tid] = now
        if used > 0:
            counts[key] += used / 1e9

    def sample() -> None:
        me = threading.get_native_id()
        threads: dict[int, tuple[int, str]] = {}
        while True:
            time.sleep(interval)
            frames = sys._current_frames()
            if len(threads) != len(frames) or any(i not in threads for i in frames):
                threads = {t.ident: (t.native_id, t.name) for t in threading.enumerate()
                           if t.ident is not None and t.native_id is not None}
            python = set()
            for ident, frame in frames.items():
                tid, name = threads.get(ident, (0, "?"))
                if not tid or tid == me:
                    continue
                python.add(tid)
                stack = []
                f = frame
                while f is not None:
                    stack.append(label(f))
                    f = f.f_back
                kind = name.split("-")[0].split("_")[0].rstrip("0123456789 ")
                charge(tid, (kind, ";".join(reversed(stack))))
            charge(me, ("sampler", "sampler"))
            for entry in os.listdir("/proc/self/task"):
                tid = int(entry)
                if tid not in python and tid != me:
                    charge(tid, ("native", "native"))

    def clear(*_args: Any) -> None:
        counts.clear()

    def dump(*_args: Any) -> None:
        # A copy first (one C call, under the GIL): the sampler thread adds stacks meanwhile.
        taken = sorted(dict(counts).items(), key=lambda item: item[1], reverse=True)
        lines = [f"{kind}\t{stack}\t{1000 * n:.2f}" for (kind, stack), n in taken]
        Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")

    signal.signal(signal.SIGUSR1, clear)
    signal.signal(signal.SIGUSR2, dump)
    # The sampler waits for the GIL: with the default 5 ms switch interval it would mostly get
    # it where a thread releases it (a socket write), and charge that place with the Python
    # work before it. A short interval makes it land anywhere.
    sys.setswitchinterval(0.0002)
    threading.Thread(target=sample, name="sampler", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", *argv]
    cli.main()


# ------------------------------------------------------------------------ client side

async def _sessions(base: str, pid: int, n: int, seed: int, same_province: bool,
                    seed_cache: BrowserCache, timeout: float) -> list[dict[str, Any]]:
    """N sessions one after another; CPU and wall seconds of the server per step."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    ws = base.replace("http://", "ws://") + "/_stcore/stream"
    fixed: str | None = None
    for i in range(n):
        first = FIRST_PAGES[i % len(FIRST_PAGES)]
        second = [p for p in SECOND_PAGES if p != first][i % (len(SECOND_PAGES) - 1)]
        http = HttpClient(base, seed_cache.copy(), timeout)

        async def step(name: str, shown: str, c: Client, **kw: Any) -> None:
            cpu0, main0 = thread_cpu(pid)
            t = time.perf_counter()
            await c.rerun(**kw)
            wall = time.perf_counter() - t
            cpu1, main1 = thread_cpu(pid)
            rows.append({"step": name, "page": shown or "overview", "wall_s": round(wall, 3),
                         "cpu_ms": round(1000 * (cpu1 - cpu0)),
                         "main_ms": round(1000 * (main1 - main0)), "runs": c.runs,
                         "errors": list(c.errors)})
            c.errors.clear()

        await http.open_tab(first, "lang=en")
        async with Client(ws, timeout, http) as c:
            await step("open", first, c, page=first)
            prov = c.widgets.get("pick_province")
            if prov is not None:
                options = list(prov.options)[1:]
                fixed = fixed or options[0]
                pick = fixed if same_province else rng.choice(options)
                await step("province", first, c, widget=("pick_province", pick))
            year = c.widgets.get("year")
            if year is not None and len(year.options) > 1:
                await step("year", first, c, widget=("year", list(year.options)[1]))
            await step("second_page", second, c, page=second)
    return rows


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by.setdefault(r["step"], []).append(r)
        by.setdefault(f"page:{r['page']}", []).append(r)
    out = {}
    for key, rs in [("all", rows), *sorted(by.items())]:
        cpu = [r["cpu_ms"] for r in rs]
        main = [r["main_ms"] for r in rs]
        out[key] = {"n": len(rs), "cpu_ms_mean": round(statistics.mean(cpu)),
                    "cpu_ms_median": round(statistics.median(cpu)),
                    "main_thread_ms_mean": round(statistics.mean(main)),
                    "wall_s_median": round(statistics.median(r["wall_s"] for r in rs), 3)}
    return out


def _cold(base: str, pid: int, args: argparse.Namespace, t0: float, up_cpu: float) -> None:
    """The first view of a fresh process (what the first visitor waits for), sampled if asked."""
    if args.sample:
        os.kill(pid, signal.SIGUSR1)
    http = HttpClient(base, BrowserCache(), args.timeout)

    async def first() -> tuple[float, int]:
        await http.open_tab(args.cold, "lang=en")
        async with Client(base.replace("http://", "ws://") + "/_stcore/stream", args.timeout,
                          http) as c:
            wall = await c.rerun(page=args.cold)
            return wall, c.runs

    t = time.perf_counter()
    wall, runs = asyncio.run(first())
    total = time.perf_counter() - t
    cpu = thread_cpu(pid)[0]
    if args.sample:
        os.kill(pid, signal.SIGUSR2)
        time.sleep(2)
    report = {"page": args.cold or "overview", "up_cpu_s": round(up_cpu, 2),
              "first_view_wall_s": round(total, 2), "first_run_wall_s": round(wall, 2),
              "first_view_cpu_s": round(cpu - up_cpu, 2), "runs": runs,
              "since_start_s": round(time.time() - t0, 2), "load_average": os.getloadavg()}
    print(json.dumps(report), flush=True)


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "--serve-profiled":
        _serve_profiled(sys.argv[2], sys.argv[3:])
        return 0
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "--serve-sampled":
        _serve_sampled(sys.argv[2], sys.argv[3:])
        return 0
    ap = argparse.ArgumentParser(prog="python -m bench.profile_view", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="store URL or DuckDB file (opened read-only)")
    ap.add_argument("--sessions", type=int, default=6)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--same-province", action="store_true",
                    help="every session picks the same province (warm query caches)")
    ap.add_argument("--profile", metavar="OUT", help="write a cProfile of the server to OUT")
    ap.add_argument("--sample", metavar="OUT",
                    help="write the server's sampled stacks (collapsed, 1 ms) to OUT")
    ap.add_argument("--cold", metavar="PAGE", default=None,
                    help="only the first view of PAGE ('' = Overview) on the fresh process")
    ap.add_argument("--timeout", type=float, default=180)
    ap.add_argument("--out", default=str(REPO / "var" / "profile"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = out / "server.log"
    port = _free_port()
    env = _app_env(args.db, _primary(log, 1, None))
    st_args = ["run", "serve.py", "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
    cmd = [sys.executable, "-m", "streamlit", *st_args]
    if args.profile or args.sample:
        mode = "--serve-profiled" if args.profile else "--serve-sampled"
        cmd = [sys.executable, "-m", "bench.profile_view", mode,
               str(Path(args.profile or args.sample).resolve()), *st_args]
    t0 = time.time()
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_up(f"{base}/_stcore/health", proc, log)
        up = thread_cpu(proc.pid)[0]
        print(f"server answering after {time.time() - t0:.2f} s, {up:.2f} s CPU", flush=True)
        if args.cold is not None:
            _cold(base, proc.pid, args, t0, up)
            return 0
        warm = asyncio.run(warm_up(base.replace("http://", "ws://") + "/_stcore/stream",
                                   args.timeout, base))
        seed = BrowserCache(cookies={})
        seed_static(seed, warm.pop("cache").entries)
        print(f"warm-up: {json.dumps(warm)}", flush=True)
        if args.profile or args.sample:
            os.kill(proc.pid, signal.SIGUSR1)
            time.sleep(0.5)
        rows = asyncio.run(_sessions(base, proc.pid, args.sessions, args.seed,
                                     args.same_province, seed, args.timeout))
        if args.profile or args.sample:
            os.kill(proc.pid, signal.SIGUSR2)
            time.sleep(3)
        for r in rows:
            print(json.dumps(r))
        report = {"db": args.db, "sessions": args.sessions, "profiled": bool(args.profile or args.sample),
                  "same_province": args.same_province, "load_average": os.getloadavg(),
                  "summary": _summary(rows), "rows": rows}
        print(json.dumps(report["summary"], indent=1))
        (out / "latest.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    finally:
        stop_process(proc, 30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
