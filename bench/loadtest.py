"""Load test: what users see with N sessions at once (``make loadtest``), loopback only.

Each session does what a browser tab does. Over HTTP (``bench/loadtest_http.py``, with a
browser's cache) it fetches the page and the scripts it names, Streamlit's health and
host-config; on the websocket it speaks Streamlit's own protocol (protobuf BackMsg /
ForwardMsg on ``/_stcore/stream``): it keeps the current page's script hash (from the
``navigation`` message), sends back the query string the app last wrote (``page_info_changed``)
and the hashes of the messages it already holds, so the server answers unchanged elements with
a reference; and for every map the run draws it fetches what the component frame fetches (its
page and scripts once per page, Leaflet, the font and the map geometry its arguments name). A
session opens a page, picks a province in the sidebar, changes the year (both on the page it
opened), then opens a second page. A view is timed from the request until its last script run
has finished (a rerun the app asks for itself is waited for; ``runs/step`` counts the runs) and
every fetch it caused is done. Components send no value back after drawing (one run per view,
``tests/test_reruns_browser.py``), so there is no browser message left to imitate.

Two load models, both reported:

* ``users`` (N people working at once): sessions open within ``--ramp`` seconds and a user
  looks at each page for ``--think`` seconds (uniform) before the next step, as people in a
  meeting or at their desks do; all N sessions are open at once (``peak_open`` in the report).
* ``burst`` (stress): every session starts at once and clicks again the moment a page is
  drawn, so N requests queue at the server together; it shows the server's throughput.

During each wave ``--browsers`` real headless-Chromium sessions (``bench/loadtest_browser.py``,
Debian's ``/usr/bin/chromium``) open a map page as a first visit and switch to another page,
and report the seconds until the page was drawn; one more, started with the server, gives the
cold start (server start to the first drawn page). Hundreds of browsers are not used: on a
2-core machine they would measure their own CPU contention, not the server.

Targets: one app process (``streamlit run serve.py``) and N processes behind nginx
(``python -m deploy.serve``, sticky cookie, pre-compressed static files), each on the DuckDB
file (read-only; several processes then record sign-ins in a PostgreSQL primary) and, with
``--pg``, on a PostgreSQL copy. Results: ``bench/results/loadtest-<time>.json`` and a table.

Usage: ``python -m bench.loadtest --db STORE [--pg URL] --sessions 10 25 50 100``;
``--cold N`` measures only the cold start, N fresh starts per store and server, with the median
(``--cold-visit repeat``: a returning user, whose browser kept its cache from an unmeasured
visit to the same address before; the default is a first visit with a new profile);
``--quick`` runs every part in a minute or two (numbers meaningless) for tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import stop_process
from bench.loadtest_http import BrowserCache, HttpClient, HttpStats, seed_static

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
# Pages visited (url paths; "" is the default page) as first and second page of a session.
FIRST_PAGES = ("", "poverty", "sdg")
SECOND_PAGES = ("plans", "debt", "partners", "")
# The real browsers' pages: a map page opened, then another page through the sidebar.
BROWSER_PAGES = ("poverty", "plans")


@dataclass(frozen=True)
class LoadModel:
    """How sessions arrive and how long a user looks at a page before the next step."""

    name: str
    ramp_s: float = 0.0
    think_s: tuple[float, float] = (0.0, 0.0)


@dataclass
class SessionResult:
    steps: dict[str, float] = field(default_factory=dict)  # step -> seconds until drawn data
    ws: dict[str, float] = field(default_factory=dict)  # step -> seconds of its script runs
    runs: dict[str, int] = field(default_factory=dict)  # step -> script runs it cost
    errors: list[str] = field(default_factory=list)
    http: HttpStats = field(default_factory=HttpStats)


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
    """One browser-like session on the websocket (and, with ``http``, its HTTP fetches)."""

    def __init__(self, url: str, timeout: float, http: HttpClient | None = None) -> None:
        self.url = url
        self.timeout = timeout
        self.http = http
        self.ws: Any = None
        self.page_hash = ""  # the page being shown (from the navigation message)
        self.pages: dict[str, str] = {}  # url path ("" for the default page) -> script hash
        self.query = "lang=en"  # the URL's query string, as the app last wrote it
        self.widgets: dict[str, Any] = {}  # user key -> latest widget proto
        self.cache: dict[str, bytes] = {}  # message hash -> message, as the browser keeps
        self.errors: list[str] = []
        self.frames: set[str] = set()  # component frames drawn on the current page
        self.fetches: list[asyncio.Task] = []  # HTTP fetches the current view started
        self.runs = 0  # script runs of the last step (the app's own reruns included)
        self.ws_s = 0.0  # seconds of the last step until its last script run ended

    async def __aenter__(self) -> Client:
        from websockets.asyncio.client import connect

        headers = {}
        origin = None
        if self.http is not None:
            origin = self.http.base  # the page the websocket belongs to, as a browser sends
            if self.http.cache.cookies:  # the proxy's process cookie keeps the session there
                headers["Cookie"] = self.http.cache.cookie_header()
        self.ws = await connect(self.url, subprotocols=["streamlit"], max_size=2**27,
                                open_timeout=self.timeout, ping_interval=None,
                                additional_headers=headers, origin=origin)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        for task in self.fetches:
            task.cancel()
        await self.ws.close()

    async def rerun(self, *, page: str | None = None,
                    widget: tuple[str, str] | None = None) -> float:
        """Ask for a rerun; return seconds until the view is complete: the server's last
        script run of it finished and (with ``http``) every fetch it caused is done."""
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
        self.runs = 0
        await self.ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._until_finished(), self.timeout)
        self.ws_s = time.perf_counter() - t
        if self.fetches:
            pending, self.fetches = self.fetches, []
            await asyncio.wait_for(asyncio.gather(*pending), self.timeout)
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
                if fwd.navigation.page_script_hash != self.page_hash:
                    self.frames.clear()  # another page: its component frames are new
                self.page_hash = fwd.navigation.page_script_hash
                self.pages = {("" if p.is_default else p.url_pathname): p.page_script_hash
                              for p in fwd.navigation.app_pages}
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "delta":
                self._delta(fwd.delta)
            elif kind == "script_finished":
                self.runs += 1
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
        elif kind == "component_instance" and self.http is not None:
            # The browser fetches a new frame's page and scripts, and the files its arguments
            # name, while the rest of the run streams in; a frame already drawn gets its new
            # arguments by message and fetches only files it has not cached (new geometry).
            ci = el.component_instance
            if ci.id not in self.frames:
                self.frames.add(ci.id)
                job = self.http.component_frame(ci.component_name, ci.json_args)
            else:
                job = self.http.static_refs(ci.json_args)
            self.fetches.append(asyncio.ensure_future(job))


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
                      open_now: _Open, http_base: str | None = None,
                      seed_cache: BrowserCache | None = None) -> SessionResult:
    res = SessionResult()
    first = rng.choice(FIRST_PAGES)
    second = rng.choice([p for p in SECOND_PAGES if p != first])
    http = (HttpClient(http_base, seed_cache.copy() if seed_cache else BrowserCache(), timeout)
            if http_base else None)

    async def think() -> None:
        if model.think_s[1] > 0:
            await asyncio.sleep(rng.uniform(*model.think_s))

    async def step(name: str, **kw: Any) -> None:
        res.steps[name] = await c.rerun(**kw)
        res.ws[name] = c.ws_s
        res.runs[name] = c.runs

    if model.ramp_s > 0:
        await asyncio.sleep(rng.uniform(0, model.ramp_s))
    try:
        t_open = time.perf_counter()
        if http is not None:  # the tab's first request: the page and what it names
            await asyncio.wait_for(http.open_tab(first, "lang=en"), timeout)
        async with Client(url, timeout, http) as c:
            open_now.enter()
            try:
                await step("open", page=first)
                res.steps["open"] = time.perf_counter() - t_open
                page = c.page_hash
                prov = c.widgets.get("pick_province")
                if prov is None:
                    res.errors.append("no province selector on the page")
                else:
                    await think()
                    await step("province",
                               widget=("pick_province", rng.choice(list(prov.options)[1:])))
                    # A province was picked if its districts are offered now.
                    if "pick_district" not in c.widgets:
                        res.errors.append("picking a province did not take effect")
                year = c.widgets.get("year")
                if year is not None and len(year.options) > 1:
                    await think()
                    await step("year", widget=("year", rng.choice(list(year.options)[1:])))
                if c.page_hash != page:
                    res.errors.append("a filter change left the page the session was on")
                await think()
                await step("second_page", page=second)
                if c.page_hash == page:
                    res.errors.append("the second page did not open")
                res.errors += c.errors
            finally:
                open_now.leave()
    except TimeoutError:
        res.errors.append("timeout")
    except Exception as exc:  # a refused or dropped connection counts as an error
        res.errors.append(f"{type(exc).__name__}: {exc}"[:200])
    if http is not None:
        res.http = http.stats
        res.errors += http.stats.errors
    return res


async def warm_up(url: str, timeout: float, http_base: str | None = None) -> dict[str, Any]:
    """One session that opens every page of the test in turn: seconds per page, errors, and
    (with ``http_base``) the browser cache a returning user has (``cache``, not in the JSON)."""
    out: dict[str, Any] = {"pages": {}, "errors": []}
    http = HttpClient(http_base, BrowserCache(), timeout) if http_base else None
    if http is not None:
        await http.open_tab("", "lang=en")
    async with Client(url, timeout, http) as c:
        for page in dict.fromkeys((*FIRST_PAGES, *SECOND_PAGES)):
            out["pages"][page or "overview"] = round(await c.rerun(page=page), 3)
        out["errors"] = c.errors + (http.stats.errors if http else [])
    if http is not None:
        seed = BrowserCache(cookies={})
        seed_static(seed, http.cache.entries)
        out["cache"] = seed
        out["http_requests"] = http.stats.requests
    return out


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


class _Memory:
    """Peak resident memory of each server process while a wave runs (sampled each second)."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids = pids
        self.peak: dict[int, float] = {}

    async def watch(self) -> None:
        while True:
            for p in self.pids():
                self.peak[p] = max(self.peak.get(p, 0.0), rss_mb(p))
            await asyncio.sleep(1.0)


