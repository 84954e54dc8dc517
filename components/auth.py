"""Sign-in (identity provider, built-in form, demo users), sign-out, idle timeout, access audit."""

from __future__ import annotations

import logging
import time

import streamlit as st

from components import web_session
from components.audit_trail import client_address, record_action
from components.datasource import audit_writable, current_scope, get_writer
from components.demo_guard import demo_offered, demo_refusal
from components.i18n import t
from components.ui import Refused
from data import config, users
from data.config import demo_mode
from data.scope import AccessScope
from data.store import Store
from data.throttle import THROTTLE, Attempt, name_hash

log = logging.getLogger("warroom")

# Session keys: the scope every query reads, the account behind it, the last activity.
SCOPE_KEY = "scope"
USER_KEY = "auth_user"
LAST_SEEN_KEY = "_auth_last_seen"
_NOTICE_KEY = "_auth_notice"
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


def _oidc_providers() -> list[str | None]:
    """Named providers ([auth.<name>] sections), or the single unnamed one."""
    section = st.secrets["auth"]
    named = [k for k, v in section.items() if hasattr(v, "items") and "client_id" in v]
    return named or [None]


def _record_quietly(action: str, detail: str, user: str) -> None:
    """Record an event whose failure must not stop anything (a failed or refused sign-in is
    refused either way; the back-off does not depend on this record)."""
    try:
        record_action(action, None, detail, user=user)
    except Refused:
        pass


# -- signing in and out ---------------------------------------------------------------------
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
    st.session_state.pop(_NOTICE_KEY, None)
    if not resumed:
        web_session.start(user.username, method)
    return scope


def _start(user: users.User, method: str) -> AccessScope | None:
    try:
        return sign_in(user, method)
    except Refused:
        st.session_state[_NOTICE_KEY] = "access_audit_failed"
        return None


def sign_out(reason: str = "logout") -> None:
    """End the session's sign-in; everything but the language is forgotten. Signing out is
    never refused, even when the audit log cannot take its record."""
    user = current_scope().user
    if user:
        _record_quietly("logout", reason, user)
    web_session.end()
    oidc = oidc_configured() and bool(st.user.is_logged_in)
    for key in list(st.session_state.keys()):
        if key not in _KEEP_ON_SIGN_OUT:
            del st.session_state[key]
    web_session.forget_in_browser()
    if reason == "idle":
        st.session_state[_NOTICE_KEY] = "access_idle_signed_out"
    if oidc:
        # Also drops the identity cookie, so the provider's sign-in is not reused silently.
        st.logout()


def _expired() -> bool:
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


def ensure_signed_in() -> AccessScope | None:
    """The scope of the signed-in user, or None after drawing the sign-in screen.

    A scope put in the session by the server (tests do this) counts as signed in.
    """
    scope = st.session_state.get(SCOPE_KEY)
    if isinstance(scope, AccessScope):
        if _expired():
            sign_out("idle")
            return _sign_in_screen()
        user = st.session_state.get(USER_KEY)
        if isinstance(user, users.User):
            fresh = _refresh(user)
            if fresh is None:
                sign_out("disabled")
                return _sign_in_screen()
            if fresh != scope:
                st.session_state[SCOPE_KEY] = scope = fresh
        if not web_session.still_valid(idle_minutes()):
            # Signed out in another tab of this browser, or idle there too long.
            sign_out("ended elsewhere")
            return _sign_in_screen()
        st.session_state[LAST_SEEN_KEY] = time.time()
        web_session.render_cookie()
        return scope
    return _sign_in_screen()


def _resume() -> AccessScope | None:
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
        st.session_state[_NOTICE_KEY] = "access_audit_failed"
        return None


def _autologin() -> AccessScope | None:
    """Demo mode only: ``WARROOM_AUTOLOGIN=<demo user>`` signs that demo user in (tests)."""
    name = config.get("WARROOM_AUTOLOGIN")
    user = users.demo_user(name) if name and demo_offered() else None
    return _start(user, "demo auto") if user else None


def _oidc_sign_in() -> AccessScope | None:
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
            st.session_state[_NOTICE_KEY] = "access_audit_failed"
            return None
        st.session_state[SCOPE_KEY] = AccessScope.nothing(name)
        st.session_state[LAST_SEEN_KEY] = time.time()
        return st.session_state[SCOPE_KEY]
    return _start(users.User(**{**user.__dict__, "email": email}), "oidc")


