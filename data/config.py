"""Where the One Data store and the data directory live, read from the environment."""

from __future__ import annotations

import logging
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("warroom")


def data_dir() -> Path:
    """The git-ignored directory holding the store, installed boundaries and logs."""
    path = Path(os.environ.get("WARROOM_DATA_DIR", REPO_ROOT / "var"))
    return path


def database_url() -> str:
    """Connection URL of the store: ``duckdb:///path`` (default) or ``postgresql://...``.

    ``WARROOM_DB`` may also be a bare file path, read as a DuckDB file.
    """
    raw = os.environ.get("WARROOM_DB", "").strip()
    if not raw:
        return f"duckdb:///{data_dir() / 'warroom.duckdb'}"
    if "://" not in raw:
        return f"duckdb:///{Path(raw).resolve()}"
    return raw


def primary_url() -> str:
    """Where writes go: accounts, the audit log, imports and undo (``WARROOM_PRIMARY_DB``).

    Unset, it is the store itself. An app replica reading a read-only store (a PostgreSQL read
    replica, ``WARROOM_READ_ONLY=1``) points it at the primary that store replicates, so that
    every sign-in and export is still on record.
    """
    raw = os.environ.get("WARROOM_PRIMARY_DB", "").strip()
    if not raw:
        return database_url()
    if "://" not in raw:
        return f"duckdb:///{Path(raw).resolve()}"
    return raw


def read_only() -> bool:
    """``WARROOM_READ_ONLY=1``: the app opens the store read-only and never migrates it.

    Lets several app processes share one DuckDB file (DuckDB allows many read-only processes or
    one writer), and keeps an analytics replica's connection from attempting writes.
    """
    return os.environ.get("WARROOM_READ_ONLY", "").strip().lower() in {"1", "true", "yes", "on"}


def demo_mode() -> bool:
    """Demo users are offered at login only when this is explicitly switched on."""
    return os.environ.get("WARROOM_DEMO", "").strip().lower() in {"1", "true", "yes", "on"}


def run_slots() -> int:
    """How many page runs one app process executes at once (``WARROOM_RUN_SLOTS``).

    The default is the number of cores, at least 2: one run can wait on the store (which
    works outside Python's lock) while another computes. A value that is not a positive
    whole number is reported in the log and the default is used.
    """
    default = max(2, os.cpu_count() or 2)
    raw = os.environ.get("WARROOM_RUN_SLOTS", "").strip()
    if not raw:
        return default
    try:
        slots = int(raw)
    except ValueError:
        slots = 0
    if slots < 1:
        log.warning("WARROOM_RUN_SLOTS=%r is not a positive whole number; using %d", raw,
                    default)
        return default
    return slots
