"""Access over the app: each role on every page, URLs naming other provinces, sign-in, audit."""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from components.nav import PAGES, visible_pages
from data.scope import AccessScope
from data.users import DEMO_USERS, demo_user, scope_for
from tests.apptest_util import ROLE_USERS, assert_clean, give_purpose, open_page

ADMIN = AccessScope(user="test-admin", roles=frozenset({"admin"}), provinces=None)
ROLES = ("executive", "provincial", "analyst", "steward", "admin")
# Column names that would betray household-level rows in a table.
HOUSEHOLD_COLUMNS = re.compile(
    r"^household$|household_id|hh_id|national_id|citizen|head_name|member_name", re.I)


def _store():
    """The app's own (writable) store handle, shared with the AppTest runs of this process."""
    from components.datasource import get_store

    return get_store()


def _events(**filters):
    from data.audit import load_audit_events

    return load_audit_events(_store(), ADMIN, **filters)


def _headers(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("## ")]


def _frames(at):
    return [d.value for d in at.dataframe]


def _download_keys(at) -> list[str]:
    return [str(getattr(el, "key", "") or "") for el in at.get("download_button")]


def test_analyst_gets_exports_of_tables_and_charts(app_env):
    at = open_page("sdg", role="analyst", lang="en")
    keys = _download_keys(at)
    assert any(k.startswith("exp_csv_") for k in keys) and any(k.startswith("exp_png_")
                                                              for k in keys)
    provincial = open_page("poverty", user="demo-pattani", lang="en",
                           query={"area": "94", "year": "2024"})
    assert not [k for k in _download_keys(provincial) if k.startswith("exp_")]


def test_navigation_lists_only_permitted_pages():
    for user in DEMO_USERS:
        scope = scope_for(user)
        keys = {p.key for p in visible_pages(scope)}
        assert ("admin" in keys) is scope.may_administer, user.username
        assert keys >= {p.key for p in PAGES if p.roles is None}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
def test_role_on_every_page(app_env, role, page):
    """Each role over every registered page: permitted pages render, the rest do not."""
    at = open_page(page, role=role, lang="en")
    assert_clean(at)
    scope = scope_for(demo_user(ROLE_USERS[role]))
    permitted = page.roles is None or scope.has_role(*page.roles)
    headers = _headers(at)
    if page.key == "admin":
        assert ("## Administration" in headers) is permitted
        assert bool(at.get("tabs")) is permitted
    # Exports (the app's own, audited ones) are offered to analysts only.
    exports = [k for k in _download_keys(at) if k.startswith("exp_")]
    if not scope.may_export:
        assert exports == [], (role, page.key, exports)
    for frame in _frames(at):
        # Household-level columns only ever reach a user entitled to list households.
        if not scope.household_provinces:
            assert not any(HOUSEHOLD_COLUMNS.search(str(c)) for c in frame.columns), frame.columns
    # The sidebar's province picker offers exactly the provinces of the scope.
    picker = next((s for s in at.selectbox if s.key == "pick_province"), None)
    assert picker is not None
    offered = {o for o in picker.options if "·" in o}
    if scope.all_provinces:
        assert len(offered) >= 77 or at.session_state["pick_region"]
    else:
        assert len(offered) == 1 and "Pattani" in offered.pop()


@pytest.mark.parametrize("page", [p for p in PAGES if p.roles is None], ids=lambda p: p.key)
def test_provincial_user_cannot_reach_another_province_by_url(app_env, page):
    """A Pattani (94) officer following a link to Chiang Mai (50) sees Pattani only."""
    at = open_page(page, role="provincial", lang="en", query={"area": "50010100"})
    assert_clean(at)
    assert at.session_state["area"] == "94"  # the officer's own province instead
    assert at.query_params.get("area") == "94"
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "Chiang Mai" not in text
    for frame in _frames(at):
        for col in ("code", "area_code", "province_code", "village_code"):
            if col in frame.columns:
                codes = frame[col].astype(str)
                # Region rows (R:XX) are aggregates computed inside the scope.
                codes = codes[~codes.str.startswith("R:")]
                assert codes.str[:2].isin(["94"]).all(), (col, codes)


