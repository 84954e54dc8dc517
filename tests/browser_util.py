"""Browser-test support: a Streamlit server on a free loopback port and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.common import stop_process

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("WARROOM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def require_browser() -> None:
    """Skip when Chromium or Playwright is missing, except where CI demands browser tests."""
    missing = None
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        missing = f"Chromium not found at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed"
    if missing:
        if os.environ.get("WARROOM_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(db: Path, extra_env: dict[str, str] | None = None):
    """A fresh ``streamlit run app.py`` on 127.0.0.1; yields its base URL."""
    port = free_port()
    # Every page load signs in the demo executive unless extra_env names another demo user
    # in WARROOM_AUTOLOGIN ("" shows the sign-in screen).
    env = {**os.environ, "WARROOM_DB": str(db), "WARROOM_DEMO": "1",
           "WARROOM_AUTOLOGIN": "demo-executive", **(extra_env or {})}
    log = (REPO / "artifacts")
    log.mkdir(exist_ok=True)
    out = open(log / f"server-{port}.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("the app server did not start")
        yield base
    finally:
        stop_process(proc, 10)
        out.close()


@contextmanager
def browser(width: int = 1920, height: int = 1080):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ctx = b.new_context(viewport={"width": width, "height": height}, locale="th-TH")
            yield ctx
        finally:
            b.close()


def wait_rendered(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script run finished and its elements are drawn.

    The status widget only appears once a run has lasted a moment, so its absence does not
    prove a run ended; the app root's ``data-test-script-state`` does.
    """
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]',
                           timeout=timeout_ms)
    # Every page starts with components.ui.render_page_header (an h2 in the main area).
    page.wait_for_selector('[data-testid="stMain"] h2', timeout=timeout_ms)
    idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    page.wait_for_selector(idle, timeout=timeout_ms)
    # A widget set during the run (query-string sync) can start a second run right after.
    page.wait_for_timeout(500)
    page.wait_for_selector(idle, timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stMain\"] [data-testid=\"stSkeleton\"]')",
        timeout=timeout_ms)


def block_external(ctx) -> list[str]:
    """Abort every request that does not go to this machine; return the list of blocked URLs."""
    blocked: list[str] = []

    def handle(route):
        url = route.request.url
        host = urllib.parse.urlsplit(url).hostname or ""
        if host in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    ctx.route("**/*", handle)
    return blocked


# The map frames by their source: the map titles its frame with what it shows.
MAP_FRAME = 'iframe[src*="streamlit_folium"]'


def map_frame(page, nth: int = 0):
    """The nth Leaflet map (streamlit-folium iframe) on the page."""
    selector = MAP_FRAME
    page.locator(selector).nth(nth).wait_for(timeout=60_000)
    return page.frame_locator(selector).nth(nth)


def count_map_polygons(page, expected: int, nth: int = 0) -> int:
    """Wait until the map has drawn ``expected`` polygons, then count them."""
    paths = map_frame(page, nth).locator("path.leaflet-interactive")
    paths.nth(expected - 1).wait_for(state="attached", timeout=60_000)
    page.wait_for_timeout(500)
    return paths.count()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, "exception box shown"
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0, "error shown"
