"""Real headless-Chromium sessions sampled during a load-test wave: drawn-page times.

``python -m bench.loadtest_browser --base URL --pages poverty plans --samples 2``: each sample is
a fresh browser profile that opens the first page (a first visit: every script downloaded) and
then the second page in the same tab through the navigation's link (a page switch, as a user
makes it), and reports the seconds from the request until the page is drawn: the app connected, no
script run left, no placeholder left, and each map's polygons on screen. One JSON line per
sample on stdout. With ``--profile DIR`` the browser keeps one profile on disk (its cache of the
hashed scripts, the font, the geometry) from launch to launch: a returning user, whose samples
are no first visits. With ``--wait-health`` it first waits for the server to answer and reports
``since_t0_s`` from ``--t0`` (epoch seconds) to the first drawn page: the cold start a user sees.

Runs Debian's Chromium (``/usr/bin/chromium``) through Playwright; never downloads a browser.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
CONTEXT = {"viewport": {"width": 1600, "height": 1000}, "locale": "en-US"}
MAP_FRAME = 'iframe[src*="streamlit_folium"]'
_IDLE = ('() => { const a = document.querySelector(\'[data-testid="stApp"]\');'
         ' return a && a.dataset.testConnectionState === "CONNECTED"'
         ' && a.dataset.testScriptState === "notRunning"'
         ' && document.querySelector(\'[data-testid="stMain"] h2\')'
         ' && !document.querySelector(\'[data-testid="stMain"] [data-testid="stSkeleton"]\'); }')


def wait_drawn(page, timeout_ms: float) -> None:
    """Until the run is over and everything it drew is on screen, maps included."""
    page.wait_for_function(_IDLE, timeout=timeout_ms, polling=50)
    for i in range(page.locator(MAP_FRAME).count()):
        frame = page.frame_locator(MAP_FRAME).nth(i)
        frame.locator("path.leaflet-interactive").first.wait_for(timeout=timeout_ms)


def _timed(page, action, timeout_ms: float) -> float:
    t = time.perf_counter()
    action()
    wait_drawn(page, timeout_ms)
    return time.perf_counter() - t


def wait_health(base: str, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not answer")


class _Kept:
    """A browser of one profile kept on disk (``--profile``): its one context is every
    sample's, and stays open until the browser is closed."""

    def __init__(self, context) -> None:
        self.context = context

    def new_context(self, **_options):
        return _Pages(self.context)

    def close(self) -> None:
        self.context.close()


class _Pages:
    """The kept context as a sample uses it: closing it closes only the sample's pages."""

    def __init__(self, context) -> None:
        self.context = context

    def new_page(self):
        return self.context.new_page()

    def close(self) -> None:
        for page in self.context.pages:
            page.close()


def sample(browser, base: str, first: str, second: str, timeout_ms: float,
           t0: float | None = None) -> dict:
    ctx = browser.new_context(**CONTEXT)
    out: dict = {"first": first or "overview", "second": second or "overview"}
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)[:200]))
        out["first_visit_s"] = round(_timed(
            page, lambda: page.goto(f"{base}/{first}?lang=en", wait_until="commit"),
            timeout_ms), 3)
        if t0 is not None:
            out["since_t0_s"] = round(time.time() - t0, 3)
        # The page switch as a user makes it: the navigation's link to the second page.
        link = page.locator(", ".join(
            f'[data-testid="{t}"][href$="/{second}"], [data-testid="{t}"] a[href$="/{second}"]'
            for t in ("stTopNavLink", "stSidebarNavLink"))).first
        out["switch"] = "navigation" if second and link.count() else "address bar"
        if out["switch"] == "navigation":
            out["page_switch_s"] = round(_timed(page, link.click, timeout_ms), 3)
        else:
            out["page_switch_s"] = round(_timed(
                page, lambda: page.goto(f"{base}/{second}?lang=en", wait_until="commit"),
                timeout_ms), 3)
        out["errors"] = errors
    except Exception as exc:  # a timeout is a result of the wave, not a crash of the sampler
        out["errors"] = [f"{type(exc).__name__}: {exc}"[:300]]
    finally:
        ctx.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.loadtest_browser", description=__doc__)
    ap.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    ap.add_argument("--pages", nargs=2, default=["", "poverty"], metavar=("FIRST", "SECOND"))
    ap.add_argument("--samples", type=int, default=2)
    ap.add_argument("--delay", type=float, default=0.0, help="seconds before the first sample")
    ap.add_argument("--every", type=float, default=0.0, help="seconds between sample starts")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--wait-health", action="store_true")
    ap.add_argument("--t0", type=float, default=None)
    ap.add_argument("--profile", default=None,
                    help="a browser profile directory kept between launches (its cache): a "
                         "returning user; without it every sample is a first visit")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        if args.profile:
            browser = _Kept(p.chromium.launch_persistent_context(
                args.profile, executable_path=CHROMIUM, args=ARGS, **CONTEXT))
        else:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            if args.wait_health:
                wait_health(args.base, args.timeout)
            time.sleep(args.delay)
            pages = [args.pages, args.pages[::-1]]
            for i in range(args.samples):
                started = time.monotonic()
                first, second = pages[i % 2]
                result = sample(browser, args.base, first, second, args.timeout * 1000,
                                args.t0 if i == 0 else None)
                print(json.dumps(result), flush=True)
                time.sleep(max(0.0, args.every - (time.monotonic() - started)))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