def test_two_provincial_users_do_not_share_cached_results(app_env):
    """The scope is part of the cache key: Pattani, Khon Kaen and an executive see their own."""
    pattani = open_page("overview", user="demo-pattani", lang="en")
    khonkaen = open_page("overview", user="demo-khonkaen", lang="en")
    executive = open_page("overview", role="executive", lang="en")
    values = [tuple(m.value for m in at.metric) for at in (pattani, khonkaen, executive)]
    assert values[0] and values[1] and values[2]
    assert len(set(values)) == 3
    # A Khon Kaen link opened by the Pattani officer falls back to Pattani's own view.
    again = open_page("overview", user="demo-pattani", lang="en", query={"area": "40"})
    assert tuple(m.value for m in again.metric) == values[0]


def test_cache_is_shared_by_equal_rights_never_across_rights(app_env, monkeypatch):
    """Two officers of one province share cached results; other rights never do."""
    from components import datasource
    from data import overview

    calls = []
    real = overview.overview_headline

    def counted(store, scope, *args, **kw):
        calls.append(scope)
        return real(store, scope, *args, **kw)

    a = AccessScope(user="officer.a", roles=frozenset({"provincial"}),
                    provinces=frozenset({"94"}), household_provinces=frozenset({"94"}))
    b = AccessScope(user="officer.b", roles=frozenset({"provincial"}),
                    provinces=frozenset({"94"}), household_provinces=frozenset({"94"}))
    c = AccessScope(user="officer.c", roles=frozenset({"provincial"}),
                    provinces=frozenset({"40"}), household_provinces=frozenset({"40"}))
    got = []
    for scope in (a, b, c):
        monkeypatch.setattr(datasource, "current_scope", lambda s=scope: s)
        got.append(datasource.fetch(counted, 2024))  # the function itself is called
    assert len(calls) == 2  # a computed, b served from the cache, c computed
    assert got[0] == got[1] and got[0] != got[2]
    assert all(s.user == "" for s in calls)  # queries never see who asked


def test_cache_key_holds_every_right_and_spells_arguments_exactly():
    """The one string a cached query is keyed on: rights, data version and exact arguments."""
    import datetime as dt

    import numpy as np

    from components.datasource import cache_key
    from data.partners import ActivityFilter

    def key(scope=None, version=(1, 2, 0), args=(), kwargs=()):
        scope = scope or AccessScope(roles=frozenset({"provincial"}),
                                     provinces=frozenset({"94"}),
                                     household_provinces=frozenset({"94"}))
        return cache_key("data.overview:overview_headline", scope, version, args, kwargs)

    base = AccessScope(roles=frozenset({"provincial"}), provinces=frozenset({"94"}),
                       household_provinces=frozenset({"94"}))
    variants = [base,
                AccessScope(roles=frozenset({"provincial"}), provinces=frozenset({"94"})),
                AccessScope(roles=frozenset({"analyst"}), provinces=frozenset({"94"}),
                            household_provinces=frozenset({"94"})),
                AccessScope(roles=frozenset({"provincial"}), provinces=frozenset({"94", "40"}),
                            household_provinces=frozenset({"94"})),
                AccessScope(roles=frozenset({"provincial"}), provinces=None,
                            household_provinces=frozenset({"94"}))]
    assert len({key(s) for s in variants}) == len(variants)
    # The user's name is not a right; the order of a set is not either.
    assert key(AccessScope(user="x", roles=base.roles, provinces=frozenset({"40", "94"}),
                           household_provinces=base.household_provinces)) == key(
        AccessScope(user="y", roles=base.roles, provinces=frozenset({"94", "40"}),
                    household_provinces=base.household_provinces))
    assert key(version=(1, 2, 0)) != key(version=(1, 3, 0))
    values = [1, 1.0, True, "1", None, (1,), dt.date(2024, 1, 1), 0.30000000000000004, 0.3]
    assert len({key(args=(v,)) for v in values}) == len(values)
    assert key(args=(np.int64(2024),)) == key(args=(2024,))
    assert key(kwargs=(("k", 0.3),)) != key(kwargs=(("k", 0.4),))
    f = ActivityFilter(area="94", goals=(1, 2))
    assert key(args=(f,)) == key(args=(ActivityFilter(area="94", goals=(1, 2)),))
    assert key(args=(f,)) != key(args=(ActivityFilter(area="94", goals=(1,)),))
    for bad in ({"94"}, object(), pd.DataFrame()):
        with pytest.raises(TypeError):
            key(args=(bad,))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
