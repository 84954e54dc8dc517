"""Administration page rendering: accounts, roles, provinces, passwords, and the audit log."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components.audit_trail import client_address, record_action
from components.datasource import current_scope, data_version, fetch, get_writer
from components.export import dated_name
from components.i18n import blank_missing, lang, t, t_code
from components.ui import guarded, render_page_header, render_table
from data import config, users
from data.audit import load_access_report, load_audit_actions, load_audit_events
from data.queries import load_areas
from data.rollup import aggregates_check
from data.scope import ROLES
from data.throttle import load_blocked_accounts
from domain.formatting import fmt_year
from domain.safe_text import csv_bytes, md_text

AUDIT_LIMIT = 5000
_MESSAGE = "_admin_message"


def _role_labels() -> dict[str, str]:
    # Labels are computed in the run: a format function must not read session state later.
    return {r: t(f"access_role_{r}") for r in ROLES}


def _province_labels() -> dict[str, str]:
    df = fetch(load_areas, "province")
    col = "name_th" if lang() == "th" else "name_en"
    return {c: f"{c} · {n}" for c, n in zip(df.code, df[col], strict=True)}


def _run(action, *args, **kwargs) -> None:
    """Apply one change; a refused change (bad input) shows its reason, never a traceback."""
    try:
        action(get_writer(), *args, actor=current_scope().user, **kwargs)
        st.session_state[_MESSAGE] = ("success", t("access_saved"))
    except ValueError as exc:
        st.session_state[_MESSAGE] = ("error", str(exc))


def _on_add() -> None:
    s = st.session_state
    _run(users.add_user, s.adm_new_username, display_name=s.adm_new_name,
         email=s.adm_new_email or None, password=s.adm_new_password or None,
         roles=set(s.adm_new_roles), provinces=set(s.adm_new_provinces))
    s.adm_new_password = ""


def _on_save(username: str) -> None:
    s = st.session_state
    _run(users.set_profile, username, display_name=s.adm_edit_name,
         email=s.adm_edit_email or None)
    if s[_MESSAGE][0] == "success":
        _run(users.set_assignments, username, roles=set(s.adm_edit_roles),
             provinces=set(s.adm_edit_provinces))


def _on_password(username: str) -> None:
    _run(users.set_password, username, st.session_state.adm_edit_password)
    st.session_state.adm_edit_password = ""


def _on_disable(username: str, disabled: bool) -> None:
    _run(users.set_disabled, username, disabled)


def _on_unlock(username: str) -> None:
    try:
        n = users.unlock_user(get_writer(), username, actor=current_scope().user)
        st.session_state[_MESSAGE] = ("success", t("access_unlocked", n=n))
    except ValueError as exc:
        st.session_state[_MESSAGE] = ("error", str(exc))


def _on_pick() -> None:
    # Load the picked account into the edit widgets.
    user = users.load_user(get_writer(), st.session_state.adm_pick)
    if user is None:
        return
    st.session_state.adm_edit_name = user.display_name
    st.session_state.adm_edit_email = user.email or ""
    st.session_state.adm_edit_roles = sorted(user.roles)
    st.session_state.adm_edit_provinces = sorted(user.provinces)


@guarded
def render_users() -> None:
    frame = users.load_users(get_writer())
    _render_user_table(frame)
    provinces, roles = _province_labels(), _role_labels()
    left, right = st.columns(2)
    with left:
        _render_add_form(provinces, roles)
    if frame.empty:
        return
    with right:
        _render_edit_panel(frame, provinces, roles)
    render_blocked(list(frame.username))


def _render_user_table(frame: pd.DataFrame) -> None:
    if frame.empty:
        st.info(t("access_no_users"))
    else:
        labels = _role_labels()
        view = frame.assign(roles=frame.roles.map(
            lambda r: ", ".join(labels.get(x, x) for x in r.split(", ") if x)))
        render_table(view, key="adm_users", column_config={
            "username": t("access_col_username"), "display_name": t("access_col_display_name"),
            "email": t("access_col_email"), "roles": t("access_col_roles"),
            "provinces": t("access_col_provinces"),
            "disabled": st.column_config.CheckboxColumn(t("access_col_disabled")),
            "created_at": st.column_config.DatetimeColumn(t("access_col_created"),
                                                          format="YYYY-MM-DD HH:mm"),
            "created_by": None,
        })


def _render_add_form(provinces: dict[str, str], roles: dict[str, str]) -> None:
    with st.form("adm_add_form", border=True, clear_on_submit=False):
        st.markdown(f"#### {t('access_add_user')}")
        st.text_input(t("access_col_username"), key="adm_new_username")
        st.text_input(t("access_col_display_name"), key="adm_new_name")
        st.text_input(t("access_col_email"), key="adm_new_email")
        st.multiselect(t("access_col_roles"), list(ROLES), key="adm_new_roles",
                       format_func=roles.__getitem__,
                       placeholder=t("choose_placeholder"))
        st.multiselect(t("access_col_provinces"), list(provinces), key="adm_new_provinces",
                       format_func=provinces.__getitem__,
                       placeholder=t("choose_placeholder"))
        st.text_input(t("access_new_password"), key="adm_new_password", type="password")
        st.form_submit_button(t("access_create"), on_click=_on_add, type="primary")


def _render_edit_panel(frame: pd.DataFrame, provinces: dict[str, str],
                       roles: dict[str, str]) -> None:
    with st.container(border=True):
        st.markdown(f"#### {t('access_edit_user')}")
        names = list(frame.username)
        if st.session_state.get("adm_pick") not in names:
            st.session_state.adm_pick = names[0]
            _on_pick()
        st.selectbox(t("access_pick_user"), names, key="adm_pick", on_change=_on_pick)
        picked = st.session_state.adm_pick
        with st.form("adm_edit_form", border=False):
            st.text_input(t("access_col_display_name"), key="adm_edit_name")
            st.text_input(t("access_col_email"), key="adm_edit_email")
            st.multiselect(t("access_col_roles"), list(ROLES), key="adm_edit_roles",
                           format_func=roles.__getitem__,
                           placeholder=t("choose_placeholder"))
            st.multiselect(t("access_col_provinces"), list(provinces), key="adm_edit_provinces",
                           format_func=provinces.__getitem__,
                           placeholder=t("choose_placeholder"))
            st.form_submit_button(t("access_save"), on_click=_on_save, args=(picked,))
        with st.form("adm_password_form", border=False):
            st.text_input(t("access_new_password"), key="adm_edit_password", type="password")
            st.form_submit_button(t("access_reset_password"), on_click=_on_password,
                                  args=(picked,))
        disabled = bool(frame.set_index("username").loc[picked, "disabled"])
        left_b, right_b = st.columns(2)
        left_b.button(t("access_enable") if disabled else t("access_disable"),
                      key="adm_disable", on_click=_on_disable, args=(picked, not disabled))
        right_b.button(t("access_unlock"), key="adm_unlock", help=t("access_unlock_help"),
                       on_click=_on_unlock, args=(picked,))


def render_blocked(usernames: list[str]) -> None:
    """Accounts waiting out a sign-in back-off now, with where the failures came from."""
    st.markdown(f"#### {t('access_blocked_title')}")
    blocked = load_blocked_accounts(get_writer(), usernames)
    if blocked.empty:
        st.caption(t("access_blocked_none"))
        return
    render_table(blocked, key="adm_blocked", column_config={
        "username": t("access_col_username"), "address": t("access_col_address"),
        "failures": t("access_col_failures"),
        "last_failed_at": st.column_config.DatetimeColumn(t("access_col_when"),
                                                          format="YYYY-MM-DD HH:mm:ss"),
        "blocked_until": st.column_config.DatetimeColumn(t("access_col_blocked_until"),
                                                         format="YYYY-MM-DD HH:mm:ss"),
    })


@guarded
def render_audit_log() -> None:
    scope, store = current_scope(), get_writer()
    c1, c2, c3, c4, c5 = st.columns(5)
    user = c1.text_input(t("access_filter_user"), key="adm_f_user")
    actions = {"": t("access_all_actions")}
    actions.update({a: t_code("audit_action_", a) for a in load_audit_actions(store, scope)})
    action = c2.selectbox(t("access_filter_action"), list(actions), key="adm_f_action",
                          format_func=actions.__getitem__)
    area = c3.text_input(t("access_filter_area"), key="adm_f_area").strip()
    since = c4.date_input(t("access_filter_since"), value=None, key="adm_f_since")
    until = c5.date_input(t("access_filter_until"), value=None, key="adm_f_until")
    events = load_audit_events(store, scope, user=user, action=action or "",
                               area=area if area.replace(":", "").isalnum() else "",
                               since=since, until=until, limit=AUDIT_LIMIT)
    st.caption(t("access_audit_count", n=len(events), limit=AUDIT_LIMIT))
    # Codes in words, and no "None" for an empty cell (the CSV keeps the stored codes).
    shown = events.assign(**{c: events[c].map(blank_missing)
                             for c in ("area_code", "detail", "purpose", "source_address",
                                       "served_by") if c in events})
    if "action" in events:
        shown["action"] = events.action.map(lambda a: t_code("audit_action_", a))
    render_table(shown, key="adm_audit", height=480, column_config={
        "event_id": "#",
        "occurred_at": st.column_config.DatetimeColumn(t("access_col_when"),
                                                       format="YYYY-MM-DD HH:mm:ss"),
        "user_name": t("access_col_user"), "action": t("access_col_action"),
        "area_code": t("access_col_area"), "detail": t("access_col_detail"),
        "purpose": t("purpose_col"), "source_address": t("access_col_address"),
        "served_by": t("access_col_served_by"),
    })
    filters = f"user={user} action={action} area={area} since={since} until={until}"

    # Read now: the file is made on click, in a thread without the user's session.
    user, address = current_scope().user, client_address()

    def build() -> bytes:
        # Recorded before the file is made: no record, no file.
        record_action("audit_export", area or None, filters, user=user, address=address)
        return csv_bytes(events)

    st.download_button(
        t("access_download_csv"), data=build,
        file_name=f"{dated_name('audit-log', dt.date.today(), lang())}.csv", mime="text/csv",
        key="adm_audit_csv", icon=":material/download:", on_click="ignore")


@guarded
def render_access_report() -> None:
    """Who opened household lists, where and for what purpose (exportable, and the export is
    on the audit log like any other)."""
    scope = current_scope()
    st.caption(t("purpose_report_caption"))
    c1, c2 = st.columns(2)
    since = c1.date_input(t("access_filter_since"), value=None, key="adm_r_since")
    until = c2.date_input(t("access_filter_until"), value=None, key="adm_r_until")
    report = load_access_report(get_writer(), scope, since=since, until=until)
    render_table(report, key="adm_access_report", column_config={
        "user_name": t("access_col_user"), "area_code": t("access_col_area"),
        "purpose": t("purpose_col"), "views": t("purpose_report_views"),
        "first_view": st.column_config.DatetimeColumn(t("purpose_report_first"),
                                                      format="YYYY-MM-DD HH:mm"),
        "last_view": st.column_config.DatetimeColumn(t("purpose_report_last"),
                                                     format="YYYY-MM-DD HH:mm"),
    })
    user, address = scope.user, client_address()

    def build() -> bytes:
        record_action("access_report_export", None, f"since={since} until={until}", user=user,
                      address=address)
        return csv_bytes(report)

    st.download_button(t("purpose_report_csv"), data=build, on_click="ignore",
                       file_name=f"{dated_name('household-access', dt.date.today(), lang())}.csv",
                       mime="text/csv", key="adm_access_csv", icon=":material/download:")


@guarded
def render_operations_warnings() -> None:
    """What an administrator must fix on the server: store files others can read, poverty
    aggregates that disagree with the household rows they are computed from."""
    for warning in config.private_path_warnings():
        st.warning(md_text(t("access_file_warning", warning=warning)))
    stale = _stale_aggregate_years(data_version())
    if stale:
        st.warning(md_text(t("access_aggregates_stale",
                             years=", ".join(fmt_year(y, lang()) for y in stale))))


@st.cache_data(ttl=600, max_entries=4, show_spinner=False)
def _stale_aggregate_years(version: tuple) -> list[int]:
    del version  # part of the cache key: a new import asks again
    return list(aggregates_check(get_writer())["stale_years"])


def render_admin_page() -> None:
    render_page_header(t("page_admin"), t("access_admin_subtitle"))
    if not current_scope().may_administer:
        # The navigation already hides the page; this guards a direct call.
        st.warning(t("access_admin_only"))
        return
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        (st.success if message[0] == "success" else st.error)(md_text(message[1]))
    render_operations_warnings()
    users_tab, audit_tab, access_tab = st.tabs([t("access_tab_users"), t("access_tab_audit"),
                                                t("purpose_report_title")])
    with users_tab:
        render_users()
    with audit_tab:
        render_audit_log()
    with access_tab:
        render_access_report()

