"""The app's own static files (``/app/static/...``) with browser lifetimes, validators and gzip.

Streamlit's route for ``/app/static`` sends each file whole on every request, with no lifetime
and no answer to ``If-None-Match``, and compresses it again in the event loop that carries every
session's websocket: about 14 ms of the app's CPU per map view on a bare process (the map
geometry, Leaflet and the font; ``bench/profile_view.py``). ``serve.py`` puts this route in
front of it:

* ``cache/`` (map geometry named by its content hash): a year, ``immutable``;
  everything else (Leaflet, the font, the favicon): a day, as nginx gives them
  (``deploy/nginx.conf.in``);
* an ``ETag`` from size and modification time, and ``304 Not Modified`` when it matches;
* gzip for text types when the browser accepts it, compressed once per file version (off the
  event loop) and kept in memory (at most ``_GZIP_BUDGET`` bytes);
* Streamlit's own rules otherwise: a path that leaves the directory is refused (400), the
  content type from the file name with ``nosniff``, files over Streamlit's size limit 404.

Components' files (``/component/...``, a route Streamlit reserves) get a day's lifetime from
``ComponentLifetime``, a middleware, as behind nginx.
"""

from __future__ import annotations

import gzip
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from streamlit.web.server.component_file_utils import build_safe_abspath, guess_content_type
from streamlit.web.server.starlette.starlette_server_config import MAX_APP_STATIC_FILE_SIZE

ROOT = Path(__file__).resolve().parent.parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
ONE_DAY = "public, max-age=86400"
_COMPRESSIBLE = (".json", ".js", ".css", ".ttf", ".svg", ".txt", ".geojson", ".map")
_MIN_GZIP = 1024
_GZIP_BUDGET = 64 * 1024 * 1024
_gzipped: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_gzipped_bytes = 0
_lock = threading.Lock()


def lifetime(relative: str) -> str:
    """Cache-Control for a file under ``static/``: content-hashed geometry never changes."""
    return IMMUTABLE if relative.startswith("cache/") else ONE_DAY


def etag(stat: os.stat_result) -> str:
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def _matches(header: str, tag: str) -> bool:
    """``If-None-Match`` names ``tag`` (weak or strong, or ``*``)."""
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return "*" in candidates or tag in candidates or f'{tag[:-1]}-gzip"' in candidates


def _gzip_body(path: str, tag: str) -> bytes:
    """The file compressed, once per version (path and ETag); the oldest dropped past budget."""
    global _gzipped_bytes
    key = (path, tag)
    with _lock:
        held = _gzipped.get(key)
        if held is not None:
            _gzipped.move_to_end(key)
            return held
    body = gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)
    with _lock:
        if key not in _gzipped:
            _gzipped[key] = body
            _gzipped_bytes += len(body)
            while _gzipped_bytes > _GZIP_BUDGET and len(_gzipped) > 1:
                _, dropped = _gzipped.popitem(last=False)
                _gzipped_bytes -= len(dropped)
    return body


async def app_static(request: Request) -> Response:
    """``GET/HEAD /app/static/{path}``: see the module docstring."""
    relative = request.path_params.get("path", "")
    safe = build_safe_abspath(str(ROOT.resolve()), relative)
    if safe is None:
        return Response("Bad Request", status_code=400)
    try:
        stat = await run_in_threadpool(os.stat, safe)
    except OSError:
        return Response("File not found", status_code=404)
    if not os.path.isfile(safe) or stat.st_size > MAX_APP_STATIC_FILE_SIZE:
        return Response("File not found", status_code=404)
    tag = etag(stat)
    headers = {"Cache-Control": lifetime(relative), "ETag": tag, "Vary": "Accept-Encoding",
               "X-Content-Type-Options": "nosniff", "Access-Control-Allow-Origin": "*"}
    if _matches(request.headers.get("if-none-match", ""), tag):
        return Response(status_code=304, headers=headers)
    media = guess_content_type(safe)
    wants_gzip = "gzip" in request.headers.get("accept-encoding", "")
    if wants_gzip and safe.endswith(_COMPRESSIBLE) and stat.st_size >= _MIN_GZIP:
        body = await run_in_threadpool(_gzip_body, safe, tag)
        headers["Content-Encoding"] = "gzip"
    else:
        body = await run_in_threadpool(Path(safe).read_bytes)
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, headers=headers, media_type=media)
    return Response(body, headers=headers, media_type=media)


class ComponentLifetime:
    """ASGI middleware: a day's browser lifetime for components' files (``/component/...``).

    Streamlit serves them with none, so a returning browser downloads a map component's page
    and script on every map it draws (and the app compresses them again each time). Only
    successful answers are given a lifetime.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or "/component/" not in scope.get("path", ""):
            await self.app(scope, receive, send)
            return

        async def send_with_lifetime(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 200:
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"cache-control"]
                headers.append((b"cache-control", ONE_DAY.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_lifetime)