async def wave(url: str, n: int, seed: int, timeout: float, model: LoadModel,
               server_pid: int | None = None, *, http_base: str | None = None,
               seed_cache: BrowserCache | None = None,
               pids: Callable[[], list[int]] | None = None) -> dict[str, Any]:
    rng = random.Random(seed)
    open_now = _Open()
    if pids is None:
        pids = (lambda: [server_pid]) if server_pid else (lambda: [])
    cpu0 = sum(cpu_s(p) for p in pids())
    memory = _Memory(pids)
    watcher = asyncio.ensure_future(memory.watch())
    load0 = os.getloadavg()
    t, client0 = time.perf_counter(), time.process_time()
    results = await asyncio.gather(*(
        one_session(url, random.Random(rng.random()), timeout, model, open_now, http_base,
                    seed_cache)
        for _ in range(n)))
    wall = time.perf_counter() - t
    client = time.process_time() - client0
    watcher.cancel()
    steps: dict[str, list[float]] = {}
    ws: list[float] = []
    runs: list[int] = []
    for r in results:
        for k, v in r.steps.items():
            steps.setdefault(k, []).append(v)
        ws += list(r.ws.values())
        runs += list(r.runs.values())
    all_steps = [v for vs in steps.values() for v in vs]
    errors = [e for r in results for e in r.errors]
    out: dict[str, Any] = {
        "model": model.name, "ramp_s": model.ramp_s, "think_s": list(model.think_s),
        "sessions": n, "peak_open": open_now.peak, "wall_s": round(wall, 2),
        "requests": len(all_steps),
        "p50_s": _round(_pct(all_steps, 0.5)), "p95_s": _round(_pct(all_steps, 0.95)),
        "max_s": _round(max(all_steps) if all_steps else None),
        "ws_p50_s": _round(_pct(ws, 0.5)), "ws_p95_s": _round(_pct(ws, 0.95)),
        "script_runs_per_step_max": max(runs) if runs else None,
        "per_step": {k: {"p50_s": _round(statistics.median(v)), "p95_s": _round(_pct(v, 0.95)),
                         "n": len(v)} for k, v in steps.items()},
        "errors": len(errors), "error_samples": sorted(set(errors))[:5],
        "load_average_start": [round(x, 2) for x in load0],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "rss_peak_per_process_mb": [round(v) for v in memory.peak.values()],
        # The sessions' own client runs on the same cores: what it takes is not the server's.
        "client_cpu_ms_per_request": round(1000 * client / max(len(all_steps), 1)),
    }
    if http_base:
        out["http_requests_per_session"] = round(
            sum(r.http.requests for r in results) / max(n, 1), 1)
        out["http_kb_per_session"] = round(sum(r.http.bytes for r in results) / max(n, 1) / 1e3)
    used = sum(cpu_s(p) for p in pids()) - cpu0
    if pids():
        out["server_cpu_s"] = round(used, 1)
        out["server_cpu_ms_per_request"] = round(1000 * used / max(len(all_steps), 1))
        out["server_cores_busy"] = round(used / wall, 2) if wall else None
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


