"""Bytes a browser transfers for a first and a repeat visit, measured with headless Chromium.

``python -m bench.transfer --url http://127.0.0.1:8080/`` (e.g. ``make serve``; or a bare app
process to compare): opens the page in a fresh browser profile until it is drawn (first visit),
closes it and opens it again in the same profile (repeat visit, the browser's cache warm), and
reports, per visit, the HTTP bytes on the wire (headers and bodies as encoded, from Chromium's
network events), the body bytes decoded, the number of requests, and the websocket payload bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _visit(ctx, url: str, screenshot: str | None = None) -> dict[str, Any]:
    from tests.browser_util import wait_rendered

    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: dict[str, Any] = {"wire": 0, "requests": 0, "ws_in": 0, "ws_out": 0,
                            "cached": 0, "compressed": 0, "by_url": {}}
    urls: dict[str, str] = {}

    def response(p: dict[str, Any]) -> None:
        urls[p["requestId"]] = p["response"]["url"]
        if p["response"].get("fromDiskCache") or p["response"].get("fromPrefetchCache"):
            seen["cached"] += 1
        enc = {k.lower(): v for k, v in p["response"].get("headers", {}).items()}
        if enc.get("content-encoding") in ("gzip", "br"):
            seen["compressed"] += 1

    def finished(p: dict[str, Any]) -> None:
        seen["wire"] += int(p["encodedDataLength"])
        seen["requests"] += 1
        url = urls.get(p["requestId"], "?")
        seen["by_url"][url] = seen["by_url"].get(url, 0) + int(p["encodedDataLength"])

    cdp.on("Network.responseReceived", response)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived",
           lambda p: seen.__setitem__("ws_in", seen["ws_in"] + len(p["response"]["payloadData"])))
    cdp.on("Network.webSocketFrameSent",
           lambda p: seen.__setitem__("ws_out", seen["ws_out"] + len(p["response"]["payloadData"])))
    page.goto(url)
    wait_rendered(page)
    page.wait_for_timeout(1500)  # late fetches: component frames, map geometry
    if screenshot:
        page.screenshot(path=screenshot, full_page=False)
    page.close()
    top = sorted(seen.pop("by_url").items(), key=lambda kv: -kv[1])[:5]
    seen["largest"] = [{"url": u.split("?")[0][-70:], "bytes": b} for u, b in top]
    return seen


def measure(url: str, screenshot_prefix: str | None = None) -> dict[str, Any]:
    from tests.browser_util import browser

    with browser() as ctx:
        first = _visit(ctx, url, f"{screenshot_prefix}-first.png" if screenshot_prefix else None)
        repeat = _visit(ctx, url,
                        f"{screenshot_prefix}-repeat.png" if screenshot_prefix else None)
    return {"url": url, "first": first, "repeat": repeat}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.transfer", description=__doc__)
    ap.add_argument("--url", required=True)
    ap.add_argument("--screenshots", default=None, help="path prefix for two screenshots")
    args = ap.parse_args(argv)
    result = measure(args.url, args.screenshots)
    for visit in ("first", "repeat"):
        v = result[visit]
        print(f"{visit:7} visit: {v['wire'] / 1e6:6.2f} MB over HTTP in {v['requests']} "
              f"requests ({v['compressed']} compressed, {v['cached']} from cache), websocket "
              f"{v['ws_in'] / 1e3:.0f} kB in / {v['ws_out'] / 1e3:.1f} kB out")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
