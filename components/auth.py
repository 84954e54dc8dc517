"""Sign-in screen (identity provider, built-in form, demo users) and the sidebar's user box."""

from __future__ import annotations

import logging

import streamlit as st

from components import web_session
from components.audit_trail import client_address
from components.auth_session import (
    NOTICE_KEY,
    USER_KEY,
    autologin,
    current_session,
    expired,
    idle_minutes,
    oidc_configured,
    oidc_sign_in,
    record_quietly,
    resume,
    sign_out,
    start,
)
from components.datasource import audit_writable, current_scope, get_writer
from components.demo_guard import demo_offered, demo_refusal
from components.i18n import t
from data import users
from data.config import demo_mode
from data.scope import AccessScope
from data.store import Store
from data.throttle import THROTTLE, Attempt, name_hash
from domain.safe_text import md_text

log = logging.getLogger("warroom")


def ensure_signed_in() -> AccessScope | None:
    """The scope of the signed-in user, or None after drawing the sign-in screen."""
    return current_session() or _sign_in_screen()


def _oidc_providers() -> list[str | None]:
    """Named providers ([auth.<name>] sections), or the single unnamed one."""
    section = st.secrets["auth"]
    named = [k for k, v in section.items() if hasattr(v, "items") and "client_id" in v]
    return named or [None]


def _on_password_submit() -> None:
    """Check a password; unknown names, wrong passwords and accounts waiting out a back-off
    get the same message after the same work (one password-hash check)."""
    name = users.normalise_username(st.session_state.get("login_username", ""))
    password = st.session_state.get("login_password", "")
    st.session_state.login_password = ""
    st.session_state[NOTICE_KEY] = "access_sign_in_failed"
    store = get_writer()
    attempt = Attempt(name, client_address())
    wait = THROTTLE.blocked_for(store, attempt)
    if wait:
        users.verify_password(None, password)  # the same work as a real check
        record_quietly("login_failed", f"waiting {wait:.0f} s after repeated failures",
                       _attempted(store, name))
        return
    user = users.authenticate(store, name, password)
    if user is None:
        THROTTLE.failed(store, attempt)
        record_quietly("login_failed", "wrong name or password", _attempted(store, name))
        return
    THROTTLE.succeeded(store, attempt)
    start(user, "password")


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
        start(user, "demo")


def _sign_in_screen() -> AccessScope | None:
    """A session from the browser, the demo autologin or the identity provider, else the
    sign-in screen (and None)."""
    if not audit_writable():
        # Deny by default: a session whose sign-in, views and exports cannot be recorded
        # does not start (a read-only replica needs WARROOM_PRIMARY_DB).
        st.error(t("access_audit_unwritable"))
        return None
    scope = resume() or autologin()
    if scope is None and oidc_configured():
        scope = oidc_sign_in()
    web_session.render_cookie()
    if scope is not None:
        return scope
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.markdown(f"## {t('app_title')}")
        st.caption(t("app_subtitle"))
        st.segmented_control(t("language"), options=["th", "en"], key="lang",
                             format_func={"th": "ไทย", "en": "English"}.__getitem__)
        _render_notice()
        if oidc_configured():
            _render_provider_buttons()
        else:
            _render_password_form()
        _render_demo_users()
    return None


def _render_notice() -> None:
    notice = st.session_state.get(NOTICE_KEY)
    if notice == "access_idle_signed_out":
        st.info(t(notice, minutes=int(idle_minutes())))
    elif notice:
        st.error(t(notice))


def _render_provider_buttons() -> None:
    for provider in _oidc_providers():
        label = t("access_sign_in_with", provider=provider or t("access_provider"))
        if st.button(label, key=f"login_oidc_{provider or 'default'}", type="primary"):
            st.login(provider) if provider else st.login()


def _render_password_form() -> None:
    with st.form("login_form", border=True):
        st.markdown(f"#### {t('access_sign_in')}")
        st.text_input(t("access_username"), key="login_username", autocomplete="username")
        st.text_input(t("access_password"), key="login_password", type="password",
                      autocomplete="current-password")
        st.form_submit_button(t("access_sign_in"), type="primary",
                              on_click=_on_password_submit)


def _render_demo_users() -> None:
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


def render_user_box() -> None:
    """Who is signed in, with which rights, and the sign-out button (in the sidebar)."""
    scope = current_scope()
    user = st.session_state.get(USER_KEY)
    label = user.label if isinstance(user, users.User) else scope.user
    if isinstance(user, users.User) and user.demo:
        label = t(f"access_{user.username.replace('-', '_')}")
    with st.sidebar, st.container(border=True):
        roles = ", ".join(t(f"access_role_{r}") for r in sorted(scope.roles)) or "-"
        st.markdown(f"**{md_text(label)}**  \n{md_text(roles)}")
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
    if expired():
        st.rerun(scope="app")