def _on_password_submit() -> None:
    """Check a password; unknown names, wrong passwords and accounts waiting out a back-off
    get the same message after the same work (one password-hash check)."""
    name = users.normalise_username(st.session_state.get("login_username", ""))
    password = st.session_state.get("login_password", "")
    st.session_state.login_password = ""
    st.session_state[_NOTICE_KEY] = "access_sign_in_failed"
    store = get_writer()
    attempt = Attempt(name, client_address())
    wait = THROTTLE.blocked_for(store, attempt)
    if wait:
        users.verify_password(None, password)  # the same work as a real check
        _record_quietly("login_failed", f"waiting {wait:.0f} s after repeated failures",
                        _attempted(store, name))
        return
    user = users.authenticate(store, name, password)
    if user is None:
        THROTTLE.failed(store, attempt)
        _record_quietly("login_failed", "wrong name or password", _attempted(store, name))
        return
    THROTTLE.succeeded(store, attempt)
    _start(user, "password")


def _attempted(store: Store, name: str) -> str:
    """The name a failed attempt is recorded under: an account's own name, or a hash of a name
    that is no account (it may be a password typed into the wrong field)."""
    try:
        if name and users.load_user(store, name) is not None:
            return name
    except Exception:  # noqa: BLE001 - the record then carries the hash
        log.exception("account lookup failed")
    return f"unknown:{name_hash(name)[:12]}"


def _on_demo(username: str) -> None:
    user = users.demo_user(username)
    if user is not None and demo_offered():
        _start(user, "demo")


def _sign_in_screen() -> AccessScope | None:
    if not audit_writable():
        # Deny by default: a session whose sign-in, views and exports cannot be recorded
        # does not start (a read-only replica needs WARROOM_PRIMARY_DB).
        st.error(t("access_audit_unwritable"))
        return None
    scope = _resume() or _autologin()
    if scope is None and oidc_configured():
        scope = _oidc_sign_in()
    web_session.render_cookie()
    if scope is not None:
        return scope
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.markdown(f"## {t('app_title')}")
        st.caption(t("app_subtitle"))
        st.segmented_control(t("language"), options=["th", "en"], key="lang",
                             format_func={"th": "ไทย", "en": "English"}.__getitem__)
        notice = st.session_state.get(_NOTICE_KEY)
        if notice == "access_idle_signed_out":
            st.info(t(notice, minutes=int(idle_minutes())))
        elif notice:
            st.error(t(notice))
        if oidc_configured():
            for provider in _oidc_providers():
                label = t("access_sign_in_with", provider=provider or t("access_provider"))
                if st.button(label, key=f"login_oidc_{provider or 'default'}", type="primary"):
                    st.login(provider) if provider else st.login()
        else:
            with st.form("login_form", border=True):
                st.markdown(f"#### {t('access_sign_in')}")
                st.text_input(t("access_username"), key="login_username",
                              autocomplete="username")
                st.text_input(t("access_password"), key="login_password", type="password",
                              autocomplete="current-password")
                st.form_submit_button(t("access_sign_in"), type="primary",
                                      on_click=_on_password_submit)
        refusal = demo_refusal() if demo_mode() else None
        if refusal:
            st.warning(t(refusal))
        if demo_offered():
            with st.container(border=True):
                st.markdown(f"#### {t('access_demo_users')}")
                st.warning(t("access_demo_warning"))
                for user in users.DEMO_USERS:
                    st.button(t(f"access_{user.username.replace('-', '_')}"),
                              key=f"login_{user.username}", on_click=_on_demo,
                              args=(user.username,), width="stretch")
    return None


def render_user_box() -> None:
    """Who is signed in, with which rights, and the sign-out button (in the sidebar)."""
    scope = current_scope()
    user = st.session_state.get(USER_KEY)
    label = user.label if isinstance(user, users.User) else scope.user
    if isinstance(user, users.User) and user.demo:
        label = t(f"access_{user.username.replace('-', '_')}")
    with st.sidebar, st.container(border=True):
        roles = ", ".join(t(f"access_role_{r}") for r in sorted(scope.roles)) or "-"
        st.markdown(f"**{_md_text(label)}**  \n{_md_text(roles)}")
        if scope.household_provinces:
            st.caption(t("access_household_rights",
                         provinces=", ".join(sorted(scope.household_provinces))))
        if isinstance(user, users.User) and user.demo:
            st.caption(t("access_demo_account"))
        st.button(t("access_sign_out"), key="auth_sign_out", on_click=sign_out,
                  icon=":material/logout:")
        _idle_watch()


@st.fragment(run_every=60)
def _idle_watch() -> None:
    # An unattended screen is cleared after the idle time even without any interaction.
    if _expired():
        st.rerun(scope="app")


def _md_text(text: str) -> str:
    """Text safe inside markdown: no HTML, no markdown syntax from the data."""
    from domain.safe_text import md_text

    return md_text(text)
