"""Where a cold start's seconds go: one fresh server and one Chromium started together.

``python -m bench.cold_timeline --db STORE [--page poverty] [--runs 3]`` starts the app (as
``bench.loadtest --cold`` does) and a headless Chromium at the same moment and prints, for each
run, a timeline from the start (seconds): Chromium launched, the server's health answered,
the page's HTML and scripts fetched, the websocket opened, the first script run over (the app
idle), each map frame's files and its first polygon drawn; with the CPU seconds the server
and Chromium had used at each mark, and the load average. The medians of the runs last.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
import urllib.request
from pathlib import Path

from bench import loadtest
from bench.common import stop_process
from bench.loadtest import _free_port, start_server
from bench.loadtest_browser import _IDLE, ARGS, CHROMIUM, MAP_FRAME

TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int, only: str = "") -> float:
    """CPU seconds of a process and all its descendants (alive ones), or of those of them
    whose command name starts with ``only``."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as fh:
                comm, f = fh.read().split(" (", 1)[1].rsplit(")", 1)
                f = f.split()
            if comm.startswith(only):
                total += (int(f[11]) + int(f[12])) / TICK
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def chromium_by_type(pid: int) -> dict[str, float]:
    """CPU seconds of Chromium's processes by kind (browser, renderer, gpu-process, ...)."""
    out: dict[str, float] = {}
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
            with open(f"/proc/{p}/stat") as fh:
                f = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
        if b"chromium" not in argv[0]:
            continue
        # Chromium rewrites its children's command line into one string.
        words = b" ".join(argv).split()
        kind = next((a[7:].decode() for a in words if a.startswith(b"--type=")), "browser")
        out[kind] = round(out.get(kind, 0.0) + (int(f[11]) + int(f[12])) / TICK, 2)
    return out


def one_run(db: str, page_path: str, out: Path, timeout: float) -> dict:
    from playwright.sync_api import sync_playwright

    marks: dict[str, float] = {}
    cpu: dict[str, tuple[float, float]] = {}
    gpu: dict[str, float] = {}  # Chromium's GPU process (compositing, software here)
    holder: dict = {}
    t0 = time.time()

    def mark(name: str) -> None:
        if name in marks:
            return
        marks[name] = round(time.time() - t0, 3)
        srv = holder.get("server")
        cpu[name] = (round(tree_cpu(srv.pid), 2) if srv else 0.0,
                     round(tree_cpu(holder["pw_pid"], "chrom"), 2) if "pw_pid" in holder else 0.0)
        if "pw_pid" in holder:
            gpu[name] = chromium_by_type(holder["pw_pid"]).get("gpu-process", 0.0)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    started = threading.Event()

    def serve() -> None:
        holder["server"] = start_server(db, port, 300, out / "server.log",
                                        on_port=lambda _b: started.set())
        mark("health_up")

    th = threading.Thread(target=serve)
    th.start()
    started.wait()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        holder["pw_pid"] = os.getpid()  # this process's children: the driver and Chromium
        mark("browser_launched")
        ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="en-US")
        page = ctx.new_page()
        reqs: list[tuple[str, float, float, int]] = []
        opened: dict[str, float] = {}

        def on_request(r) -> None:
            opened[r.url] = time.time() - t0

        def on_finished(r) -> None:
            try:
                size = (r.sizes() or {}).get("responseBodySize", 0)
            except Exception:
                size = 0
            reqs.append((r.url.split(str(port), 1)[-1][:90], round(opened.get(r.url, 0), 3),
                         round(time.time() - t0, 3), size))
            if "streamlit_folium" in r.url and "index.html" in r.url:
                mark("map_frame_html")

        page.on("request", on_request)
        page.on("requestfinished", on_finished)
        page.on("websocket", lambda ws: mark("websocket_opened"))
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        mark("browser_saw_health")
        page.goto(f"{base}/{page_path}?lang=en", wait_until="commit")
        mark("html_committed")
        page.wait_for_load_state("domcontentloaded")
        mark("dom_content_loaded")
        page.wait_for_function(
            '() => { const a = document.querySelector(\'[data-testid="stApp"]\');'
            ' return a && a.dataset.testScriptState === "running"; }', timeout=timeout * 1000,
            polling=20)
        mark("script_running_seen")
        page.wait_for_function(_IDLE, timeout=timeout * 1000, polling=20)
        mark("app_idle")
        n = page.locator(MAP_FRAME).count()
        for i in range(n):
            page.frame_locator(MAP_FRAME).nth(i).locator(
                "path.leaflet-interactive").first.wait_for(timeout=timeout * 1000)
        mark("drawn")
        marks["maps"] = n
        holder["by_type"] = chromium_by_type(os.getpid())
        browser.close()
    th.join()
    stop_process(holder["server"], 10)
    return {"marks": marks, "cpu_server_browser": cpu, "chromium_by_type": holder["by_type"],
            "gpu_process_cpu": gpu, "load_average": os.getloadavg()[0],
            "requests": sorted(reqs, key=lambda r: r[1])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.cold_timeline", description=__doc__)
    ap.add_argument("--db", required=True)
    ap.add_argument("--page", default="poverty", help="url path of the first page ('' Overview)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--requests", action="store_true", help="print every request too")
    ap.add_argument("--out", default="/tmp/cold-timeline")
    ap.add_argument("--repo", default=None,
                    help="serve another checkout (e.g. the main branch, to compare)")
    args = ap.parse_args(argv)
    if args.repo:
        loadtest.REPO = Path(args.repo).resolve()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    for _ in range(args.runs):
        r = one_run(args.db, args.page, out, args.timeout)
        if args.requests:
            for q in r["requests"]:
                print("   ", q)
        r.pop("requests")
        print(json.dumps(r), flush=True)
        runs.append(r)
        time.sleep(2)
    keys = runs[0]["marks"].keys()
    med = {k: round(statistics.median(r["marks"][k] for r in runs), 2) for k in keys}
    cpu = {k: [round(statistics.median(r["cpu_server_browser"][k][i] for r in runs), 2)
               for i in (0, 1)] for k in runs[0]["cpu_server_browser"]}
    print(json.dumps({"median_marks_s": med, "median_cpu_server_browser_s": cpu,
                      "load_averages": [r["load_average"] for r in runs]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
