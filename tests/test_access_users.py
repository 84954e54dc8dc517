"""The user store: argon2 hashes, roles and provinces to scopes, audit of changes, the CLI."""

from __future__ import annotations

import io

import pytest

from data import users
from data.audit import load_audit_events, record_event
from data.scope import AccessScope
from data.store import open_store

ADMIN = AccessScope(user="root", roles=frozenset({"admin"}), provinces=None)


@pytest.fixture()
def db(any_empty_store):
    """An empty store with the schema only, on DuckDB and on PostgreSQL."""
    return any_empty_store


def test_password_hash_is_salted_slow_and_verifiable():
    a, b = users.hash_password("correct horse"), users.hash_password("correct horse")
    assert a != b and a.startswith("$argon2id$")
    assert users.verify_password(a, "correct horse")
    assert not users.verify_password(a, "correct horsE")
    assert not users.verify_password(None, "not-a-password")
    assert not users.verify_password("garbage", "x")


def test_add_authenticate_and_wrong_password(db):
    users.add_user(db, "Somchai", actor="t", password="s3cret-pass", roles={"provincial"},
                   provinces={"94"}, email="Somchai@Example.org")
    user = users.authenticate(db, " somchai ", "s3cret-pass")
    assert user is not None and user.username == "somchai"
    assert user.roles == {"provincial"} and user.provinces == {"94"}
    assert users.authenticate(db, "somchai", "wrong-password") is None
    assert users.authenticate(db, "nobody", "s3cret-pass") is None
    assert users.load_user_by_email(db, "SOMCHAI@example.org").username == "somchai"
    stored = db.scalar("SELECT password_hash FROM users WHERE username = 'somchai'")
    assert "s3cret-pass" not in stored


def test_disabled_user_cannot_sign_in_and_sees_nothing(db):
    users.add_user(db, "exec1", actor="t", password="long-enough-1", roles={"executive"})
    users.set_disabled(db, "exec1", True, actor="root")
    assert users.authenticate(db, "exec1", "long-enough-1") is None
    assert users.scope_for(users.load_user(db, "exec1")).is_empty
    users.set_disabled(db, "exec1", False, actor="root")
    assert users.authenticate(db, "exec1", "long-enough-1") is not None


def test_one_statement_account_read_equals_the_three_statement_one(db):
    users.add_user(db, "Somchai", actor="t", password="s3cret-pass", roles={"provincial",
                   "analyst"}, provinces={"94", "95"}, email="s@example.org")
    users.add_user(db, "plain", actor="t")  # no role, no province, no name, no email
    users.add_user(db, "off", actor="t", roles={"executive"}, display_name="Off Line")
    users.set_disabled(db, "off", True, actor="root")
    for name in ("somchai", " SOMCHAI ", "plain", "off"):
        row = db.rows("SELECT username, display_name, email, disabled FROM users "
                      "WHERE username = ?", [users.normalise_username(name)])[0]
        assert users.load_user(db, name) == users._user_from_row(db, row)
    assert users.load_user(db, "nobody") is None
    assert users.load_user(db, "somchai").provinces == {"94", "95"}


def test_bad_input_is_refused(db):
    with pytest.raises(ValueError, match="at least"):
        users.add_user(db, "short", actor="t", password="abc")
    with pytest.raises(ValueError, match="unknown role"):
        users.add_user(db, "x1", actor="t", roles={"king"})
    with pytest.raises(ValueError, match="province"):
        users.add_user(db, "x2", actor="t", roles={"provincial"}, provinces={"99"})
    with pytest.raises(ValueError, match="user name"):
        users.add_user(db, "<b>", actor="t")
    users.add_user(db, "twice", actor="t")
    with pytest.raises(ValueError, match="exists"):
        users.add_user(db, "TWICE", actor="t")
    with pytest.raises(ValueError, match="own account"):
        users.set_disabled(db, "twice", True, actor="twice")


