"""Production entry point: the app (app.py) plus its own health endpoint, ``/api/health``.

``streamlit run serve.py`` serves exactly what ``streamlit run app.py`` does and adds the route a
load balancer asks (docs/deployment.md): 200 when this process's store is ready, 503 when it is
unreachable, missing, damaged, locked or not migrated. Streamlit's own ``/_stcore/health`` says
only that the web server is up. The app's static files (map geometry, Leaflet, the font) and
components' files are served with browser lifetimes, validators and gzip kept in memory
(``deploy/app_static.py``), so a bare process does not send and compress them again per view.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from deploy.app_static import ComponentLifetime, app_static


async def health(_request: Request) -> JSONResponse:
    from components.health import health_response, health_state

    # The store's queries block: off the event loop that carries every session's websocket.
    status, body = health_response(await run_in_threadpool(health_state))
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


@asynccontextmanager
async def warm_up(_app: st.App) -> AsyncIterator[None]:
    """Once the runtime has started: the first page run's process-wide work, in a thread
    (``components/warmup.py``; ``WARROOM_WARMUP=0`` switches it off)."""
    from components import warmup

    warmup.start()
    yield


app = st.App("app.py", lifespan=warm_up,
             routes=[Route("/api/health", health, methods=["GET", "HEAD"]),
                     Route("/app/static/{path:path}", app_static, methods=["GET", "HEAD"])],
             middleware=[Middleware(ComponentLifetime)])
