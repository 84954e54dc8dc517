"""The app's own health answer for a load balancer: ready only when its store is usable."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from data.store import Store, StoreError
from data.store_state import StoreState, from_error, inspect_store

log = logging.getLogger("warroom")


def health_state(get_store: Callable[[], Store] | None = None) -> StoreState:
    """The state of the store this process serves from, asked afresh (no cached answer).

    Strict where the page is lenient: a migration the store lacks is ``outdated`` even for a
    writable app (it migrates at open, so one still pending means it could not).
    """
    if get_store is None:
        from components.datasource import get_store
    try:
        store = get_store()
    except StoreError as exc:
        return from_error(exc)
    try:
        return inspect_store(store, read_only=True)
    except StoreError as exc:
        return from_error(exc, store.url)
    except Exception as exc:  # noqa: BLE001 - a driver error means unusable, never "empty"
        return StoreState("unreachable" if store.dialect == "postgresql" else "error",
                          f"the store did not answer: {exc}")


def health_response(state: StoreState) -> tuple[int, dict[str, Any]]:
    """HTTP status and body: 200 when ready, 503 otherwise (the proxy stops sending users).

    The body names the state and the schema versions only; paths, hosts and driver messages
    stay in the server log.
    """
    body = {"status": "ok" if state.ready else "unhealthy", "store": state.state,
            "schema_version": state.schema_version, "code_version": state.code_version}
    if not state.ready:
        log.warning("health: store %s: %s", state.state, state.message)
    return (200 if state.ready else 503), body
