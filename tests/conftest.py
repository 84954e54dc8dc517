"""Shared fixtures: a small demo store built once per test session, and the app environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from data.scope import AccessScope
from tests.backends import (  # noqa: F401  (fixtures over DuckDB and PostgreSQL)
    any_demo_copy_url,
    any_empty_store,
    any_store,
    any_store_url,
    pg_demo_url,
    pg_server,
)

REPO = Path(__file__).resolve().parent.parent
# ../shared/geo beside the main checkout; worktrees (/work/wt/NAME) live one level deeper.
SHARED_GEO = next((p for p in (REPO.parent / "shared" / "geo",
                               REPO.parent.parent / "shared" / "geo") if p.is_dir()),
                  REPO.parent / "shared" / "geo")
TEST_SCALE = 0.004


@pytest.fixture(autouse=True, scope="session")
def _backups_outside_the_repo(tmp_path_factory):
    """Automatic backups (before migrations, restores, demo replacements) go to a folder of
    the test session, never into the working copy's var/."""
    saved = os.environ.get("WARROOM_BACKUP_DIR")
    os.environ["WARROOM_BACKUP_DIR"] = str(tmp_path_factory.mktemp("backups"))
    yield
    if saved is None:
        os.environ.pop("WARROOM_BACKUP_DIR", None)
    else:
        os.environ["WARROOM_BACKUP_DIR"] = saved


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo DuckDB store at a small scale (all 77 provinces, every level populated)."""
    from data.demo import build

    path = tmp_path_factory.mktemp("store") / "demo.duckdb"
    build(path, scale=TEST_SCALE, seed=7, log=lambda _msg: None)
    return path


@pytest.fixture()
def store(any_store):  # noqa: F811 - the fixture, used by name
    """A read-only handle on the session's demo store: every data-layer test that takes it
    runs on DuckDB and on PostgreSQL."""
    return any_store


@pytest.fixture()
def app_env(demo_db, tmp_path, monkeypatch):
    """Environment for AppTest runs: a copy of the demo store of this test's own (what one
    test writes - accounts, audit events, imports, sign-in failures - never reaches another),
    demo mode on, caches cleared."""
    import shutil

    import streamlit as st

    copy = tmp_path / "app-store.duckdb"
    shutil.copyfile(demo_db, copy)
    monkeypatch.setenv("WARROOM_DB", str(copy))
    monkeypatch.setenv("WARROOM_DEMO", "1")
    # A test system: its tests add accounts and imports beside the demo users
    # (tests/test_access_pages.py checks the guard without this).
    monkeypatch.setenv("WARROOM_DEMO_FORCE", "1")
    monkeypatch.chdir(REPO)
    st.cache_data.clear()
    st.cache_resource.clear()
    from data.throttle import THROTTLE

    THROTTLE._memory.clear()  # the back-off of this process, shared by every AppTest run
    yield copy
    st.cache_data.clear()
    st.cache_resource.clear()
    for leftover in (copy, Path(f"{copy}.wal")):
        leftover.unlink(missing_ok=True)


@pytest.fixture()
def everything() -> AccessScope:
    return AccessScope.everything()


def shared_geo() -> Path | None:
    return SHARED_GEO if SHARED_GEO.is_dir() else None


def pytest_collection_modifyitems(config, items):
    # Cases on the PostgreSQL backend carry the "postgres" marker (select with -m postgres).
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec and "postgresql" in callspec.params.values():
            item.add_marker(pytest.mark.postgres)
    # Browser tests start servers and Chromium: run them last so fast failures show first.
    items.sort(key=lambda item: 1 if item.get_closest_marker("browser") else 0)
    del config


@pytest.fixture()
def exact_counts(monkeypatch):
    """Small-number protection off (threshold 1): for tests of the arithmetic itself, which
    compare every count with a direct computation; tests/test_disclosure.py covers the rule."""
    monkeypatch.setenv("WARROOM_SMALL_COUNT", "1")