# ------------------------------------------------------------------------------ servers

PG_PRIMARY = ("postgresql://postgres@127.0.0.1:5432/test"
              "?options=-csearch_path%3Dloadtest_primary")


@dataclass
class Target:
    """The app as the sessions reach it: one process, or several behind nginx."""

    name: str
    base: str  # http://127.0.0.1:PORT
    proc: subprocess.Popen
    pids: Callable[[], list[int]]
    started: float = 0.0  # epoch seconds the first process was started

    @property
    def ws(self) -> str:
        return self.base.replace("http://", "ws://") + "/_stcore/stream"

    def stop(self) -> None:
        stop_process(self.proc, 30)


def _app_env(db: str, primary: str) -> dict[str, str]:
    return dict(os.environ, WARROOM_DB=db, WARROOM_DEMO="1", WARROOM_READ_ONLY="1",
                WARROOM_PRIMARY_DB=primary, WARROOM_AUTOLOGIN="demo-executive")


def _primary(log: Path, processes: int, primary: str | None) -> str:
    """Where the sessions' sign-ins and views are recorded (the store itself is read-only):
    a small DuckDB file of this run for one process, a PostgreSQL schema for several (DuckDB
    allows one writing process)."""
    from data.store import open_store

    if primary is None and processes == 1:
        path = log.parent / "loadtest-primary.duckdb"
        path.unlink(missing_ok=True)
        primary = f"duckdb:///{path}"
    primary = primary or PG_PRIMARY
    if "search_path%3D" in primary:
        import psycopg

        schema = primary.rsplit("search_path%3D", 1)[1].split("&")[0]
        with psycopg.connect(primary.split("?")[0], autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{schema}"')
    open_store(primary).close()
    return primary


def start_server(db: str, port: int, ttl: int, log: Path, primary: str | None = None,
                 on_port: Callable[[str], Any] | None = None) -> subprocess.Popen:
    """One app process (``serve.py``, as in production) on the store, read-only, every session
    signed in as the demo executive; its sign-ins and views go to a small primary store."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = _app_env(db, _primary(log, 1, primary))
    cmd = [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           "--server.disconnectedSessionTTL", str(ttl)]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=fh, stderr=subprocess.STDOUT)
    if on_port is not None:
        on_port(f"http://127.0.0.1:{port}")
    _wait_up(f"http://127.0.0.1:{port}/_stcore/health", proc, log)
    return proc


def _wait_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"server exited, see {log}") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not come up within {timeout:.0f} s, see {log}")


def start_target(db: str, processes: int, ttl: int, out: Path, primary: str | None = None,
                 on_port: Callable[[str], Any] | None = None, proxy: bool = False,
                 port: int | None = None) -> Target:
    """One bare process on a free port (or ``port``), or ``processes`` behind nginx (``python -m
    deploy.serve``; always with ``proxy``). ``on_port(base)`` is called as soon as the address
    is known, before the app answers."""
    t0 = time.time()
    if processes == 1 and not proxy:
        port = port or _free_port()
        proc = start_server(db, port, ttl, out / "loadtest-server.log", primary, on_port)
        return Target("1 process", f"http://127.0.0.1:{port}", proc, lambda: [proc.pid], t0)
    run_dir = out / "loadtest-serve"
    env = _app_env(db, _primary(out / "x", processes, primary))
    env["STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"] = str(ttl)
    env["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] = "none"
    port = port or _free_port()
    log = out / "loadtest-serve.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "deploy.serve", "--port", str(port), "--apps", str(processes),
             "--run-dir", str(run_dir)], cwd=REPO, env=env, stdout=fh,
            stderr=subprocess.STDOUT)
    if on_port is not None:
        on_port(f"http://127.0.0.1:{port}")
    status = run_dir / "status.json"

    def pids() -> list[int]:
        try:
            nodes = json.loads(status.read_text(encoding="utf-8"))["nodes"]
        except (OSError, ValueError, KeyError):
            return []
        return [n["pid"] for n in nodes if n.get("pid")]

    status.unlink(missing_ok=True)
    _wait_up(f"http://127.0.0.1:{port}/api/health", proc, log, timeout=300)
    name = f"{processes} process{'es' if processes > 1 else ''} + nginx"
    return Target(name, f"http://127.0.0.1:{port}", proc, pids, t0)


# ------------------------------------------------------------------------------ browsers

def start_browsers(base: str, samples: int, *, delay: float = 0.0, every: float = 0.0,
                   timeout: float = 120, t0: float | None = None,
                   profile: Path | None = None) -> subprocess.Popen:
    """Real Chromium sessions (``bench.loadtest_browser``) in a process of their own; with
    ``profile``, one browser profile kept on disk (its cache) from launch to launch."""
    cmd = [sys.executable, "-m", "bench.loadtest_browser", "--base", base, "--samples",
           str(samples), "--delay", str(delay), "--every", str(every), "--timeout", str(timeout),
           "--pages", *BROWSER_PAGES]
    if t0 is not None:
        cmd += ["--wait-health", "--t0", str(t0)]
    if profile is not None:
        cmd += ["--profile", str(profile)]
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def collect_browsers(proc: subprocess.Popen, timeout: float) -> dict[str, Any]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    samples = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    result: dict[str, Any] = {"samples": samples}
    for key in ("first_visit_s", "page_switch_s"):
        values = [s[key] for s in samples if key in s]
        if values:
            result[f"{key.removesuffix('_s')}_p50_s"] = _round(statistics.median(values))
            result[f"{key.removesuffix('_s')}_max_s"] = _round(max(values))
    errors = [e for s in samples for e in s.get("errors", [])]
    if not samples:
        errors.append(f"no browser sample ({err.strip()[-300:]})")
    result["errors"] = errors
    return result


# ------------------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 25, 50, 100])
    parser.add_argument("--db", default=None, help="store URL or DuckDB file (default WARROOM_DB)")
    parser.add_argument("--pg", default=None,
                        help="a PostgreSQL copy of the store: every run again on it")
    parser.add_argument("--models", nargs="+", choices=("users", "burst"),
                        default=["users", "burst"], help="load models to run (see above)")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2],
                        help="1 = one bare app process; N > 1 = N processes behind nginx")
    parser.add_argument("--proxy", action="store_true",
                        help="one process behind nginx too (as in production), not bare")
    parser.add_argument("--primary", default=None,
                        help="store for sign-ins and views (default: a DuckDB file of the run "
                             "for one process, the PostgreSQL schema loadtest_primary for more)")
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0),
                        metavar=("MIN", "MAX"),
                        help="users model: seconds a user looks at a page (uniform)")
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="users model: sessions open within this many seconds")
    parser.add_argument("--visit", choices=("repeat", "first"), default="repeat",
                        help="repeat: the browsers hold the hashed scripts and geometry "
                             "(staff at work); first: every session downloads them")
    parser.add_argument("--browsers", type=int, default=2,
                        help="real Chromium sessions sampled during each wave (0: none)")
    parser.add_argument("--no-http", dest="http", action="store_false",
                        help="websocket only (the old client): no page, component or geometry "
                             "fetches")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per step at most")
    parser.add_argument("--no-repeat", dest="repeat", action="store_false",
                        help="skip the repeat of the largest wave (memory left by sessions)")
    parser.add_argument("--max-sessions", type=int, default=100)
    parser.add_argument("--ttl", type=int, default=5,
                        help="server.disconnectedSessionTTL: when closed sessions may be freed")
    parser.add_argument("--quick", action="store_true",
                        help="seconds, not minutes: 2 and 3 sessions, short think times, one "
                             "browser sample, no repeat (for tests; numbers mean nothing)")
    parser.add_argument("--cold-visit", choices=("first", "repeat"), default="first",
                        help="cold start with a new browser profile (first) or with one kept "
                             "from an earlier visit to the same address (repeat: a returning "
                             "user's cache)")
    parser.add_argument("--cold", type=int, default=0, metavar="N",
                        help="only the cold start, N times per store and server (no waves)")
    parser.add_argument("--out", default=str(RESULTS_DIR))
    parser.add_argument("--table", metavar="JSON", nargs="+",
                        help="print the Markdown table of saved results and exit")
    args = parser.parse_args(argv)
    if args.table:
        waves: list[dict[str, Any]] = []
        servers: list[dict[str, Any]] = []
        for name in args.table:
            saved = json.loads(Path(name).read_text(encoding="utf-8"))
            waves += saved["waves"]
            servers += saved["servers"]
        print(format_markdown({"waves": waves, "servers": servers}))
        return 0
    # Stopped (kill PID): end as Ctrl-C does, so the servers it started are stopped too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if args.quick:
        args.sessions, args.think, args.ramp = [2, 3], (0.1, 0.3), 0.5
        args.repeat, args.browsers = False, min(args.browsers, 1)
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
                              "cpus": os.cpu_count(), "visit": args.visit,
                              "http": args.http, "waves": [], "servers": []}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = report["started"].replace(":", "").replace("-", "")
    stores = [("duckdb" if not db.startswith("postgres") else "postgresql", db)]
    if args.pg:
        stores.append(("postgresql", args.pg))
    if args.cold:
        report["cold_starts"] = [_cold_starts(url, backend, processes, args)
                                 for backend, url in stores for processes in args.processes]
        _save(report, out, stamp)
        return 0 if all(c["drawn_s"] for c in report["cold_starts"]) else 1
    for backend, url in stores:
        for processes in args.processes:
            for name in args.models:
                # A fresh server per model: each starts from the same (cold) caches.
                report["servers"].append(_run_model(
                    url, backend, processes, models[name], args, report["waves"]))
                _save(report, out, stamp)
    report["load_average_after"] = os.getloadavg()
    print()
    print(format_waves(report["waves"]))
    _save(report, out, stamp)
    bad = [w for w in report["waves"] if w["errors"]]
    bad += [s for s in report["servers"] if s.get("warmup", {}).get("errors")]
    return 1 if bad else 0


def _save(report: dict[str, Any], out: Path, stamp: str) -> None:
    for target in (out / f"loadtest-{stamp}.json", out / "latest-loadtest.json"):
        target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def _cold_starts(db: str, backend: str, processes: int,
                 args: argparse.Namespace) -> dict[str, Any]:
    """``args.cold`` fresh starts of the server with a browser started at the same moment:
    seconds to the server's first answer and to the first page the browser drew."""
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="warroom-cold-") as tmp:
        # A returning user: the browser's profile (its cache of the hashed scripts, the
        # geometry, the font) kept from an earlier, unmeasured visit to the same address.
        kept = Path(tmp) if args.cold_visit == "repeat" else None
        cached = 0
        port = _free_port() if kept else None
        for i in range(args.cold + (1 if kept else 0)):
            run, name = _cold_start(db, processes, args, kept, port)
            if kept and i == 0:
                # The visit that filled the browser's cache (its size says it did).
                cached = sum(f.stat().st_size for f in kept.rglob("*") if f.is_file())
                continue
            runs.append(run)
            print(json.dumps(runs[-1]), flush=True)
    drawn = [r["drawn_s"] for r in runs if r["drawn_s"] is not None]
    result = {"backend": backend, "target": name, "visit": args.cold_visit,
              "profile_mb": round(cached / 1048576, 1), "runs": runs,
              "drawn_s": _round(statistics.median(drawn)) if len(drawn) == len(runs) else None,
              "up_s": _round(statistics.median(r["up_s"] for r in runs))}
    print(f"{backend} {result['target']}: cold start to drawn ({args.cold_visit} visit), "
          f"median of {len(runs)}: {result['drawn_s']} s (server up {result['up_s']} s)",
          flush=True)
    return result


