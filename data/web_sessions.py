"""Signed-in browser sessions kept in the store: a reload or another tab of the same browser
resumes the session while it is neither revoked nor idle for longer than the idle time."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from data.store import Store

# A session's last activity is written at most this often (every page run would be a write).
TOUCH_EVERY = dt.timedelta(seconds=60)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_session(store: Store, username: str, method: str, agent: str) -> str:
    """Start a session; returns the browser's token (kept only as a hash here)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    store.execute("INSERT INTO web_sessions (token_hash, username, method, agent_hash, "
                  "created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                  [_hash(token), username, method, _hash(agent), now, now])
    return token


def _active_row(store: Store, token: str, agent: str,
                idle_minutes: float) -> tuple[str, dt.datetime] | None:
    """The user and last activity of a token that is valid now (see ``active_user``)."""
    if not token:
        return None
    rows = store.rows("SELECT username, agent_hash, last_seen, revoked_at FROM web_sessions "
                      "WHERE token_hash = ?", [_hash(token)])
    if not rows:
        return None
    username, agent_hash, last_seen, revoked_at = rows[0]
    if revoked_at is not None or agent_hash != _hash(agent):
        return None
    if _now() - last_seen > dt.timedelta(minutes=idle_minutes):
        return None
    return str(username), last_seen


def active_user(store: Store, token: str, agent: str, idle_minutes: float) -> str | None:
    """The user of a token that is valid now: not revoked, used within the idle time, and
    presented by the same browser (user agent) that received it."""
    row = _active_row(store, token, agent, idle_minutes)
    return row[0] if row else None


def active_user_touched(store: Store, token: str, agent: str,
                        idle_minutes: float) -> str | None:
    """``active_user``, with the activity noted (``touch``) when it is due: the row just read
    tells, so a page run issues no UPDATE that could change nothing (it did on every run)."""
    row = _active_row(store, token, agent, idle_minutes)
    if row is None:
        return None
    if row[1] < _now() - TOUCH_EVERY:
        touch(store, token)
    return row[0]


def touch(store: Store, token: str) -> None:
    """Note activity on the session (at most once per ``TOUCH_EVERY``)."""
    now = _now()
    store.execute("UPDATE web_sessions SET last_seen = ? WHERE token_hash = ? "
                  "AND last_seen < ? AND revoked_at IS NULL",
                  [now, _hash(token), now - TOUCH_EVERY])


def revoke(store: Store, token: str) -> None:
    """End a session: every tab that holds its token is signed out at its next step."""
    store.execute("UPDATE web_sessions SET revoked_at = ? WHERE token_hash = ? "
                  "AND revoked_at IS NULL", [_now(), _hash(token)])


def revoke_user(store: Store, username: str) -> int:
    """End every session of an account (disabled, password reset); returns how many."""
    n = int(store.scalar("SELECT COUNT(*) FROM web_sessions WHERE username = ? "
                         "AND revoked_at IS NULL", [username]) or 0)
    store.execute("UPDATE web_sessions SET revoked_at = ? WHERE username = ? "
                  "AND revoked_at IS NULL", [_now(), username])
    return n
