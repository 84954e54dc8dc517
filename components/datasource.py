"""The app's handle on the store: one cached connection, the user's scope, cached query calls."""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
import weakref
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from data.area_filter import rows_inside
from data.scope import AccessScope
from data.store import Store, StoreError, open_store
from data.store_state import StoreState, from_error, inspect_store

log = logging.getLogger("warroom")
T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    """One store per process, shared by all sessions (each thread gets its own cursor).

    Never creates a store: a missing file is reported as missing, not turned into an empty
    store that looks built. A failure is not cached; the next run tries again.
    """
    from data import config

    return open_store(read_only=config.read_only(), create=False)


@st.cache_resource(show_spinner=False)
def get_writer() -> Store:
    """The store that takes writes (audit log, accounts, imports): the primary, if one is set.

    The primary is migrated by its own release step; a replica never migrates it.
    """
    from data import config

    if config.primary_url() == config.database_url():
        return get_store()
    return Store(config.primary_url(), create=False)


def audit_writable() -> bool:
    """Every access must be on record: without a writable store nobody may sign in."""
    try:
        return not get_writer().read_only
    except StoreError:
        log.exception("the primary store is not available")
        return False


# When each store was last seen ready (monotonic seconds), and for how long to trust it.
_READY_SEEN: weakref.WeakKeyDictionary[Store, float] = weakref.WeakKeyDictionary()
READY_TTL_S = 10.0


def store_state() -> StoreState:
    """The store's state, named truthfully (missing, empty, in use, read-only, damaged, ...).

    A ready store is trusted for ``READY_TTL_S`` (asking on every rerun costs each page a
    query); a store that stops answering within that time shows its error on the page's own
    queries instead.
    """
    from data import config

    try:
        store = get_store()
    except StoreError as exc:
        log.warning("store not available (%s): %s", exc.state, exc)
        return from_error(exc)
    now = time.monotonic()
    if now - _READY_SEEN.get(store, -math.inf) < READY_TTL_S:
        return READY
    try:
        state = inspect_store(store, read_only=config.read_only())
    except Exception as exc:  # noqa: BLE001 - a driver error is named, never called empty
        log.exception("store state unknown")
        return from_error(StoreError(f"the store did not answer: {exc}"))
    if state.ready:
        _READY_SEEN[store] = now
    return state


READY = StoreState("ready", "the store is ready")


def current_scope() -> AccessScope:
    """The signed-in user's scope; nothing at all when nobody is signed in (deny by default)."""
    scope = st.session_state.get("scope")
    return scope if isinstance(scope, AccessScope) else AccessScope.nothing()


@st.cache_data(ttl=5, max_entries=1, show_spinner=False)
def data_version() -> tuple[Any, ...]:
    """Changes whenever an import is committed or undone, so cached results are refreshed."""
    store = get_store()
    row = store.rows(
        "SELECT COUNT(*), COALESCE(MAX(batch_id), 0), "
        "COALESCE(SUM(CASE WHEN status = 'undone' THEN 1 ELSE 0 END), 0) FROM import_batches")
    version = tuple(row[0]) if row else ()
    # A steward's codebook change moves the scores too (bounds, issue 22).
    if store.table_exists("indicator_codebook_history"):
        version += (store.scalar("SELECT COALESCE(MAX(change_id), 0) FROM "
                                 "indicator_codebook_history"),)
    return version


# Values whose repr spells them exactly and differently from every other value of these types.
_PLAIN = frozenset({str, int, float, bool, type(None), Decimal, dt.date, dt.datetime})


def _plain(value: Any) -> Any:
    """``value`` as plain values only, so that its repr can stand in for it in a cache key."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple or kind is list:
        return tuple(_plain(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return (kind.__module__, kind.__qualname__,
                tuple((f.name, _plain(getattr(value, f.name))) for f in fields(value)))
    if isinstance(value, np.generic):
        return _plain(value.item())
    # A set's repr depends on its order, another object's on its address: not a key.
    raise TypeError(f"cache key: {kind.__name__} is not a plain value")


def cache_key(fn_path: str, scope: AccessScope, version: tuple[Any, ...],
              args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> str:
    """One string naming a cached call: the query, the caller's rights, the data and arguments.

    One string, because keyed on the parts as objects Streamlit inspected the function's
    signature and walked the scope dataclass on every call (bench: the cached-call figures).
    """
    return repr((fn_path, _plain(scope.rights()), _plain(version), _plain(args),
                 _plain(kwargs)))


@st.cache_data(ttl=600, max_entries=2048, show_spinner=False)
def _cached_call(key: str, *, _fn: Callable[..., Any], _scope: AccessScope,
                 _args: tuple[Any, ...], _kwargs: tuple[tuple[str, Any], ...]) -> Any:
    # Only ``key`` is hashed; it names the query and holds the scope's rights and the data
    # version, so results never cross users' scopes (see cache_key).
    return _fn(get_store(), _scope, *_args, **dict(_kwargs))


def fetch(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a data-layer query ``fn(store, scope, *args)`` through the shared cache.

    Arguments must be small plain values (codes, years, names, tuples and frozen dataclasses
    of them), never DataFrames.
    """
    return fetch_for(current_scope(), fn, *args, **kwargs)


def fetch_within(fn: Callable[..., pd.DataFrame], level: str, year: int,
                 parent: str | None) -> pd.DataFrame:
    """``fetch(fn, level, year, parent)`` cut from the whole level's result, which one cached
    call per year serves to every session (rows of one province's districts: codes starting
    with the province's).

    Only for queries whose row for an area depends on that area's values alone (the SDG index
    by area, ``index_movers``): the whole level costs about what one province does on the
    national store (23-75 ms against 17-45 ms), and every other province then hits the cache.
    A region (``R:...``) or no parent is fetched as asked. ``tests/test_fetch_within.py`` holds
    the cut equal to the narrowed call.
    """
    if not parent or parent.startswith("R:"):
        return fetch(fn, level, year, parent)
    return rows_inside(fetch(fn, level, year), parent).reset_index(drop=True)


def fetch_for(scope: AccessScope, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fetch`` for an explicit scope: for work done outside a page run, where the session is
    out of reach (a deferred download such as the province brief)."""
    path = f"{fn.__module__}:{fn.__qualname__}"
    scope = rights_of(scope)
    args, items = tuple(args), tuple(sorted(kwargs.items()))
    # Keyword arguments only: Streamlit reads a positional argument's name from the
    # function's signature on every call.
    return _cached_call(key=cache_key(path, scope, data_version(), args, items),
                        _fn=fn, _scope=scope, _args=args, _kwargs=items)


def rights_of(scope: AccessScope) -> AccessScope:
    """The scope a cached query sees: the user's rights without the user's name.

    Results are shared by everyone with the same rights and never across different rights;
    keyed on the name, every user of a ministry-wide deployment would have missed the cache on
    every first view.
    """
    return scope.without_user()