def _cold_start(db: str, processes: int, args: argparse.Namespace, profile: Path | None,
                port: int | None) -> tuple[dict[str, Any], str]:
    """One fresh start of the server with a browser started at the same moment, and the
    target's name."""
    browser: list[subprocess.Popen] = []
    load = os.getloadavg()[0]
    target = start_target(db, processes, args.ttl, Path(args.out), args.primary,
                          lambda base, into=browser: into.append(start_browsers(
                              base, 1, timeout=args.timeout, t0=time.time(),
                              profile=profile)),
                          args.proxy, port=port)
    try:
        up = round(time.time() - target.started, 2)
        got = collect_browsers(browser[0], args.timeout * 2)
    finally:
        target.stop()
    time.sleep(2)
    first = next(iter(got["samples"]), {})
    return {"up_s": up, "drawn_s": first.get("since_t0_s"), "errors": got["errors"],
            "load_average_start": round(load, 2)}, target.name


def _run_model(db: str, backend: str, processes: int, model: LoadModel,
               args: argparse.Namespace, waves: list[dict[str, Any]]) -> dict[str, Any]:
    """Start the app (and, for the cold start, a browser at once), run one warm-up session
    and then each wave of ``model`` with browsers sampled during it."""
    out = Path(args.out)
    cold: list[subprocess.Popen] = []

    def cold_browser(base: str) -> None:
        # Cold start: from starting the server to the first page a real browser drew; the
        # browser starts with the server and asks for the page as soon as it answers.
        if args.browsers:
            cold.append(start_browsers(base, 1, timeout=args.timeout, t0=time.time()))

    target = start_target(db, processes, args.ttl, out, args.primary, cold_browser,
                          args.proxy)
    server: dict[str, Any] = {"model": model.name, "backend": backend, "target": target.name,
                              "up_s": round(time.time() - target.started, 2)}
    http_base = target.base if args.http else None
    try:
        if cold:
            got = collect_browsers(cold[0], args.timeout * 2)
            first = next(iter(got["samples"]), {})
            server["cold_start_drawn_s"] = first.get("since_t0_s")
            server["cold_start_browser"] = got
        # One warm-up session opens every page once: what the first visitor of a process pays
        # for (imports, the area registry, fonts) is reported apart, not as a wave's growth.
        warm = asyncio.run(warm_up(target.ws, args.timeout, http_base))
        seed = warm.pop("cache", None) if args.visit == "repeat" else None
        server["warmup"] = warm
        server["rss_after_warmup_mb"] = [round(rss_mb(p)) for p in target.pids()]
        start_rss = sum(server["rss_after_warmup_mb"])
        print(f"{backend} {target.name} {model.name} up in {server['up_s']} s, cold start to "
              f"drawn {server.get('cold_start_drawn_s')} s; warm-up: "
              f"{json.dumps(warm)}; RSS {server['rss_after_warmup_mb']} MB", flush=True)
        plan = [(n, 1000 + i, "") for i, n in enumerate(args.sessions)]
        if args.repeat and args.sessions:
            # The largest wave once more with the same sessions: every result is cached now,
            # so what memory it keeps after closing is what sessions leave behind (the first
            # waves' growth is mostly caches filling: query results, DuckDB's buffer pool).
            i = max(range(len(args.sessions)), key=args.sessions.__getitem__)
            plan.append((args.sessions[i], 1000 + i, "repeat"))
        for n, seed_no, note in plan:
            before = sum(rss_mb(p) for p in target.pids())
            browsers = None
            if args.browsers:
                # Sampled while the wave's sessions are open: after the ramp, spread over
                # the users' reading time (burst: at once).
                spread = model.ramp_s + sum(model.think_s)
                browsers = start_browsers(target.base, args.browsers, delay=model.ramp_s / 2,
                                          every=spread / max(args.browsers, 1),
                                          timeout=args.timeout)
            result = asyncio.run(wave(target.ws, n, seed_no, args.timeout, model,
                                      http_base=http_base, seed_cache=seed, pids=target.pids))
            if browsers is not None:
                result["browser"] = collect_browsers(browsers, args.timeout * 3)
            during = sum(rss_mb(p) for p in target.pids())
            # Closed sessions are freed after the TTL; give the server that long, plus margin.
            time.sleep(args.ttl + (1 if args.quick else 10))
            after = sum(rss_mb(p) for p in target.pids())
            result.update(backend=backend, target=target.name, note=note,
                          rss_before_mb=round(before), rss_after_wave_mb=round(during),
                          rss_after_close_mb=round(after),
                          growth_after_close_mb=round(after - before),
                          growth_since_warmup_mb=round(after - start_rss))
            waves.append(result)
            print(json.dumps(result), flush=True)
    finally:
        target.stop()
    return server


