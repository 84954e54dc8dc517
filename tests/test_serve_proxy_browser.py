"""make serve, end to end: nginx in front of two app processes on one PostgreSQL store.

Compression and lifetimes of Streamlit's bundles, a page view whose websocket goes through the
proxy, a session that stays on its process, failover that moves the session's cookie with it,
and the body limit that follows the import limit.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser_util import (
    ARTIFACTS,
    REPO,
    assert_no_exception,
    browser,
    free_port,
    require_browser,
    wait_rendered,
)

pytestmark = [pytest.mark.slow]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
APP_NAME = "warroom_proxy_test"


def _require_nginx() -> None:
    if not Path(NGINX).exists():
        if os.environ.get("WARROOM_REQUIRE_BROWSER"):
            pytest.fail("nginx is missing (.ci/run installs nginx-light)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")


def _get(url: str, headers: dict[str, str] | None = None, data: bytes | None = None):
    req = urllib.request.Request(url, headers=headers or {}, data=data,
                                 method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()
    except urllib.error.URLError:  # nginx not listening yet
        return 0, {}, b""


def _status(run_dir: Path) -> dict:
    try:
        return json.loads((run_dir / "status.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _wait(pred, what: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while not pred():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def _terminate_app_sessions(admin_url: str) -> int:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                             "WHERE application_name = %s", [APP_NAME]).fetchall()
    return len(rows)


def _node_cookie(headers) -> str | None:
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("warroom_node="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


@pytest.fixture(scope="module")
def proxy(pg_demo_url, tmp_path_factory):
    """One nginx and two app processes for the module (the failover test runs last)."""
    _require_nginx()
    tmp_path = tmp_path_factory.mktemp("proxy")
    port = free_port()
    run_dir = tmp_path / "serve"
    # Named, so that the test can end exactly these processes' database sessions.
    url = f"{pg_demo_url}{'&' if '?' in pg_demo_url else '?'}application_name={APP_NAME}"
    env = {**os.environ, "WARROOM_DB": url, "WARROOM_DATA_DIR": str(tmp_path),
           "WARROOM_DEMO": "1", "WARROOM_DEMO_FORCE": "1",
           "WARROOM_AUTOLOGIN": "demo-steward", "WARROOM_IMPORT_MAX_MB": "2"}
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "deploy.serve", "--port", str(port),
                             "--run-dir", str(run_dir), "--every", "1"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: proc.poll() is None and len(_status(run_dir).get("nodes", [])) == 2
              and all(n["healthy"] for n in _status(run_dir)["nodes"]),
              "two healthy app processes behind nginx", timeout=300)
        _wait(lambda: _get(f"{base}/api/health")[0] == 200, "the proxy's health")
        yield base, run_dir
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        for name in ("serve.log",):
            shutil.copyfile(tmp_path / name, REPO / "artifacts" / f"proxy-{name}")


def test_bundles_compressed_and_cached_for_a_year(proxy):
    base, _run = proxy
    import streamlit

    js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    plotly = next(js.glob("PlotlyChart.*.js"))  # the largest bundle, 4.7 MB as shipped
    url = f"{base}/static/js/{plotly.name}"
    status, headers, body = _get(url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert len(body) < plotly.stat().st_size / 3
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    import gzip

    assert gzip.decompress(body) == plotly.read_bytes()
    status, headers, _ = _get(url)
    assert status == 200 and headers.get("Content-Encoding") is None  # for any client


def test_websocket_of_a_site_named_on_its_own_port(proxy):
    """Streamlit accepts a websocket whose Origin is its Host: nginx passes the Host with the
    port the browser used. With nginx's $host (no port) a site on a port of its own was
    refused (403), after Streamlit had asked an outside service for its external IP; a
    websocket from another site is refused by nginx before it can make the app ask."""
    import socket

    base, run_dir = proxy
    port = int(base.rsplit(":", 1)[1])

    def handshake(host: str, origin: str) -> bytes:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\n"
                          f"Origin: {origin}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                          "Sec-WebSocket-Version: 13\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Protocol: streamlit\r\n\r\n").encode())
            return sock.recv(4096).split(b"\r\n", 1)[0]

    site = f"warroom.test:{port}"
    assert handshake(site, f"http://{site}") == b"HTTP/1.1 101 Switching Protocols"
    assert handshake(site, f"https://{site}") == b"HTTP/1.1 101 Switching Protocols"
    # A page of another site (or another port) is refused by nginx, never reaching the app.
    assert handshake(site, "https://elsewhere.example") == b"HTTP/1.1 403 Forbidden"
    assert handshake(site, f"http://warroom.test:{port + 1}") == b"HTTP/1.1 403 Forbidden"
    logs = "".join(p.read_text() for p in (run_dir / "logs").glob("app-*.log"))
    assert "Did not auto detect external IP" not in logs and "Rejecting WebSocket" not in logs


def test_body_limit_follows_the_import_limit(proxy):
    base, _run = proxy
    status, _h, body = _get(f"{base}/_stcore/upload_file/x/y", data=b"x" * (4 * 1024 * 1024))
    assert status == 413 and b"nginx" in body  # refused by the proxy (limit 2 MB + 1)


def test_page_view_through_the_proxy(proxy, pg_server):
    require_browser()
    base, run_dir = proxy
    with browser() as ctx:
        page = ctx.new_page()
        sockets = []
        page.on("websocket", lambda ws: sockets.append(ws))
        page.goto(f"{base}/")
        wait_rendered(page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "proxy-page-view.png"))
        cookie = {c["name"]: c["value"] for c in ctx.cookies()}.get("warroom_node")
        assert page.locator('[data-testid="stMain"] h2').count() >= 1
        # As a PostgreSQL restart or failover does: every database session of both
        # processes ends. The next step on the page still draws, without an error.
        assert _terminate_app_sessions(pg_server) >= 1
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
            has_text="ปี พ.ศ.").click()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_timeout(500)
        wait_rendered(page)
        assert_no_exception(page)
        assert page.locator('[data-testid="stMain"] h2').count() >= 1
        page.screenshot(path=str(ARTIFACTS / "proxy-after-database-sessions-ended.png"))
    assert [ws.url for ws in sockets] == [f"{base.replace('http', 'ws')}/_stcore/stream"]
    port = {n["name"]: n["port"] for n in _status(run_dir)["nodes"]}[cookie]
    # The websocket was upgraded by the process the page came from (the line is written when
    # the socket closes).
    _wait(lambda: any(" 101 " in line and f" node={cookie} " in line
                      for line in (run_dir / "access.log").read_text().splitlines()
                      if "GET /_stcore/stream" in line), "the websocket's log line", timeout=20)
    streams = [line for line in (run_dir / "access.log").read_text().splitlines()
               if "GET /_stcore/stream" in line and f" node={cookie} " in line]
    assert streams and all(f"upstream=127.0.0.1:{port}" in line for line in streams)


def test_an_upload_reaches_the_process_of_its_session(proxy, tmp_path):
    """A data steward's import file goes through nginx to the process holding the session
    (the upload and the websocket on one process), and is checked there."""
    require_browser()
    from tests.test_import_browser import CSV

    base, _run = proxy
    upload = tmp_path / "poverty_2561.csv"
    upload.write_bytes(CSV)
    with browser() as ctx:
        page = ctx.new_page()
        served: list[tuple[int, str | None]] = []
        page.on("response", lambda r: served.append((r.status, r.headers.get("x-served-by")))
                if "/_stcore/upload_file/" in r.url else None)
        page.goto(f"{base}/data?lang=en")
        wait_rendered(page)
        cookie = {c["name"]: c["value"] for c in ctx.cookies()}["warroom_node"]
        page.get_by_role("tab", name="Import", exact=True).click()
        wait_rendered(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
            str(upload))
        page.get_by_text("poverty_2561.csv").first.wait_for(timeout=90_000)
        wait_rendered(page)
        page.get_by_text("Replace with the new value").click()
        wait_rendered(page)
        page.get_by_role("button", name="Check the file").click()
        wait_rendered(page)
        page.screenshot(path=str(ARTIFACTS / "proxy-upload-checked.png"))
        page.get_by_text("Covers 2 areas").wait_for(timeout=60_000)
        wait_rendered(page)
        assert_no_exception(page)
        page.screenshot(path=str(ARTIFACTS / "proxy-upload-checked.png"))
    assert served and all(status in (200, 204) and node == cookie for status, node in served)


def test_a_session_stays_on_its_process_and_follows_a_failover(proxy):
    base, run_dir = proxy
    nodes = {n["name"]: n for n in _status(run_dir)["nodes"]}
    status, headers, _ = _get(f"{base}/")
    first = _node_cookie(headers)
    assert status == 200 and first in nodes
    for _ in range(8):  # the page, its config, uploads: all to the process the cookie names
        status, headers, _ = _get(f"{base}/_stcore/host-config",
                                  {"Cookie": f"warroom_node={first}"})
        assert (status, headers["X-Served-By"], _node_cookie(headers)) == (200, first, None)
    seen = {_get(f"{base}/")[1]["X-Served-By"] for _ in range(6)}
    assert seen == set(nodes)  # browsers without the cookie are spread over both

    other = next(n for n in nodes if n != first)
    os.kill(nodes[first]["pid"], signal.SIGKILL)
    status, headers, _ = _get(f"{base}/", {"Cookie": f"warroom_node={first}"})
    # Moved to the surviving process, and the cookie now names it.
    assert (status, headers["X-Served-By"], _node_cookie(headers)) == (200, other, other)
    _wait(lambda: any(n["name"] == first and n["restarts"] == 1 and n["healthy"]
                      for n in _status(run_dir).get("nodes", [])), "the restarted process")
    for _ in range(4):  # back up, yet the moved session stays where its state now is
        status, headers, _ = _get(f"{base}/_stcore/host-config",
                                  {"Cookie": f"warroom_node={other}"})
        assert (status, headers["X-Served-By"]) == (200, other)


def test_a_process_whose_store_is_not_ready_is_kept_out(demo_db, tmp_path):
    """The supervisor asks the app's own health: a process whose store is missing starts
    marked down (nginx answers 502, not the app's "no store" page), and is let in once the
    store is there."""
    _require_nginx()
    port = free_port()
    run_dir = tmp_path / "serve"
    store = tmp_path / "later.duckdb"
    env = {**os.environ, "WARROOM_DB": str(store), "WARROOM_DATA_DIR": str(tmp_path)}
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "deploy.serve", "--port", str(port),
                             "--run-dir", str(run_dir), "--every", "1"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: proc.poll() is None and _status(run_dir).get("nodes"), "the supervisor")
        assert [n["healthy"] for n in _status(run_dir)["nodes"]] == [False]
        assert " down;" in (run_dir / "nginx.conf").read_text()
        _wait(lambda: _get(f"{base}/")[0] != 0, "nginx listening", 30)
        assert _get(f"{base}/")[0] == 502
        shutil.copyfile(demo_db, store)
        _wait(lambda: _status(run_dir)["nodes"][0]["healthy"], "the process let in", 30)
        _wait(lambda: _get(f"{base}/")[0] == 200, "nginx reloaded", 10)
        assert " down;" not in (run_dir / "nginx.conf").read_text()
        assert _get(f"{base}/api/health")[2].startswith(b'{"status":"ok"')
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
