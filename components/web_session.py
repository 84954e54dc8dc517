"""The browser side of a signed-in session: a token cookie, so that a reload or a second tab
within the idle time finds the user still signed in (the session itself is kept in the store,
``data.web_sessions``)."""

from __future__ import annotations

import json
import logging

import streamlit as st

from components.datasource import get_writer
from data import web_sessions

log = logging.getLogger("warroom")

COOKIE = "warroom_session"
TOKEN_KEY = "_auth_token"  # this session's token
_SET_KEY = "_auth_cookie_set"  # a token to hand to the browser in this run
_CLEAR_KEY = "_auth_cookie_clear"  # the browser's token is to be forgotten in this run


def _agent() -> str:
    try:
        return str(st.context.headers.get("User-Agent") or "")
    except Exception:  # noqa: BLE001 - no request context (tests, scripts)
        return ""


def browser_token() -> str:
    try:
        return str(st.context.cookies.get(COOKIE) or "")
    except Exception:  # noqa: BLE001 - no request context
        return ""


def start(username: str, method: str) -> None:
    """Open a stored session for a user who just signed in; its token goes to the browser in
    this run. A failure only costs the reload convenience, never the sign-in."""
    try:
        token = web_sessions.new_session(get_writer(), username, method, _agent())
    except Exception:  # noqa: BLE001 - the session still works in this tab
        log.exception("browser session not stored")
        return
    st.session_state[TOKEN_KEY] = token
    st.session_state[_SET_KEY] = token


def resumable_user(idle_minutes: float) -> str | None:
    """The user of the browser's token when it is still valid (a reload, another tab)."""
    token = browser_token()
    if not token:
        return None
    try:
        username = web_sessions.active_user(get_writer(), token, _agent(), idle_minutes)
    except Exception:  # noqa: BLE001 - sign in again
        log.exception("browser session not read")
        return None
    if username:
        st.session_state[TOKEN_KEY] = token
    else:
        st.session_state[_CLEAR_KEY] = True
    return username


def still_valid(idle_minutes: float) -> bool:
    """Whether this tab's stored session still holds (signed out in another tab, disabled
    account); notes the activity. A tab without a stored session has nothing to check."""
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        return True
    try:
        if web_sessions.active_user_touched(get_writer(), token, _agent(),
                                            idle_minutes) is None:
            return False
    except Exception:  # noqa: BLE001 - the page's own queries report a failing store
        log.exception("browser session not checked")
    return True


def end() -> None:
    """Revoke this tab's stored session (every tab holding it signs out at its next step)."""
    token = st.session_state.get(TOKEN_KEY) or browser_token()
    if token:
        try:
            web_sessions.revoke(get_writer(), token)
        except Exception:  # noqa: BLE001 - the idle time still ends it
            log.exception("browser session not revoked")


def forget_in_browser() -> None:
    """After the session state is wiped: the browser forgets its token in the next output."""
    st.session_state[_CLEAR_KEY] = True


def render_cookie() -> None:
    """Hand a new token to the browser, or make it forget one (a script of our own, holding
    only the random token: nothing from a user or a file).

    Holds its place on every run, script or not: an element present in one run and absent in
    the next would shift what follows, and Streamlit would remount the map below it."""
    slot = st.empty()
    token = st.session_state.pop(_SET_KEY, None)
    clear = st.session_state.pop(_CLEAR_KEY, False)
    if not token and not clear:
        return
    value = json.dumps(token or "")
    # A cookie of the browser session (gone when the browser closes); the store ends it
    # earlier when it is idle or revoked.
    life = "" if token else "; Max-Age=0"
    script = (
        "<script>(function(){var secure = location.protocol === 'https:' ? '; Secure' : '';"
        f"document.cookie = '{COOKIE}=' + {value} + '; Path=/{life}; "
        "SameSite=Strict' + secure;})();</script>")
    slot.html(script, unsafe_allow_javascript=True, width="content")