def test_unassigned_user_sees_nothing(app_env, page):
    at = open_page(page, role="unassigned", lang="en")
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "Your account has no area assigned yet; please contact the administrator"]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert [b.key for b in at.button] == ["auth_sign_out"]


def test_household_view_helper_checks_and_records(app_env):
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from components.audit_trail import record_household_view

        st.session_state.allowed = [record_household_view("94010101"),
                                    record_household_view("94010101"),
                                    record_household_view("40010101")]

    at = AppTest.from_function(script)
    at.session_state["scope"] = scope_for(demo_user("demo-pattani"))
    at.run()
    assert at.session_state["allowed"] == [True, True, False]
    views = _events(user="demo-pattani", action="household_list_view", area="94010101")
    assert len(views) == 1  # the rerun of the same view is recorded once
    at.session_state["scope"] = scope_for(demo_user("demo-executive"))
    at.run()
    assert at.session_state["allowed"] == [False, False, False]


# -- signing in and out -------------------------------------------------------------------
def _add_account(username: str, password: str, **kw) -> None:
    from data import users

    if users.load_user(_store(), username) is None:
        users.add_user(_store(), username, actor="test", password=password, **kw)


def _sign_in(at, username: str, password: str):
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


def test_sign_in_form_then_sign_out_are_recorded(app_env):
    _add_account("kanya.form", "pattani-officer-1", display_name="Kanya",
                 roles={"provincial"}, provinces={"94"})
    at = open_page("overview", role=None, lang="en", query={"area": "94"})
    assert not at.metric and at.text_input(key="login_username")
    assert at.query_params["area"] == "94"  # the deep link waits for the sign-in
    at = _sign_in(at, "Kanya.Form", "pattani-officer-1")
    assert_clean(at)
    assert at.session_state["scope"].household_provinces == {"94"}
    assert at.session_state["area"] == "94"
    assert at.metric
    assert "**Kanya**" in " ".join(m.value for m in at.markdown)
    assert _events(user="kanya.form", action="login").detail.iloc[0] == "password"
    at.button(key="auth_sign_out").click()
    at = at.run()
    assert not at.metric and at.text_input(key="login_username")
    assert "scope" not in at.session_state
    assert _events(user="kanya.form", action="logout").detail.iloc[0] == "logout"


SIGN_IN_FAILED = ("Sign-in failed: wrong user name or password, or too many attempts. Wait a "
                  "few minutes and try again, or contact the administrator.")


def test_failed_sign_in_is_recorded_without_the_password(app_env):
    from data.throttle import name_hash

    _add_account("somsak.fail", "right-password-1", roles={"executive"})
    at = open_page("overview", role=None, lang="en")
    at = _sign_in(at, "somsak.fail", "wrong-password-1")
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    assert "scope" not in at.session_state and not at.metric
    at = _sign_in(at, "no-such-user", "whatever-123")
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]  # unknown names look the same
    failed = _events(action="login_failed")
    assert set(failed.user_name) == {"somsak.fail", f"unknown:{name_hash('no-such-user')[:12]}"}
    assert not failed.detail.str.contains("wrong-password|whatever|no-such-user").any()
    assert failed.served_by.str.match(r"^.+:\d+$").all()  # which process recorded it


