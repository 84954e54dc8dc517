"""The app's static files and components' files as a bare process serves them (serve.py):
lifetimes, validators (304) and gzip compressed once, so a returning browser does not download
and the app does not compress them again on every map view."""

from __future__ import annotations

import asyncio
import gzip

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from deploy import app_static


def _get(app, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """One request through an ASGI app: (status, headers, body)."""
    scope = {"type": "http", "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture
def static(tmp_path, monkeypatch):
    (tmp_path / "cache" / "geo").mkdir(parents=True)
    (tmp_path / "vendor").mkdir()
    geometry = b'{"type":"FeatureCollection","features":[' + b'{"a":1},' * 2000 + b'{}]}'
    (tmp_path / "cache" / "geo" / "province-abc.json").write_bytes(geometry)
    (tmp_path / "vendor" / "leaflet.js").write_bytes(b"var L = 1;\n" * 500)
    (tmp_path / "favicon.png").write_bytes(b"\x89PNG" + b"\0" * 2000)
    monkeypatch.setattr(app_static, "ROOT", tmp_path)
    app = Starlette(routes=[Route("/app/static/{path:path}", app_static.app_static,
                                  methods=["GET", "HEAD"])])
    return app, geometry


def test_geometry_is_immutable_gzipped_once_and_revalidated(static):
    app, geometry = static
    status, head, body = _get(app, "/app/static/cache/geo/province-abc.json",
                              {"Accept-Encoding": "gzip, br"})
    assert status == 200
    assert head["cache-control"] == app_static.IMMUTABLE
    assert head["content-encoding"] == "gzip" and head["vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == geometry and len(body) < len(geometry) / 10
    assert head["content-type"].startswith("application/json")
    assert head["x-content-type-options"] == "nosniff"
    # The same version is compressed once: the second answer is the kept body.
    held = len(app_static._gzipped)
    assert _get(app, "/app/static/cache/geo/province-abc.json",
                {"Accept-Encoding": "gzip"})[2] == body
    assert len(app_static._gzipped) == held
    # A browser that holds it asks with its validator and gets no body.
    status, head304, body304 = _get(app, "/app/static/cache/geo/province-abc.json",
                                    {"If-None-Match": head["etag"]})
    assert status == 304 and body304 == b"" and head304["etag"] == head["etag"]


def test_other_files_live_a_day_and_go_uncompressed_when_not_accepted(static):
    app, _ = static
    status, head, body = _get(app, "/app/static/vendor/leaflet.js")
    assert status == 200 and head["cache-control"] == app_static.ONE_DAY
    assert "content-encoding" not in head and body == b"var L = 1;\n" * 500
    status, head, _ = _get(app, "/app/static/favicon.png", {"Accept-Encoding": "gzip"})
    assert status == 200 and "content-encoding" not in head  # PNG is compressed already
    status, head, body = _get(app, "/app/static/vendor/leaflet.js", method="HEAD")
    assert status == 200 and body == b"" and head["content-length"] == str(11 * 500)


def test_a_changed_file_gets_a_new_validator(static, tmp_path):
    app, _ = static
    tag = _get(app, "/app/static/vendor/leaflet.js")[1]["etag"]
    (tmp_path / "vendor" / "leaflet.js").write_bytes(b"var L = 2;\n" * 400)
    status, head, body = _get(app, "/app/static/vendor/leaflet.js", {"If-None-Match": tag})
    assert status == 200 and head["etag"] != tag and body.startswith(b"var L = 2;")


@pytest.mark.parametrize("path, status", [
    ("/app/static/../serve.py", 400), ("/app/static/vendor/../../x", 400),
    ("/app/static/missing.json", 404), ("/app/static/vendor", 404)])
def test_nothing_outside_the_directory_or_missing_is_served(static, path, status):
    app, _ = static
    assert _get(app, path)[0] == status


def test_components_files_get_a_days_lifetime_and_nothing_else_does():
    async def page(request):
        code = 404 if request.url.path.endswith("missing") else 200
        return PlainTextResponse("x", status_code=code, headers={"Cache-Control": "no-cache"})

    inner = Starlette(routes=[Route("/{path:path}", page)])
    app = app_static.ComponentLifetime(inner)
    head = _get(app, "/component/streamlit_folium.st_folium/index.html")[1]
    assert head["cache-control"] == app_static.ONE_DAY
    assert _get(app, "/component/x/missing")[1]["cache-control"] == "no-cache"
    assert _get(app, "/poverty")[1]["cache-control"] == "no-cache"


def test_serve_py_puts_the_static_route_before_streamlits():
    import serve

    paths = [getattr(r, "path", None) for r in serve.app._user_routes]
    assert "/app/static/{path:path}" in paths and "/api/health" in paths
    assert any(m.cls is app_static.ComponentLifetime for m in serve.app._user_middleware)
