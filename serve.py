"""Production entry point: the app (app.py) plus its own health endpoint, ``/api/health``.

``streamlit run serve.py`` serves exactly what ``streamlit run app.py`` does and adds the route a
load balancer asks (docs/deployment.md): 200 when this process's store is ready, 503 when it is
unreachable, missing, damaged, locked or not migrated. Streamlit's own ``/_stcore/health`` says
only that the web server is up.
"""

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def health(_request: Request) -> JSONResponse:
    from components.health import health_response, health_state

    # The store's queries block: off the event loop that carries every session's websocket.
    status, body = health_response(await run_in_threadpool(health_state))
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


app = st.App("app.py", routes=[Route("/api/health", health, methods=["GET", "HEAD"])])