def test_repeated_failures_make_the_account_wait_until_an_admin_unlocks(app_env):
    from data import users
    from data.throttle import FREE_FAILURES

    _add_account("locked.user", "right-password-2", roles={"executive"})
    at = open_page("overview", role=None, lang="en")
    for _ in range(FREE_FAILURES):
        at = _sign_in(at, "locked.user", "bad-password-x")
    at = _sign_in(at, "locked.user", "right-password-2")
    assert "scope" not in at.session_state
    # The same words as a wrong password: nobody learns that the account exists.
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    # Attempts while waiting are not counted as new failures (nobody can lock it forever).
    assert _store().scalar("SELECT MAX(failures) FROM login_throttle "
                           "WHERE throttle_key LIKE 'acct:%'") == FREE_FAILURES
    # Another account from the same address is not affected.
    _add_account("other.user", "right-password-4", roles={"analyst"})
    other = _sign_in(open_page("overview", role=None, lang="en"), "other.user",
                     "right-password-4")
    assert other.session_state["scope"].roles == {"analyst"}
    assert users.unlock_user(_store(), "locked.user", actor="test-admin") == 1
    at = _sign_in(at, "locked.user", "right-password-2")
    assert at.session_state["scope"].roles == {"executive"}
    assert (_events(action="user_unlock").detail == "user=locked.user counts=1").any()