def test_assignments_replace_and_changes_are_audited(db):
    users.add_user(db, "p", actor="root", roles={"provincial"}, provinces={"94", "95"})
    users.set_assignments(db, "p", actor="root", roles={"provincial", "analyst"},
                          provinces={"40"})
    u = users.load_user(db, "p")
    assert u.roles == {"provincial", "analyst"} and u.provinces == {"40"}
    users.set_password(db, "p", "another-password", actor="root")
    log = load_audit_events(db, ADMIN)
    assert list(log.action)[:3] == ["user_passwd", "user_roles", "user_add"]
    assert (log.user_name == "root").all()
    assert not log.detail.str.contains("another-password").any()
    frame = users.load_users(db)
    assert "password_hash" not in frame.columns
    assert frame.set_index("username").loc["p", "roles"] == "analyst, provincial"


@pytest.mark.parametrize(("roles", "provinces", "expect_all", "expect_local"), [
    ({"executive"}, set(), True, set()),
    ({"analyst"}, set(), True, set()),
    ({"steward"}, set(), True, set()),
    ({"admin"}, set(), True, set()),
    ({"provincial"}, {"94"}, False, {"94"}),
    ({"provincial"}, {"94", "40"}, False, {"94", "40"}),
    ({"provincial"}, set(), False, set()),
    (set(), {"94"}, False, set()),
    ({"executive", "provincial"}, {"40"}, True, {"40"}),
])
def test_scope_for_roles(roles, provinces, expect_all, expect_local):
    scope = users.scope_for(users.User("u", roles=frozenset(roles),
                                       provinces=frozenset(provinces)))
    assert scope.all_provinces is expect_all
    assert scope.household_provinces == expect_local
    if not expect_all:
        assert scope.provinces == expect_local
        assert scope.is_empty is (not expect_local)
    assert not scope.can_list_households("50")


def test_demo_users_cover_every_role():
    roles = set().union(*(u.roles for u in users.DEMO_USERS))
    assert roles == set(users.ROLES)
    assert users.scope_for(users.demo_user("demo-pattani")).household_provinces == {"94"}
    assert users.scope_for(users.demo_user("demo-unassigned")).is_empty
    assert all(u.display_name.startswith("Demo") for u in users.DEMO_USERS)


def test_audit_viewer_is_admin_only_and_filters(db):
    record_event(db, "a", "login", "94")
    record_event(db, "b", "household_list_view", "94010101", "poverty")
    record_event(db, "b", "login_failed")
    with pytest.raises(PermissionError):
        load_audit_events(db, AccessScope.everything())
    assert list(load_audit_events(db, ADMIN, user="B").action) == [
        "login_failed", "household_list_view"]
    assert list(load_audit_events(db, ADMIN, area="9401").user_name) == ["b"]
    assert list(load_audit_events(db, ADMIN, action="login").user_name) == ["a"]


def test_cli_add_list_roles_passwd_disable(tmp_path, monkeypatch, capsys):
    from data.__main__ import main

    monkeypatch.setenv("WARROOM_DB", str(tmp_path / "cli.duckdb"))
    # Account commands never create a store: it is made by `migrate` (or `init`, `demo`).
    assert main(["users", "list"]) == 2
    assert main(["migrate"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("first-password\n"))
    assert main(["users", "add", "Kanya", "--name", "Kanya S.", "--role", "provincial",
                 "--province", "94", "--password-stdin"]) == 0
    assert main(["users", "roles", "kanya", "--role", "provincial", "--role", "analyst",
                 "--province", "40", "--province", "94"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("second-password\n"))
    assert main(["users", "passwd", "kanya", "--password-stdin"]) == 0
    assert main(["users", "disable", "kanya"]) == 0
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert '"roles": "analyst, provincial"' in out and '"provinces": "40, 94"' in out
    assert '"disabled": true' in out and "argon2" not in out
    assert main(["users", "passwd", "nobody", "--password-stdin"]) == 2
    s = open_store(f"duckdb:///{tmp_path / 'cli.duckdb'}")
    try:
        assert users.authenticate(s, "kanya", "second-password") is None  # disabled
        users.set_disabled(s, "kanya", False, actor="t")
        assert users.authenticate(s, "kanya", "second-password") is not None
        actions = set(load_audit_events(s, ADMIN).action)
        assert {"user_add", "user_roles", "user_passwd", "user_disable"} <= actions
    finally:
        s.close()
