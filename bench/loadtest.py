"""Load test: N concurrent sessions against one app process (``make loadtest``), loopback only.

Each session is a websocket client that speaks Streamlit's own protocol (protobuf BackMsg /
ForwardMsg on ``/_stcore/stream``) the way the browser does: it keeps the current page's
script hash (from the ``navigation`` message), sends back the query string the app last wrote
(``page_info_changed``) and the hashes of the messages it already holds, so the server answers
unchanged elements with a reference. A session opens a page, picks a province in the sidebar,
changes the year (both on the page it opened), then opens a second page. A step's time runs
from sending the rerun request to the server's ``script_finished`` message, i.e. until the
server has sent the whole rendered page.

Two load models, both reported:

* ``users`` (N people working at once): sessions open within ``--ramp`` seconds and a user
  looks at each page for ``--think`` seconds (uniform) before the next step, as people in a
  meeting or at their desks do; all N sessions are open at once (``peak_open`` in the report).
* ``burst`` (stress): every session starts at once and clicks again the moment a page is
  drawn, so N requests queue at the server together; it shows the server's throughput.

Browsers are not used: 50 headless Chromium instances on a 2-core machine would measure the
browsers' own CPU contention (and need about 5 GB), not the server; the browser-side paint is
covered by the browser tests.

Usage: ``python -m bench.loadtest --sessions 10 25 50`` (starts its own app server on a free
loopback port against ``WARROOM_DB``/``--db``, read-only, demo sign-in) and writes
bench/results/loadtest-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
# Pages visited (url paths; "" is the default page) as first and second page of a session.
FIRST_PAGES = ("", "poverty", "sdg")
SECOND_PAGES = ("plans", "debt", "partners", "")


@dataclass(frozen=True)
class LoadModel:
    """How sessions arrive and how long a user looks at a page before the next step."""

    name: str
    ramp_s: float = 0.0
    think_s: tuple[float, float] = (0.0, 0.0)


@dataclass
class SessionResult:
    steps: dict[str, float] = field(default_factory=dict)  # step -> seconds
    errors: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pids(pid: int) -> list[int]:
    """The app server and its children."""
    pids = [pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        pids += [int(p) for p in out.split()]
    except OSError:
        pass
    return pids


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the app server), in MB."""
    total = 0.0
    for p in _pids(pid):
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the app server and its children have used so far."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for p in _pids(pid):
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return total


class Client:
    """One browser-like session on the websocket."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.ws: Any = None
        self.page_hash = ""  # the page being shown (from the navigation message)
        self.pages: dict[str, str] = {}  # url path ("" for the default page) -> script hash
        self.query = "lang=en"  # the URL's query string, as the app last wrote it
        self.widgets: dict[str, Any] = {}  # user key -> latest widget proto
        self.cache: dict[str, bytes] = {}  # message hash -> message, as the browser keeps
        self.errors: list[str] = []

    async def __aenter__(self) -> Client:
        from websockets.asyncio.client import connect

        self.ws = await connect(self.url, subprotocols=["streamlit"], max_size=2**27,
                                open_timeout=self.timeout, ping_interval=None)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.ws.close()

    async def rerun(self, *, page: str | None = None,
                    widget: tuple[str, str] | None = None) -> float:
        """Ask for a rerun; return seconds until the server reports the script finished."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.cached_message_hashes.extend(self.cache)
        if page is not None:
            state.page_name = page
            state.page_script_hash = ""
        else:
            state.page_script_hash = self.page_hash
        if widget is not None:
            key, value = widget
            proto = self.widgets[key]
            ws_state = state.widget_states.widgets.add()
            ws_state.id = proto.id
            ws_state.string_value = value
        t = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._until_finished(), self.timeout)
        return time.perf_counter() - t

    async def _until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            raw = await self.ws.recv()
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            if fwd.WhichOneof("type") == "ref_hash":
                cached = self.cache.get(fwd.ref_hash)
                if cached is None:
                    self.errors.append("server referred to a message this client never got")
                    continue
                fwd = ForwardMsg()
                fwd.ParseFromString(cached)
            elif fwd.metadata.cacheable and fwd.hash:
                self.cache[fwd.hash] = raw
            kind = fwd.WhichOneof("type")
            if kind == "navigation":
                self.page_hash = fwd.navigation.page_script_hash
                self.pages = {("" if p.is_default else p.url_pathname): p.page_script_hash
                              for p in fwd.navigation.app_pages}
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "delta":
                self._delta(fwd.delta)
            elif kind == "script_finished":
                status = fwd.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # a rerun the app asked for itself (e.g. on navigation)
                if status not in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                  ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    self.errors.append(f"script finished with status {status}")
                return

    def _delta(self, delta: Any) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind == "exception":
            self.errors.append(f"exception: {el.exception.type}: {el.exception.message[:200]}")
        elif kind == "alert" and el.alert.format == 1:  # ERROR
            self.errors.append(f"error message: {el.alert.body[:200]}")
        elif kind == "selectbox":
            key = el.selectbox.id.rsplit("-", 1)[-1]
            self.widgets[key] = el.selectbox


