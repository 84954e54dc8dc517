"""Signed-in sessions: start, refresh, resume and end one; idle timeout; no widgets here."""

from __future__ import annotations

import logging
import time

import streamlit as st

from components import web_session
from components.audit_trail import record_action
from components.datasource import current_scope, get_writer
from components.demo_guard import demo_offered
from components.ui import Refused
from data import config, users
from data.scope import AccessScope

log = logging.getLogger("warroom")

# Session keys: the scope every query reads, the account behind it, the last activity, and
# the notice the sign-in screen shows next (a failed sign-in, an idle sign-out).
SCOPE_KEY = "scope"
USER_KEY = "auth_user"
LAST_SEEN_KEY = "_auth_last_seen"
NOTICE_KEY = "_auth_notice"
# Session keys kept across a sign-out (the next user keeps the language and the URL's view).
_KEEP_ON_SIGN_OUT = ("lang",)


def idle_minutes() -> float:
    """Minutes without any interaction after which a session is signed out (default 30)."""
    return float(config.get("WARROOM_IDLE_MINUTES"))


def oidc_configured() -> bool:
    """Whether an identity provider is configured in ``.streamlit/secrets.toml`` ([auth])."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:  # noqa: BLE001 - an unreadable secrets file means no identity provider
        log.exception("secrets.toml could not be read")
        return False


def record_quietly(action: str, detail: str, user: str) -> None:
    """Record an event whose failure must not stop anything (a failed or refused sign-in is
    refused either way; the back-off does not depend on this record)."""
    try:
        record_action(action, None, detail, user=user)
    except Refused:
        pass


def sign_in(user: users.User, method: str, resumed: bool = False) -> AccessScope:
    """Start a signed-in session for ``user`` and record it; raises ``Refused`` (and nobody is
    signed in) when the sign-in cannot be put on the audit log. ``resumed``: the browser's
    stored session of a reload or another tab (no new token)."""
    scope = users.scope_for(user)
    detail = method if not scope.is_empty else f"{method}; no assignment"
    record_action("login", None, detail, user=user.username)
    st.session_state[SCOPE_KEY] = scope
    st.session_state[USER_KEY] = user
    st.session_state[LAST_SEEN_KEY] = time.time()
    st.session_state.pop(NOTICE_KEY, None)
    if not resumed:
        web_session.start(user.username, method)
    return scope


def start(user: users.User, method: str) -> AccessScope | None:
    """``sign_in``, with a refusal turned into the notice the sign-in screen shows."""
    try:
        return sign_in(user, method)
    except Refused:
        st.session_state[NOTICE_KEY] = "access_audit_failed"
        return None


def sign_out(reason: str = "logout") -> None:
    """End the session's sign-in; everything but the language is forgotten. Signing out is
    never refused, even when the audit log cannot take its record."""
    user = current_scope().user
    if user:
        record_quietly("logout", reason, user)
    web_session.end()
    oidc = oidc_configured() and bool(st.user.is_logged_in)
    for key in list(st.session_state.keys()):
        if key not in _KEEP_ON_SIGN_OUT:
            del st.session_state[key]
    web_session.forget_in_browser()
    if reason == "idle":
        st.session_state[NOTICE_KEY] = "access_idle_signed_out"
    if oidc:
        # Also drops the identity cookie, so the provider's sign-in is not reused silently.
        st.logout()


def expired() -> bool:
    """Whether the session has been idle longer than ``idle_minutes()``."""
    last = st.session_state.get(LAST_SEEN_KEY)
    return last is not None and time.time() - float(last) > idle_minutes() * 60


def _refresh(user: users.User) -> AccessScope | None:
    """Re-read a stored account, so that a disabled account or new roles apply at once."""
    if user.demo:
        # Demo accounts exist only while demo mode is on.
        return users.scope_for(user) if demo_offered() else None
    fresh = users.load_user(get_writer(), user.username)
    if fresh is None or fresh.disabled:
        return None
    fresh = users.User(**{**fresh.__dict__, "email": user.email})
    st.session_state[USER_KEY] = fresh
    return users.scope_for(fresh)


def current_session() -> AccessScope | None:
    """The scope of a session signed in earlier in this browser tab, kept up to date (roles,
    disabled accounts, idle time, sign-out in another tab); None when there is none or it just
    ended. A scope put in the session by the server (tests do this) counts as signed in."""
    scope = st.session_state.get(SCOPE_KEY)
    if not isinstance(scope, AccessScope):
        return None
    if expired():
        sign_out("idle")
        return None
    user = st.session_state.get(USER_KEY)
    if isinstance(user, users.User):
        fresh = _refresh(user)
        if fresh is None:
            sign_out("disabled")
            return None
        if fresh != scope:
            st.session_state[SCOPE_KEY] = scope = fresh
    if not web_session.still_valid(idle_minutes()):
        # Signed out in another tab of this browser, or idle there too long.
        sign_out("ended elsewhere")
        return None
    st.session_state[LAST_SEEN_KEY] = time.time()
    web_session.render_cookie()
    return scope


def resume() -> AccessScope | None:
    """A reload or another tab: the browser's stored session, if it is still valid."""
    name = web_session.resumable_user(idle_minutes())
    if not name:
        return None
    demo = users.demo_user(name)
    user = demo if demo is not None else users.load_user(get_writer(), name)
    if user is None or user.disabled or (user.demo and not demo_offered()):
        web_session.end()
        web_session.forget_in_browser()
        return None
    try:
        return sign_in(user, "session resumed", resumed=True)
    except Refused:
        st.session_state[NOTICE_KEY] = "access_audit_failed"
        return None


def autologin() -> AccessScope | None:
    """Demo mode only: ``WARROOM_AUTOLOGIN=<demo user>`` signs that demo user in (tests)."""
    name = config.get("WARROOM_AUTOLOGIN")
    user = users.demo_user(name) if name and demo_offered() else None
    return start(user, "demo auto") if user else None


def oidc_sign_in() -> AccessScope | None:
    """Map the identity provider's user to an account by email; unknown emails get nothing."""
    if not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "").strip().lower()
    user = users.load_user_by_email(get_writer(), email) if email else None
    if user is None or user.disabled:
        # A valid identity without an enabled account: signed in, but the scope is empty.
        name = email or "unknown"
        try:
            record_action("login_denied", None, "identity provider: no enabled account",
                          user=name)
        except Refused:
            st.session_state[NOTICE_KEY] = "access_audit_failed"
            return None
        st.session_state[SCOPE_KEY] = AccessScope.nothing(name)
        st.session_state[LAST_SEEN_KEY] = time.time()
        return st.session_state[SCOPE_KEY]
    return start(users.User(**{**user.__dict__, "email": email}), "oidc")
