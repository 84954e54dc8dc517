"""The load test's HTTP side: what a browser fetches for a page view, with a browser's cache.

A view of the app costs more than its websocket messages: the first request of a tab fetches
the page (``index.html``) and the scripts and style sheets it names, Streamlit's
``/_stcore/health`` and ``/_stcore/host-config``; each map a view draws creates a component
frame (``/component/<name>/index.html`` and the scripts it names) that fetches Leaflet, the Thai
font and the map geometry (``/app/static/...``, named in the component's arguments). A
``BrowserCache`` keeps what a browser keeps: a response with ``max-age`` is not asked for again
while fresh, one without is asked again with ``If-None-Match`` / ``If-Modified-Since`` (a 304
costs a round trip, not the body). Requests run on a thread pool (urllib), so the event loop
that carries the websockets is not held up; bytes are counted as sent (compressed when the
server compresses).
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

# Names of assets in an HTML page and in a component's arguments.
_HTML_REFS = re.compile(r"""(?:src|href)=["']([^"'#]+\.(?:js|css|mjs))["']""")
_STATIC_REFS = re.compile(r"""app/static/[\w/.\-]+\.(?:json|js|css|ttf|woff2?|png)\b""")
_MAX_AGE = re.compile(r"max-age=(\d+)")

try:  # brotli when the client can read it (the proxy then sends what a browser gets)
    import brotli  # type: ignore[import-not-found]  # noqa: F401

    ACCEPT = "gzip, br"
except ImportError:
    ACCEPT = "gzip"
POOL = ThreadPoolExecutor(max_workers=48, thread_name_prefix="loadtest-http")


@dataclass
class Fetched:
    """One URL as the cache holds it."""

    fresh_until: float  # monotonic time; 0 = ask again (conditionally) every time
    etag: str = ""
    last_modified: str = ""
    body: bytes = b""


@dataclass
class BrowserCache:
    """One browser profile's HTTP cache and cookies (the proxy's process cookie)."""

    entries: dict[str, Fetched] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def copy(self) -> BrowserCache:
        return BrowserCache(dict(self.entries), dict(self.cookies))

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


@dataclass
class HttpStats:
    requests: int = 0
    not_modified: int = 0
    from_cache: int = 0
    bytes: int = 0
    errors: list[str] = field(default_factory=list)


def _get(url: str, headers: dict[str, str], timeout: float) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, b""


class HttpClient:
    """Fetches for one session against ``base`` (``http://host:port``), through its cache."""

    def __init__(self, base: str, cache: BrowserCache, timeout: float) -> None:
        self.base = base.rstrip("/")
        self.cache = cache
        self.timeout = timeout
        self.stats = HttpStats()

    async def get(self, path: str) -> bytes:
        """The body of ``path`` (from the cache when fresh), as a browser would get it."""
        url = path if path.startswith("http") else f"{self.base}/{path.lstrip('/')}"
        key = url.split("?")[0]
        held = self.cache.entries.get(key)
        if held is not None and held.fresh_until > time.monotonic():
            self.stats.from_cache += 1
            return held.body
        headers = {"Accept-Encoding": ACCEPT, "User-Agent": "warroom-loadtest"}
        if self.cache.cookies:
            headers["Cookie"] = self.cache.cookie_header()
        if held is not None and held.etag:
            headers["If-None-Match"] = held.etag
        elif held is not None and held.last_modified:
            headers["If-Modified-Since"] = held.last_modified
        loop = asyncio.get_running_loop()
        try:
            status, head, body = await loop.run_in_executor(
                POOL, _get, url, headers, self.timeout)
        except OSError as exc:
            self.stats.errors.append(f"GET {key[len(self.base):]}: {exc}"[:200])
            return b""
        self.stats.requests += 1
        self.stats.bytes += len(body) + sum(len(k) + len(v) + 4 for k, v in head.items())
        cookie = head.get("set-cookie", "")
        if "=" in cookie:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cache.cookies[name.strip()] = value.strip()
        if status == 304 and held is not None:
            self.stats.not_modified += 1
            return held.body
        if status >= 400:
            self.stats.errors.append(f"GET {key[len(self.base):]}: HTTP {status}")
            return b""
        if head.get("content-encoding") in ("gzip", "br"):
            body = _decoded(body, head["content-encoding"])
        control = head.get("cache-control", "")
        age = _MAX_AGE.search(control)
        fresh = time.monotonic() + int(age.group(1)) if age and "no-cache" not in control else 0
        self.cache.entries[key] = Fetched(fresh, head.get("etag", ""),
                                          head.get("last-modified", ""), body)
        return body

    async def open_tab(self, page: str, query: str) -> None:
        """A new tab on ``/page?query``: the page, what it names, health and host-config."""
        html = await self.get(f"/{page}?{query}")
        refs = [r for r in _HTML_REFS.findall(html.decode("utf-8", "replace"))
                if not r.startswith(("http:", "https:", "//"))]
        await asyncio.gather(*(self.get(_join("/", r)) for r in refs),
                             self.get("/_stcore/health"), self.get("/_stcore/host-config"))

    async def component_frame(self, name: str, json_args: str) -> None:
        """A component frame drawn for the first time: its page, its scripts, then what its
        arguments name (Leaflet, the font, the map geometry)."""
        base = f"/component/{name}/"
        html = await self.get(base + "index.html")
        refs = _HTML_REFS.findall(html.decode("utf-8", "replace"))
        await asyncio.gather(*(self.get(_join(base, r)) for r in refs
                               if not r.startswith(("http:", "https:", "//"))))
        await self.static_refs(json_args)

    async def static_refs(self, json_args: str) -> None:
        """The app's static files a component's arguments name (new geometry on a drill-down)."""
        await asyncio.gather(*(self.get("/" + r)
                               for r in dict.fromkeys(_STATIC_REFS.findall(json_args))))


def _join(base: str, ref: str) -> str:
    if ref.startswith("/"):
        return ref
    ref = ref[2:] if ref.startswith("./") else ref
    return base + ref


def _decoded(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        import gzip

        return gzip.decompress(body)
    import brotli  # type: ignore[import-not-found]

    return brotli.decompress(body)


def seed_static(cache: BrowserCache, entries: dict[str, Any]) -> None:
    """Make ``cache`` hold what a returning browser holds: what has a long lifetime (used
    without asking) and what has a validator (asked again with it: a 304 without the body)."""
    for key, fetched in entries.items():
        if fetched.fresh_until > time.monotonic() + 3600 or fetched.etag or fetched.last_modified:
            cache.entries[key] = fetched