class _Open:
    """Sessions open right now, and the most that were open at once."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0

    def enter(self) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        self.now -= 1


async def one_session(url: str, rng: random.Random, timeout: float, model: LoadModel,
                      open_now: _Open) -> SessionResult:
    res = SessionResult()
    first = rng.choice(FIRST_PAGES)
    second = rng.choice([p for p in SECOND_PAGES if p != first])

    async def think() -> None:
        if model.think_s[1] > 0:
            await asyncio.sleep(rng.uniform(*model.think_s))

    if model.ramp_s > 0:
        await asyncio.sleep(rng.uniform(0, model.ramp_s))
    try:
        async with Client(url, timeout) as c:
            open_now.enter()
            try:
                res.steps["open"] = await c.rerun(page=first)
                page = c.page_hash
                prov = c.widgets.get("pick_province")
                if prov is None:
                    res.errors.append("no province selector on the page")
                else:
                    await think()
                    res.steps["province"] = await c.rerun(
                        widget=("pick_province", rng.choice(list(prov.options)[1:])))
                    # A province was picked if its districts are offered now.
                    if "pick_district" not in c.widgets:
                        res.errors.append("picking a province did not take effect")
                year = c.widgets.get("year")
                if year is not None and len(year.options) > 1:
                    await think()
                    res.steps["year"] = await c.rerun(
                        widget=("year", rng.choice(list(year.options)[1:])))
                if c.page_hash != page:
                    res.errors.append("a filter change left the page the session was on")
                await think()
                res.steps["second_page"] = await c.rerun(page=second)
                if c.page_hash == page:
                    res.errors.append("the second page did not open")
                res.errors += c.errors
            finally:
                open_now.leave()
    except TimeoutError:
        res.errors.append("timeout")
    except Exception as exc:  # a refused or dropped connection counts as an error
        res.errors.append(f"{type(exc).__name__}: {exc}"[:200])
    return res


async def warm_up(url: str, timeout: float) -> dict[str, Any]:
    """One session that opens every page of the test in turn: seconds per page, errors."""
    out: dict[str, Any] = {"pages": {}, "errors": []}
    async with Client(url, timeout) as c:
        for page in dict.fromkeys((*FIRST_PAGES, *SECOND_PAGES)):
            out["pages"][page or "overview"] = round(await c.rerun(page=page), 3)
        out["errors"] = c.errors
    return out


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


async def wave(url: str, n: int, seed: int, timeout: float, model: LoadModel,
               server_pid: int | None = None) -> dict[str, Any]:
    rng = random.Random(seed)
    open_now = _Open()
    cpu0 = cpu_s(server_pid) if server_pid else None
    t = time.perf_counter()
    results = await asyncio.gather(*(
        one_session(url, random.Random(rng.random()), timeout, model, open_now)
        for _ in range(n)))
    wall = time.perf_counter() - t
    steps: dict[str, list[float]] = {}
    for r in results:
        for k, v in r.steps.items():
            steps.setdefault(k, []).append(v)
    all_steps = [v for vs in steps.values() for v in vs]
    errors = [e for r in results for e in r.errors]
    out: dict[str, Any] = {
        "model": model.name, "ramp_s": model.ramp_s, "think_s": list(model.think_s),
        "sessions": n, "peak_open": open_now.peak, "wall_s": round(wall, 2),
        "requests": len(all_steps),
        "p50_s": _round(_pct(all_steps, 0.5)), "p95_s": _round(_pct(all_steps, 0.95)),
        "max_s": _round(max(all_steps) if all_steps else None),
        "per_step": {k: {"p50_s": _round(statistics.median(v)), "p95_s": _round(_pct(v, 0.95)),
                         "n": len(v)} for k, v in steps.items()},
        "errors": len(errors), "error_samples": sorted(set(errors))[:5],
    }
    if cpu0 is not None and server_pid:
        used = cpu_s(server_pid) - cpu0
        out["server_cpu_s"] = round(used, 1)
        out["server_cpu_ms_per_request"] = round(1000 * used / max(len(all_steps), 1))
        out["server_cores_busy"] = round(used / wall, 2) if wall else None
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def start_server(db: str, port: int, ttl: int, log: Path) -> subprocess.Popen:
    """The app on the national store, read-only, every session signed in as the demo executive.

    A read-only app signs nobody in without a writable audit log, so the sessions' sign-ins
    and views go to a small primary store of this run (as a replica's go to the primary).
    """
    from data.store import open_store

    primary = log.parent / "loadtest-primary.duckdb"
    primary.unlink(missing_ok=True)
    open_store(f"duckdb:///{primary}").close()
    env = dict(os.environ, WARROOM_DB=db, WARROOM_DEMO="1", WARROOM_READ_ONLY="1",
               WARROOM_PRIMARY_DB=str(primary), WARROOM_AUTOLOGIN="demo-executive")
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           "--server.disconnectedSessionTTL", str(ttl)]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"app server exited, see {log}") from None
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("app server did not come up within 60 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 25, 50])
    parser.add_argument("--db", default=None, help="store URL or DuckDB file (default WARROOM_DB)")
    parser.add_argument("--models", nargs="+", choices=("users", "burst"),
                        default=["users", "burst"], help="load models to run (see above)")
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0),
                        metavar=("MIN", "MAX"),
                        help="users model: seconds a user looks at a page (uniform)")
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="users model: sessions open within this many seconds")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per step at most")
    parser.add_argument("--no-repeat", dest="repeat", action="store_false",
                        help="skip the repeat of the largest wave (memory left by sessions)")
    parser.add_argument("--max-sessions", type=int, default=100)
    parser.add_argument("--ttl", type=int, default=5,
                        help="server.disconnectedSessionTTL: when closed sessions may be freed")
    parser.add_argument("--out", default=str(RESULTS_DIR))
    args = parser.parse_args(argv)
    if any(n > args.max_sessions or n < 1 for n in args.sessions):
        raise SystemExit(f"sessions must be between 1 and {args.max_sessions}")
    if not 0 <= args.think[0] <= args.think[1]:
        raise SystemExit("--think takes MIN MAX with 0 <= MIN <= MAX")
    db = args.db or os.environ.get("WARROOM_DB")
    if not db:
        raise SystemExit("pass --db or set WARROOM_DB (the national store)")
    models = {"users": LoadModel("users", args.ramp, tuple(args.think)),
              "burst": LoadModel("burst")}
    report: dict[str, Any] = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                              "db": db.split("@")[-1], "load_average_before": os.getloadavg(),
                              "cpus": os.cpu_count(), "waves": [], "servers": []}
    for name in args.models:
        # A fresh server per model: each starts from the same (cold) caches.
        report["servers"].append(_run_model(db, models[name], args, report["waves"]))
    report["load_average_after"] = os.getloadavg()
    print()
    print(format_waves(report["waves"]))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = report["started"].replace(":", "").replace("-", "")
    for target in (out / f"loadtest-{stamp}.json", out / "latest-loadtest.json"):
        target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    bad = [w for w in report["waves"] if w["errors"]]
    bad += [s for s in report["servers"] if s.get("warmup", {}).get("errors")]
    return 1 if bad else 0


def _run_model(db: str, model: LoadModel, args: argparse.Namespace,
               waves: list[dict[str, Any]]) -> dict[str, Any]:
    """Start an app server, run one warm-up session and then each wave of ``model``."""
    port = _free_port()
    proc = start_server(db, port, args.ttl, Path(args.out) / "loadtest-server.log")
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    server: dict[str, Any] = {"model": model.name}
    try:
        # One warm-up session opens every page once: what the first visitor of a process pays
        # for (imports, the area registry, fonts) is reported apart, not as a wave's growth.
        server["warmup"] = asyncio.run(warm_up(url, args.timeout))
        server["rss_after_warmup_mb"] = start_rss = round(rss_mb(proc.pid))
        print(f"{model.name} warm-up: {json.dumps(server['warmup'])}; server RSS "
              f"{start_rss} MB", flush=True)
        plan = [(n, 1000 + i, "") for i, n in enumerate(args.sessions)]
        if args.repeat and args.sessions:
            # The largest wave once more with the same sessions: every result is cached now,
            # so what memory it keeps after closing is what sessions leave behind (the first
            # waves' growth is mostly caches filling: query results, DuckDB's buffer pool).
            i = max(range(len(args.sessions)), key=args.sessions.__getitem__)
            plan.append((args.sessions[i], 1000 + i, "repeat"))
        for n, seed, note in plan:
            before = rss_mb(proc.pid)
            result = asyncio.run(wave(url, n, seed, args.timeout, model, proc.pid))
            during = rss_mb(proc.pid)
            # Closed sessions are freed after the TTL; give the server that long, plus margin.
            time.sleep(args.ttl + 10)
            after = rss_mb(proc.pid)
            result.update(note=note, rss_before_mb=round(before),
                          rss_peak_after_wave_mb=round(during), rss_after_close_mb=round(after),
                          growth_after_close_mb=round(after - before),
                          growth_since_warmup_mb=round(after - start_rss))
            waves.append(result)
            print(json.dumps(result), flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return server


def format_waves(waves: list[dict[str, Any]]) -> str:
    head = ("model", "wave", "sessions", "peak open", "requests", "p50 s", "p95 s", "max s", "errors",
            "CPU ms/request", "RSS before MB", "RSS after close MB", "growth MB", "wall s")
    keys = ("model", "note", "sessions", "peak_open", "requests", "p50_s", "p95_s", "max_s", "errors",
            "server_cpu_ms_per_request", "rss_before_mb", "rss_after_close_mb",
            "growth_after_close_mb", "wall_s")
    lines = [tuple(str(w.get(k)) for k in keys) for w in waves]
    widths = [max(len(x) for x in col) for col in zip(head, *lines, strict=False)]
    rows = [" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    rows += [" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