def test_no_sign_in_export_or_household_list_without_an_audit_record(app_env, monkeypatch):
    """Audit fails closed: what cannot be recorded does not happen, and the user is told."""
    from data import audit

    _add_account("audited.user", "right-password-5", roles={"executive"})

    def broken(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record_event", broken)
    monkeypatch.setattr("components.audit_trail.record_event", broken)
    at = _sign_in(open_page("overview", role=None, lang="en"), "audited.user",
                  "right-password-5")
    assert "scope" not in at.session_state and not at.metric
    assert [e.value for e in at.error] == [
        "Not done: the audit log cannot be written right now. Try again later or tell the "
        "administrator."]
    # A household list is not shown when its view cannot be recorded.
    village = _pattani_village()
    hh = open_page("poverty", user="demo-pattani", lang="en",
                   query={"area": village, "year": "2024"})
    hh = give_purpose(hh, village)
    assert "Not done: the audit log cannot be written" in " ".join(e.value for e in hh.error)
    assert not [d for d in hh.dataframe if "household" in d.value.columns]
    # An export's file is not made when the export cannot be recorded.
    from components.export import recorded
    from components.ui import ExportMeta, Refused

    made = []
    with pytest.raises(Refused):
        recorded(lambda: made.append(1) or b"x", "csv", ExportMeta("t"))()
    assert made == []


def test_disabled_account_loses_access_at_its_next_step(app_env):
    from data import users

    _add_account("to.disable", "right-password-3", roles={"analyst"})
    at = open_page("overview", role=None, lang="en")
    at = _sign_in(at, "to.disable", "right-password-3")
    assert at.metric
    users.set_disabled(_store(), "to.disable", True, actor="test-admin")
    at = at.run()
    assert not at.metric and at.text_input(key="login_username")
    assert _events(user="to.disable", action="logout").detail.iloc[0] == "disabled"


def test_idle_timeout_signs_out(app_env, monkeypatch):
    monkeypatch.setenv("WARROOM_IDLE_MINUTES", "30")
    at = open_page("overview", user="demo-analyst", lang="en",
                   session={"_auth_last_seen": time.time() - 29 * 60})
    assert at.metric  # 29 minutes: still signed in, and the clock restarts
    assert at.session_state["_auth_last_seen"] > time.time() - 60
    at = open_page("overview", user="demo-analyst", lang="en",
                   session={"_auth_last_seen": time.time() - 31 * 60})
    assert not at.metric and at.text_input(key="login_username")
    assert [i.value for i in at.info] == [
        "You were signed out after 30 minutes without activity"]
    assert (_events(user="demo-analyst", action="logout").detail == "idle").any()


def test_demo_users_only_in_demo_mode(app_env, monkeypatch):
    at = open_page("overview", role=None, lang="en")
    demo_buttons = [b.label for b in at.button if b.label.startswith("Demo:")]
    assert len(demo_buttons) == len(DEMO_USERS)
    assert any("Demo mode is on" in w.value for w in at.warning)
    next(b for b in at.button if b.key == "login_demo-khonkaen").click()
    at = at.run()
    assert at.session_state["scope"].household_provinces == {"40"}
    monkeypatch.setenv("WARROOM_DEMO", "0")
    monkeypatch.setenv("WARROOM_AUTOLOGIN", "demo-executive")
    off = open_page("overview", role=None, lang="en")
    assert not [b for b in off.button if b.label.startswith("Demo:")]
    assert "scope" not in off.session_state and not off.metric


def test_autologin_names_a_demo_user_in_demo_mode(app_env, monkeypatch):
    monkeypatch.setenv("WARROOM_AUTOLOGIN", "demo-pattani")
    at = open_page("overview", role=None, lang="en")
    assert at.session_state["scope"].household_provinces == {"94"}
    monkeypatch.setenv("WARROOM_AUTOLOGIN", "someone-else")
    at = open_page("overview", role=None, lang="en")
    assert "scope" not in at.session_state


def test_read_only_replica_needs_a_primary_for_the_audit_log(app_env, monkeypatch, tmp_path):
    """A replica on a read-only store signs nobody in unless its writes have a primary."""
    import shutil

    from data.audit import load_audit_events
    from data.store import open_store

    replica = tmp_path / "replica.duckdb"
    shutil.copy(app_env, replica)
    monkeypatch.setenv("WARROOM_DB", str(replica))
    monkeypatch.setenv("WARROOM_READ_ONLY", "1")
    monkeypatch.setenv("WARROOM_AUTOLOGIN", "demo-executive")
    at = open_page("overview", role=None, lang="en")
    assert "scope" not in at.session_state and not at.metric
    assert "cannot write the audit log" in at.error[0].value
    assert not at.text_input  # no sign-in form either

    import streamlit as st

    st.cache_resource.clear()
    primary = tmp_path / "primary.duckdb"
    open_store(f"duckdb:///{primary}").close()  # migrated, as the release step does
    monkeypatch.setenv("WARROOM_PRIMARY_DB", str(primary))
    at = open_page("overview", role=None, lang="en")
    assert_clean(at)
    assert at.session_state["scope"].user == "demo-executive" and at.metric
    st.cache_resource.clear()  # let go of both files before reading the primary here
    written = open_store(f"duckdb:///{primary}")
    logins = load_audit_events(written, ADMIN, action="login")
    written.close()
    assert logins.user_name.tolist() == ["demo-executive"]


def test_no_demo_users_without_demo_mode_even_when_asked(app_env, monkeypatch):
    monkeypatch.setenv("WARROOM_DEMO", "")
    at = open_page("overview", role=None, lang="th")
    assert at.text_input(key="login_username")
    assert not [b for b in at.button if b.key and b.key.startswith("login_demo")]


# -- identity provider (st.login / st.user) ------------------------------------------------
OIDC_SECRETS = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                         "cookie_secret": "test-cookie-secret-test-cookie-secret",
                         "client_id": "war-room", "client_secret": "x",
                         "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}}


def _oidc_app(user: dict):
    from streamlit.testing.v1 import AppTest

    from tests.apptest_util import APP

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = "en"
    at.secrets = OIDC_SECRETS
    at.user = user
    return at.run()


def test_identity_provider_sign_in_maps_email_to_account(app_env):
    _add_account("oidc.officer", "unused-password-1", email="Officer@Example.org",
                 roles={"provincial"}, provinces={"40"})
    signed_out = _oidc_app({"is_logged_in": False})
    assert [b.label for b in signed_out.button if b.key == "login_oidc_default"] == [
        "Sign in with organisation account"]
    assert not signed_out.text_input  # no built-in form when a provider is configured
    at = _oidc_app({"is_logged_in": True, "email": "officer@example.org", "name": "Officer"})
    assert_clean(at)
    assert at.session_state["scope"].household_provinces == {"40"}
    assert _events(user="oidc.officer", action="login").detail.iloc[0] == "oidc"


def test_identity_provider_user_without_account_sees_nothing(app_env):
    at = _oidc_app({"is_logged_in": True, "email": "stranger@example.org", "name": "S"})
    assert not at.metric and not at.dataframe
    assert at.warning[0].value.startswith("Your account has no area assigned")
    assert len(_events(user="stranger@example.org", action="login_denied")) >= 1


def _pattani_village() -> str:
    return str(_store().scalar(
        "SELECT village_code FROM households WHERE province_code = '94' AND target_poor "
        "AND survey_year = 2024 GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1"))


def _household_tables(at):
    return [f for f in _frames(at) if any(HOUSEHOLD_COLUMNS.search(str(c)) for c in f.columns)]


def test_household_list_only_for_its_province_and_on_record(app_env):
    """Pattani's officer lists the village's households (recorded); nobody else does."""
    village = _pattani_village()
    query = {"area": village, "year": "2024"}
    officer = open_page("poverty", user="demo-pattani", lang="en", query=query)
    assert_clean(officer)
    assert not _household_tables(officer)  # the purpose is asked first, nothing recorded
    assert _events(user="demo-pattani", action="household_list_view", area=village).empty
    officer = give_purpose(officer, village, "other")
    assert not _household_tables(officer)  # "other" needs its details
    assert any("give the details" in e.value for e in officer.error)
    officer = give_purpose(officer, village, "other", "Letter 0017/2567 from the governor")
    assert_clean(officer)
    assert _household_tables(officer)
    views = _events(user="demo-pattani", action="household_list_view", area=village)
    assert list(views.detail) == ["poverty"]
    assert list(views.purpose) == ["other: Letter 0017/2567 from the governor"]
    # Admins get the access report by user, area and purpose.
    from data.audit import load_access_report

    report = load_access_report(_store(), ADMIN)
    row = report[report.user_name == "demo-pattani"].iloc[0]
    assert (row.area_code, row.purpose, row.views) == (
        village, "other: Letter 0017/2567 from the governor", 1)
    for other in ("demo-khonkaen", "demo-executive", "demo-analyst", "demo-steward",
                  "demo-admin"):
        at = open_page("poverty", user=other, lang="en", query=query)
        assert_clean(at)
        assert not _household_tables(at), other
        assert _events(user=other, action="household_list_view", area=village).empty
    # Khon Kaen's officer following the link is not even in Pattani.
    assert open_page("poverty", user="demo-khonkaen", query=query).session_state["area"] == "40"


def test_demo_session_ends_when_demo_mode_is_off(app_env, monkeypatch):
    monkeypatch.setenv("WARROOM_DEMO", "0")
    at = open_page("overview", user="demo-executive", lang="en")
    assert not at.metric and at.text_input(key="login_username")


def test_demo_users_never_meet_real_data(app_env, monkeypatch):
    """Demo sign-in is refused on a store with real accounts or imports, and off loopback."""
    import streamlit as st

    from data import users

    monkeypatch.setenv("WARROOM_DEMO_FORCE", "")
    at = open_page("overview", role=None, lang="en")
    assert [b for b in at.button if b.label.startswith("Demo:")]  # a pure demo store
    _store().execute("INSERT INTO import_batches (batch_id, kind, file_name, sha256, "
                     "rows_read, rows_accepted, rows_rejected, rows_replaced, imported_by, "
                     "imported_at, status) VALUES (901, 'indicators', 'demo.csv', 'x', 1, 1, 0, "
                     "0, 'demo-steward', CURRENT_TIMESTAMP, 'committed')")
    at = open_page("overview", role=None, lang="en")
    assert [b for b in at.button if b.label.startswith("Demo:")]  # the demo steward's import
    with pytest.raises(ValueError, match="reserved"):
        users.add_user(_store(), "demo-extra", actor="test", password="a-long-password")
    users.add_user(_store(), "real.person", actor="test", password="real-password-1",
                   roles={"executive"})
    st.cache_resource.clear()
    at = open_page("overview", role=None, lang="en")
    assert not [b for b in at.button if b.label.startswith("Demo:")]
    assert any("real accounts or imported data" in w.value for w in at.warning)
    # A demo session already open ends at its next step.
    demo = open_page("overview", user="demo-executive", lang="en")
    assert "scope" not in demo.session_state and not demo.metric
    monkeypatch.setenv("WARROOM_DEMO_FORCE", "1")  # a test system, said so by name
    assert [b for b in open_page("overview", role=None, lang="en").button
            if b.label.startswith("Demo:")]


def test_demo_users_are_refused_when_the_app_listens_beyond_this_machine(app_env, monkeypatch):
    from components import demo_guard

    monkeypatch.setenv("WARROOM_DEMO_FORCE", "")
    monkeypatch.setattr(demo_guard.st, "get_option", lambda name: "0.0.0.0")
    assert demo_guard.demo_refusal() == "access_demo_refused_address"
    monkeypatch.setattr(demo_guard.st, "get_option", lambda name: "127.0.0.1")
    assert demo_guard.demo_refusal() is None


def test_demo_refusal_is_asked_once_per_run_and_on_every_run(app_env, monkeypatch):
    from components import demo_guard

    monkeypatch.setenv("WARROOM_DEMO_FORCE", "")
    monkeypatch.setattr(demo_guard.st, "get_option", lambda name: "127.0.0.1")
    asked = []
    real = demo_guard._refusal
    monkeypatch.setattr(demo_guard, "_refusal", lambda: asked.append(1) or real())
    with demo_guard.one_answer_per_run():
        assert [demo_guard.demo_refusal() for _ in range(3)] == [None] * 3
    assert len(asked) == 1  # one run: one question
    demo_guard.demo_refusal()
    demo_guard.demo_refusal()
    assert len(asked) == 3  # outside a run (callbacks, scripts): asked every time
    # The next run meets real data at once: an import by anyone but the demo users ...
    batch = ("INSERT INTO import_batches (batch_id, kind, file_name, sha256, rows_read, "
             "rows_accepted, rows_rejected, rows_replaced, imported_by, imported_at, status) "
             "VALUES (?, 'indicators', 'x.csv', 'x', 1, 1, 0, 0, ?, CURRENT_TIMESTAMP, ?)")
    _store().execute(batch, [911, "demo-steward", "committed"])
    _store().execute(batch, [912, "someone", "rolled_back"])
    assert demo_guard.demo_refusal() is None
    _store().execute(batch, [914, "someone", "committed"])
    with demo_guard.one_answer_per_run():
        assert demo_guard.demo_refusal() == "access_demo_refused_data"
    _store().execute("DELETE FROM import_batches WHERE batch_id = 914")
    assert demo_guard.demo_refusal() is None
    # ... or a real account.
    from data import users

    users.add_user(_store(), "real.person2", actor="test", password="real-password-1",
                   roles={"executive"})
    with demo_guard.one_answer_per_run():
        assert demo_guard.demo_refusal() == "access_demo_refused_data"
        assert demo_guard.demo_offered() is False
