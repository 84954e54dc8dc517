"""Failed sign-ins counted per account and source address, with an exponential back-off in place
of an indefinite lock; kept apart from the audit log so that it holds when audit writes fail."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass

import pandas as pd

from data.store import Store

# Failures allowed before the first wait, the first wait, and its cap (doubled per failure).
FREE_FAILURES = 5
FIRST_WAIT_S = 60
MAX_WAIT_S = 3600
# One address trying many names: allowed more failures before it waits.
ADDRESS_FREE_FAILURES = 20
# Failures older than this are forgotten when the next one comes.
FORGET_AFTER = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Attempt:
    """Who is trying to sign in: the name as typed (normalised) and the source address."""

    name: str
    address: str

    def keys(self) -> tuple[tuple[str, int], ...]:
        return ((account_key(self.name, self.address), FREE_FAILURES),
                (f"addr:{self.address or '-'}", ADDRESS_FREE_FAILURES))


def name_hash(name: str) -> str:
    """A short hash of a name tried at sign-in: records and keys never hold the name itself."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


def account_key(name: str, address: str) -> str:
    return f"acct:{name_hash(name)}|{address or '-'}"


def wait_after(failures: int, free: int) -> float:
    """Seconds an attempt must wait after ``failures`` failures (0 while under ``free``)."""
    if failures < free:
        return 0.0
    return float(min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** (failures - free)))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Throttle:
    """The back-off of one process, written through to the store when it can be.

    The in-memory copy is what makes guessing slow even when the store refuses writes; the
    store's copy is what several app processes share.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._memory: dict[str, tuple[int, dt.datetime, dt.datetime | None]] = {}

    def blocked_for(self, store: Store | None, attempt: Attempt) -> float:
        """Seconds until this attempt may be checked (0: go ahead)."""
        now = _now()
        keys = [k for k, _ in attempt.keys()]
        until = [row[2] for k in keys if (row := self._memory.get(k)) and row[2]]
        if store is not None:
            try:
                until += [r[0] for r in store.rows(
                    "SELECT blocked_until FROM login_throttle WHERE throttle_key = ANY(?) "
                    "AND blocked_until IS NOT NULL", [keys])]
            except Exception:  # noqa: BLE001 - the memory copy still counts
                pass
        latest = max(until, default=None)
        return max(0.0, (latest - now).total_seconds()) if latest else 0.0

    def failed(self, store: Store | None, attempt: Attempt) -> None:
        """Count a failure (never one made while blocked: the caller does not check those)."""
        now = _now()
        for key, free in attempt.keys():
            with self._lock:
                count, first, _ = self._memory.get(key, (0, now, None))
                if now - first > FORGET_AFTER:
                    count, first = 0, now
                count += 1
                wait = wait_after(count, free)
                until = now + dt.timedelta(seconds=wait) if wait else None
                self._memory[key] = (count, first, until)
            if store is not None:
                try:
                    _write(store, key, now, free)
                except Exception:  # noqa: BLE001 - the memory copy still counts
                    pass

    def succeeded(self, store: Store | None, attempt: Attempt) -> None:
        """A correct password clears the account's count from this address."""
        key = account_key(attempt.name, attempt.address)
        with self._lock:
            self._memory.pop(key, None)
        if store is not None:
            try:
                store.execute("DELETE FROM login_throttle WHERE throttle_key = ?", [key])
            except Exception:  # noqa: BLE001 - a leftover count only delays a later failure
                pass

    def forget_name(self, name: str) -> None:
        with self._lock:
            for key in [k for k in self._memory if k.startswith(f"acct:{name_hash(name)}|")]:
                del self._memory[key]


def _write(store: Store, key: str, now: dt.datetime, free: int) -> None:
    with store.transaction():
        store.serialise("login_throttle")
        rows = store.rows("SELECT failures, first_failed_at FROM login_throttle "
                          "WHERE throttle_key = ?", [key])
        count, first = (int(rows[0][0]), rows[0][1]) if rows else (0, now)
        if now - first > FORGET_AFTER:
            count, first = 0, now
        count += 1
        wait = wait_after(count, free)
        until = now + dt.timedelta(seconds=wait) if wait else None
        store.execute("DELETE FROM login_throttle WHERE throttle_key = ?", [key])
        store.execute("INSERT INTO login_throttle (throttle_key, failures, first_failed_at, "
                      "last_failed_at, blocked_until) VALUES (?, ?, ?, ?, ?)",
                      [key, count, first, now, until])


THROTTLE = Throttle()


def unlock(store: Store, username: str) -> int:
    """Clear every failure count of an account, from every address (an administrator's
    action); returns how many counts were cleared."""
    prefix = f"acct:{name_hash(username)}|"
    n = int(store.scalar("SELECT COUNT(*) FROM login_throttle WHERE "
                         "substr(throttle_key, 1, ?) = ?", [len(prefix), prefix]) or 0)
    store.execute("DELETE FROM login_throttle WHERE substr(throttle_key, 1, ?) = ?",
                  [len(prefix), prefix])
    THROTTLE.forget_name(username)
    return n


def load_blocked_accounts(store: Store, usernames: list[str]) -> pd.DataFrame:
    """Accounts waiting out a back-off now: user, address, failures, until when."""
    by_hash = {name_hash(u): u for u in usernames}
    rows = store.rows("SELECT throttle_key, failures, last_failed_at, blocked_until "
                      "FROM login_throttle WHERE blocked_until > ? ORDER BY blocked_until DESC",
                      [_now()])
    out = []
    for key, failures, last, until in rows:
        if not key.startswith("acct:"):
            continue
        digest, _, address = key.removeprefix("acct:").partition("|")
        out.append({"username": by_hash.get(digest, ""), "address": address,
                    "failures": int(failures), "last_failed_at": last, "blocked_until": until})
    return pd.DataFrame(out, columns=["username", "address", "failures", "last_failed_at",
                                      "blocked_until"])
