"""The Administration page: accounts through the forms, the audit log viewer, admin-only access."""

from __future__ import annotations

from data.audit import load_audit_events
from data.scope import AccessScope
from tests.apptest_util import assert_clean, open_page

ADMIN = AccessScope(user="t", roles=frozenset({"admin"}), provinces=None)


def _store():
    from components.datasource import get_store

    return get_store()


def _submit(at, label: str):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_admin_creates_edits_resets_and_disables_a_user(app_env):
    from data.users import authenticate, load_user

    at = open_page("admin", role="admin", lang="en")
    assert_clean(at)
    at.text_input(key="adm_new_username").input("admin.made")
    at.text_input(key="adm_new_name").input("Made by admin")
    at.multiselect(key="adm_new_roles").select("provincial")
    at.multiselect(key="adm_new_provinces").select("40")
    at.text_input(key="adm_new_password").input("first-password-1")
    at = _submit(at, "Create user")
    assert_clean(at)
    assert [s.value for s in at.success] == ["Saved"]
    user = load_user(_store(), "admin.made")
    assert user.roles == {"provincial"} and user.provinces == {"40"}
    assert authenticate(_store(), "admin.made", "first-password-1") is not None

    at.selectbox(key="adm_pick").select("admin.made")
    at = at.run()
    assert at.text_input(key="adm_edit_name").value == "Made by admin"
    at.multiselect(key="adm_edit_roles").select("analyst")
    at.multiselect(key="adm_edit_provinces").select("94")
    at = _submit(at, "Save")
    user = load_user(_store(), "admin.made")
    assert user.roles == {"provincial", "analyst"} and user.provinces == {"40", "94"}

    at.text_input(key="adm_edit_password").input("short")
    at = _submit(at, "Reset password")
    assert "at least" in at.error[0].value
    at.text_input(key="adm_edit_password").input("second-password-2")
    at = _submit(at, "Reset password")
    assert authenticate(_store(), "admin.made", "second-password-2") is not None

    at.button(key="adm_disable").click()
    at = at.run()
    assert load_user(_store(), "admin.made").disabled
    log = load_audit_events(_store(), ADMIN, user="demo-admin")
    assert {"user_add", "user_roles", "user_passwd", "user_disable"} <= set(log.action)
    assert not log.detail.str.contains("password-").any()


def _audit_table(at):
    return next(d.value for d in at.dataframe if "action" in d.value.columns)


def test_audit_log_viewer_filters(app_env):
    from data.audit import record_event

    record_event(_store(), "viewer.check", "household_list_view", "94010203", "poverty")
    record_event(_store(), "viewer.check", "export", "40", "csv: sdg values")
    at = open_page("admin", role="admin", lang="en")
    at.text_input(key="adm_f_user").input("viewer.check")
    at = at.run()
    table = _audit_table(at)
    assert set(table.action) == {"Household list viewed", "Export"}  # codes in words
    at.text_input(key="adm_f_area").input("94")
    at = at.run()
    assert list(_audit_table(at).area_code) == ["94010203"]
    assert at.get("download_button")


def test_admin_page_is_not_reachable_without_the_admin_role(app_env):
    for role in ("executive", "provincial", "analyst", "steward"):
        at = open_page("admin", role=role, lang="en")
        assert "## Administration" not in [m.value for m in at.markdown]
        assert not any(getattr(w, "key", None) == "adm_new_username" for w in at.text_input)


def test_admin_view_refuses_a_direct_call_without_the_role(app_env):
    from streamlit.testing.v1 import AppTest

    def script():
        from components.admin_view import render_admin_page

        render_admin_page()

    at = AppTest.from_function(script)
    at.session_state["scope"] = AccessScope.everything()
    at.run()
    assert [w.value for w in at.warning] == ["หน้านี้สำหรับผู้ดูแลระบบเท่านั้น"]
    assert not at.dataframe
