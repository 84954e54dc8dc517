"""Demo sign-in's guard: demo users are offered only where they cannot meet real data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import streamlit as st

from components.datasource import get_writer
from data import config, users
from data.config import demo_mode

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# This page run's answer, inside ``one_answer_per_run`` only (a one-item list: asked yet?).
_THIS_RUN: ContextVar[list[str | None] | None] = ContextVar("demo_refusal_this_run",
                                                            default=None)


@contextmanager
def one_answer_per_run() -> Iterator[None]:
    """Within a page run, ask the store once: the session check, the sign-in screen and the
    sidebar's notice asked it up to three times, about 2-3 ms each. One run is one step, so
    a real account or an import still ends a demo session at its next step; callbacks (a
    demo button) run before the shell and ask for themselves."""
    token = _THIS_RUN.set([])
    try:
        yield
    finally:
        _THIS_RUN.reset(token)


def demo_refusal() -> str | None:
    """Why demo sign-in is off although demo mode is on (a translation key), else None.

    Demo users must never meet real data: not on a store that holds real accounts or imported
    batches, not on a server that listens beyond this machine, unless WARROOM_DEMO_FORCE says
    this is a test system.
    """
    memo = _THIS_RUN.get()
    if memo:
        return memo[0]
    refusal = _refusal()
    if memo is not None:
        memo.append(refusal)
    return refusal


def _refusal() -> str | None:
    if config.get("WARROOM_DEMO_FORCE"):
        return None
    address = str(st.get_option("server.address") or "")
    if address not in _LOOPBACK:
        return "access_demo_refused_address"
    # Asked once on every run (two small tables): a demo session must end at its next step once
    # a real account or an import arrives.
    # Batches imported by the demo users themselves are demo data.
    # Whether any such row exists, not how many: half the CPU of two counts and a list
    # parameter (0.8-1.0 against 1.4-1.7 ms on DuckDB).
    demo = [u.username for u in users.DEMO_USERS]
    real = get_writer().rows(
        "SELECT 1 FROM users UNION ALL SELECT 1 FROM import_batches WHERE status = "
        f"'committed' AND imported_by NOT IN ({', '.join('?' * len(demo))}) LIMIT 1", demo)
    return "access_demo_refused_data" if real else None


def demo_offered() -> bool:
    """Demo users are offered when demo mode is on and nothing refuses it (``demo_refusal``)."""
    return demo_mode() and demo_refusal() is None
