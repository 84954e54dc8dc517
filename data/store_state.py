"""What state the configured store is in, named truthfully (missing, empty, in use, read-only,
damaged, newer or older schema, unreachable, ready), with what to do about each."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from data import config
from data.store import Store, StoreError, list_migrations, redact_url

# What an operator does about each state (the app shows its own translated words).
ADVICE = {
    "missing": "build the demo store with `python -m data demo`, or create an empty store with "
               "the area registry with `python -m data init` and import files",
    "empty": "the store has no area registry: `python -m data init` loads it (or "
             "`python -m data demo --replace` for synthetic data)",
    "locked": "another process holds the DuckDB file: stop it, or let it finish; "
              "administration beside a running app works through the app's pages or with a "
              "PostgreSQL store (docs/deployment.md)",
    "read_only": "give the service account write access to the store (and its folder), or run "
                 "the app with WARROOM_READ_ONLY=1 and a WARROOM_PRIMARY_DB for writes",
    "damaged": "restore the latest backup: `python -m data backups` lists them, "
               "`python -m data restore FILE --replace` restores one",
    "newer_schema": "this store was upgraded by a newer War Room: run that version, or restore a "
                    "backup taken before the upgrade",
    "outdated": "run `python -m data migrate` against the primary store (a release step), then "
                "restart the app",
    "unreachable": "check that the PostgreSQL server is running and that WARROOM_DB is right",
    "error": "see the message; the server log has the details",
    "ready": "",
}


@dataclass(frozen=True)
class StoreState:
    state: str
    message: str
    holder: str = ""
    schema_version: int | None = None
    code_version: int | None = None
    store: str = ""

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    @property
    def advice(self) -> str:
        return ADVICE.get(self.state, ADVICE["error"])

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "advice": self.advice}


def from_error(exc: StoreError, url: str = "") -> StoreState:
    return StoreState(exc.state, str(exc), holder=exc.holder,
                      store=redact_url(url or config.database_url()))


def inspect_store(store: Store, *, read_only: bool) -> StoreState:
    """The state of a store that opened: schema against the code, area registry present."""
    where = redact_url(store.url)
    known = list_migrations(store.dialect)
    code_version = known[-1].version if known else 0
    try:
        version = store.schema_version()
        pending = store.pending_migrations()
    except StoreError as exc:
        return StoreState(exc.state, str(exc), store=where, code_version=code_version)
    if not version:
        return StoreState("empty", "the store has no War Room schema yet", store=where,
                          schema_version=0, code_version=code_version)
    if pending:
        if read_only:
            return StoreState("outdated", f"the store's schema is version {version}; this code "
                              f"needs {code_version}", store=where, schema_version=version,
                              code_version=code_version)
    if not store.table_exists("areas") or not store.scalar("SELECT COUNT(*) FROM areas"):
        return StoreState("empty", "the store holds no area registry", store=where,
                          schema_version=version, code_version=code_version)
    return StoreState("ready", "the store is ready", store=where, schema_version=version,
                      code_version=code_version)


def probe(url: str | None = None) -> StoreState:
    """Tell the store's state without creating or changing it (``python -m data status``).

    A DuckDB file that the running app holds is read from a snapshot: in use is its normal
    state, and the holder is named.
    """
    from data.backup import open_for_reading

    url = url or config.database_url()
    try:
        store, note = open_for_reading(url)
    except StoreError as exc:
        return from_error(exc, url)
    try:
        state = inspect_store(store, read_only=config.read_only())
    except StoreError as exc:
        return from_error(exc, url)
    finally:
        store.close()
    if note:
        state = StoreState(state.state, f"{state.message}; {note}", state.holder,
                           state.schema_version, state.code_version, redact_url(url))
    return state