def table_rows(waves: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The table's head and one row per wave."""
    head = ("store", "server", "model", "sessions", "views", "p50 s", "p95 s", "server p95 s",
            "runs/view", "browser first visit / page switch s", "errors", "CPU ms/view",
            "client CPU ms/view", "cores busy", "peak RSS/process MB", "load avg")
    lines = []
    for w in waves:
        b = w.get("browser") or {}
        drawn = ("-" if not b.get("samples") else
                 f"{b.get('first_visit_max_s')} / {b.get('page_switch_max_s')}")
        la = w.get("load_average_start", ["?"])[0], w.get("load_average_end", ["?"])[0]
        lines.append((w.get("backend", ""), w.get("target", ""),
                      w["model"] + (f" ({w['note']})" if w.get("note") else ""),
                      str(w["sessions"]), str(w["requests"]), str(w["p50_s"]), str(w["p95_s"]),
                      str(w.get("ws_p95_s")), str(w.get("script_runs_per_step_max")), drawn,
                      str(w["errors"]) + (f" (browser {len(b['errors'])})"
                                          if b.get("errors") else ""),
                      str(w.get("server_cpu_ms_per_request")),
                      str(w.get("client_cpu_ms_per_request", "-")),
                      str(w.get("server_cores_busy")),
                      "/".join(str(x) for x in w.get("rss_peak_per_process_mb") or []),
                      f"{la[0]}-{la[1]}"))
    return head, lines


def format_markdown(report: dict[str, Any]) -> str:
    """The waves as a Markdown table, with the cold starts under it."""
    head, lines = table_rows(report["waves"])
    rows = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    rows += ["| " + " | ".join(line) + " |" for line in lines]
    for s in report.get("servers", []):
        if s.get("cold_start_drawn_s") is not None:
            rows.append(f"\nCold start ({s.get('backend')}, {s.get('target')}, {s['model']}): "
                        f"server answering after {s.get('up_s')} s, first page drawn in "
                        f"Chromium {s['cold_start_drawn_s']} s after the server was started.")
    return "\n".join(rows)


def format_waves(waves: list[dict[str, Any]]) -> str:
    head, lines = table_rows(waves)
    widths = [max(len(x) for x in col) for col in zip(head, *lines, strict=False)]
    rows = [" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    rows += [" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
