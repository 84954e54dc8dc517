"""The access audit trail: every action of a signed-in user recorded (or refused), with its address."""

from __future__ import annotations

import logging

import streamlit as st

from components.datasource import current_scope, get_writer
from components.i18n import t
from components.ui import Refused
from data import config
from data.audit import record_event

log = logging.getLogger("warroom")
# The last household view recorded in this session (reruns of the same view are recorded once).
_LAST_HH_KEY = "_auth_last_household_view"


def client_address() -> str:
    """The client's address: the connection's peer, or, when the peer is a trusted proxy
    (``WARROOM_TRUSTED_PROXIES``), the nearest untrusted hop of ``X-Forwarded-For``."""
    try:
        peer = str(st.context.ip_address or "")
        forwarded = str(st.context.headers.get("X-Forwarded-For") or "")
    except Exception:  # noqa: BLE001 - no request context (tests, scripts)
        return ""
    trusted = {a.strip() for a in config.get("WARROOM_TRUSTED_PROXIES").split(",") if a.strip()}
    if peer in trusted:
        for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
            if hop not in trusted:
                return hop[:64]
    return peer[:64]


def record_action(action: str, area: str | None = None, detail: str | None = None,
                  user: str | None = None, address: str | None = None,
                  purpose: str | None = None) -> None:
    """Put an action of the signed-in user on the audit log (never personal data values).

    Call it before the action: when the record cannot be written it raises ``Refused`` and
    the action must not happen (no sign-in, no export, no household view without a record).
    Outside a page run (a download's file is made in another thread) pass ``user`` and
    ``address`` as read during the run: there is no session there.
    """
    try:
        record_event(get_writer(), user if user is not None else current_scope().user, action,
                     area, detail, address=client_address() if address is None else address,
                     purpose=purpose)
    except Exception as exc:  # noqa: BLE001 - the caller refuses; the server log has the error
        log.exception("audit event %s could not be recorded", action)
        raise Refused(t("access_audit_failed")) from exc


def record_household_view(area: str, detail: str = "household_list",
                          purpose: str | None = None) -> bool:
    """Check and record a view of household-level data for ``area`` with the purpose the user
    gave (``components.purpose``); call before rendering it.

    Returns False when the user may not list households there (nothing is shown, so nothing
    is recorded); raises ``Refused`` when the view cannot be recorded (nothing may be shown).
    Repeated reruns of the same view are recorded once.
    """
    scope = current_scope()
    if not scope.can_list_households(area):
        return False
    if st.session_state.get(_LAST_HH_KEY) != (area, detail, purpose):
        record_action("household_list_view", area, detail, purpose=purpose)
        st.session_state[_LAST_HH_KEY] = (area, detail, purpose)
    return True
