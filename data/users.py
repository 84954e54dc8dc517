"""The built-in user store: accounts, roles, provinces, argon2 passwords, and the scope they grant."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from data.audit import record_event
from data.scope import ROLES, AccessScope
from data.store import Store, StoreError
from data.web_sessions import revoke_user
from domain.areas import REGIONS_NESDC

# argon2id with the library's defaults (RFC 9106 low-memory profile): salted and slow.
_hasher = PasswordHasher()
# Verified when the user name is unknown, so that a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-password")

PROVINCES = frozenset(p for region in REGIONS_NESDC for p in region.provinces)
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,62}$")
# Roles whose holders see the aggregates of every province (never household lists).
_NATIONAL_ROLES = frozenset({"executive", "analyst", "steward", "admin"})


@dataclass(frozen=True)
class User:
    username: str
    display_name: str = ""
    email: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    provinces: frozenset[str] = field(default_factory=frozenset)
    disabled: bool = False
    demo: bool = False

    @property
    def label(self) -> str:
        return self.display_name or self.username


def scope_for(user: User | None) -> AccessScope:
    """The access a user's roles grant; deny by default.

    Executives, analysts, stewards and administrators read the aggregates of every province.
    Provincial staff read the aggregates of their assigned provinces and list households there
    only. A provincial role without a province, or no role at all, grants nothing.
    """
    if user is None or user.disabled:
        return AccessScope.nothing(user.username if user else "")
    roles = frozenset(r for r in user.roles if r in ROLES)
    local = frozenset(user.provinces & PROVINCES) if "provincial" in roles else frozenset()
    provinces: frozenset[str] | None = None if roles & _NATIONAL_ROLES else local
    return AccessScope(user=user.username, roles=roles, provinces=provinces,
                       household_provinces=local)


# -- demo users: offered at sign-in only when WARROOM_DEMO is switched on -------------------
DEMO_USERS: tuple[User, ...] = (
    User("demo-executive", "Demo: executive", roles=frozenset({"executive"}), demo=True),
    User("demo-pattani", "Demo: provincial staff, Pattani (94)", roles=frozenset({"provincial"}),
         provinces=frozenset({"94"}), demo=True),
    User("demo-khonkaen", "Demo: provincial staff, Khon Kaen (40)",
         roles=frozenset({"provincial"}), provinces=frozenset({"40"}), demo=True),
    User("demo-analyst", "Demo: analyst", roles=frozenset({"analyst"}), demo=True),
    User("demo-steward", "Demo: data steward", roles=frozenset({"steward"}), demo=True),
    User("demo-admin", "Demo: administrator", roles=frozenset({"admin"}), demo=True),
    User("demo-unassigned", "Demo: no assignment", demo=True),
)


def demo_user(username: str) -> User | None:
    return next((u for u in DEMO_USERS if u.username == username), None)


# -- passwords ------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")


# -- reading ----------------------------------------------------------------------------------
def _user_from_row(store: Store, row: tuple) -> User:
    username = row[0]
    roles = frozenset(r[0] for r in store.rows(
        "SELECT role FROM user_roles WHERE username = ?", [username]))
    provinces = frozenset(r[0] for r in store.rows(
        "SELECT province_code FROM user_provinces WHERE username = ?", [username]))
    return User(username=username, display_name=row[1] or "", email=row[2], roles=roles,
                provinces=provinces, disabled=bool(row[3]))


# An account with its roles and provinces in one statement (kind 0: the account, 1: a role,
# 2: a province): every page run of a signed-in user re-reads it, and three statements cost
# three round trips.
_ONE_USER = (
    "SELECT 0, username, display_name, email, disabled FROM users WHERE username = ? "
    "UNION ALL SELECT 1, role, NULL, NULL, NULL FROM user_roles WHERE username = ? "
    "UNION ALL SELECT 2, province_code, NULL, NULL, NULL FROM user_provinces "
    "WHERE username = ?")


def load_user(store: Store, username: str) -> User | None:
    name = normalise_username(username)
    rows = store.rows(_ONE_USER, [name, name, name])
    account = next((r for r in rows if r[0] == 0), None)
    if account is None:
        return None
    return User(username=account[1], display_name=account[2] or "", email=account[3],
                roles=frozenset(r[1] for r in rows if r[0] == 1),
                provinces=frozenset(r[1] for r in rows if r[0] == 2),
                disabled=bool(account[4]))


def load_user_by_email(store: Store, email: str) -> User | None:
    """The account an identity-provider sign-in maps to (emails compare case-insensitively)."""
    rows = store.rows("SELECT username, display_name, email, disabled FROM users "
                      "WHERE LOWER(email) = ? ORDER BY username", [email.strip().lower()])
    return _user_from_row(store, rows[0]) if rows else None


def load_users(store: Store) -> pd.DataFrame:
    """Every account with its roles and provinces (comma-separated); never password hashes."""
    users = store.query("SELECT username, display_name, email, disabled, created_at, created_by "
                        "FROM users ORDER BY username")
    roles = store.query("SELECT username, role FROM user_roles ORDER BY role")
    provs = store.query("SELECT username, province_code FROM user_provinces "
                        "ORDER BY province_code")
    role_text = roles.groupby("username").role.agg(", ".join).to_dict()
    province_text = provs.groupby("username").province_code.agg(", ".join).to_dict()
    users["roles"] = [role_text.get(u, "") for u in users.username]
    users["provinces"] = [province_text.get(u, "") for u in users.username]
    return users[["username", "display_name", "email", "roles", "provinces", "disabled",
                  "created_at", "created_by"]]


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The enabled account whose password matches, else None (unknown and wrong look alike)."""
    name = normalise_username(username)
    rows = store.rows("SELECT password_hash, disabled FROM users WHERE username = ?", [name])
    stored = rows[0][0] if rows else None
    ok = verify_password(stored, password)
    if not ok or rows[0][1]:
        return None
    if _hasher.check_needs_rehash(stored):
        store.execute("UPDATE users SET password_hash = ? WHERE username = ?",
                      [hash_password(password), name])
    return load_user(store, name)


# -- changes (each one is on the audit log) ------------------------------------------------
def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def _check_roles(roles: set[str] | frozenset[str]) -> list[str]:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}; use {', '.join(ROLES)}")
    return sorted(roles)


def _check_provinces(provinces: set[str] | frozenset[str]) -> list[str]:
    unknown = set(provinces) - PROVINCES
    if unknown:
        raise ValueError(f"unknown province code(s): {', '.join(sorted(unknown))}")
    return sorted(provinces)


def _check_assignments(roles: set[str] | frozenset[str],
                       provinces: set[str] | frozenset[str]) -> tuple[list[str], list[str]]:
    """Roles and provinces as stored; a provincial role needs at least one province (it would
    grant nothing, and look like an account that works)."""
    role_list, prov_list = _check_roles(roles), _check_provinces(provinces)
    if "provincial" in role_list and not prov_list:
        raise ValueError("the provincial role needs at least one province (--province CODE)")
    return role_list, prov_list


def add_user(store: Store, username: str, *, actor: str, display_name: str = "",
             email: str | None = None, password: str | None = None,
             roles: set[str] | frozenset[str] = frozenset(),
             provinces: set[str] | frozenset[str] = frozenset()) -> User:
    """Create an account. Without a password it can only sign in through the identity provider."""
    name = normalise_username(username)
    if not _USERNAME.match(name):
        raise ValueError("a user name has 1-63 characters: a-z, 0-9 and . _ @ -")
    if name.startswith("demo-"):
        # The demo users' names: what they do is demo data (components.demo_guard.demo_refusal).
        raise ValueError("user names starting with demo- are reserved for the demo users")
    if password is not None:
        check_new_password(password)
    role_list, prov_list = _check_assignments(roles, provinces)
    if load_user(store, name) is not None:
        raise ValueError(f"user {name} already exists")
    with store.transaction():
        store.execute(
            "INSERT INTO users (username, display_name, email, password_hash, created_by) "
            "VALUES (?, ?, ?, ?, ?)",
            [name, display_name.strip(), (email or "").strip().lower() or None,
             hash_password(password) if password else None, actor])
        _write_assignments(store, name, role_list, prov_list)
        record_event(store, actor, "user_add", detail=f"user={name} "
                     f"roles={','.join(role_list)} provinces={','.join(prov_list)}")
    return load_user(store, name)  # type: ignore[return-value]


def _write_assignments(store: Store, name: str, roles: list[str], provinces: list[str]) -> None:
    store.execute("DELETE FROM user_roles WHERE username = ?", [name])
    store.execute("DELETE FROM user_provinces WHERE username = ?", [name])
    if roles:
        store.executemany("INSERT INTO user_roles (username, role) VALUES (?, ?)",
                          [[name, r] for r in roles])
    if provinces:
        store.executemany("INSERT INTO user_provinces (username, province_code) VALUES (?, ?)",
                          [[name, p] for p in provinces])


def _require(store: Store, username: str) -> str:
    name = normalise_username(username)
    if load_user(store, name) is None:
        raise ValueError(f"no user {name}")
    return name


def set_assignments(store: Store, username: str, *, actor: str,
                    roles: set[str] | frozenset[str],
                    provinces: set[str] | frozenset[str]) -> None:
    """Replace a user's roles and provinces."""
    name = _require(store, username)
    role_list, prov_list = _check_assignments(roles, provinces)
    with store.transaction():
        _write_assignments(store, name, role_list, prov_list)
        record_event(store, actor, "user_roles", detail=f"user={name} "
                     f"roles={','.join(role_list)} provinces={','.join(prov_list)}")


def set_password(store: Store, username: str, password: str, *, actor: str) -> None:
    name = _require(store, username)
    check_new_password(password)
    with store.transaction():
        store.execute("UPDATE users SET password_hash = ? WHERE username = ?",
                      [hash_password(password), name])
        # A new password ends the browser sessions signed in with the old one.
        revoke_user(store, name)
        record_event(store, actor, "user_passwd", detail=f"user={name}")


def set_profile(store: Store, username: str, *, actor: str, display_name: str,
                email: str | None) -> None:
    name = _require(store, username)
    with store.transaction():
        store.execute("UPDATE users SET display_name = ?, email = ? WHERE username = ?",
                      [display_name.strip(), (email or "").strip().lower() or None, name])
        record_event(store, actor, "user_profile", detail=f"user={name}")


def set_disabled(store: Store, username: str, disabled: bool, *, actor: str) -> None:
    """Disable (or re-enable) an account; its sessions lose access at their next step."""
    name = _require(store, username)
    if disabled and actor == name:
        raise ValueError("administrators cannot disable their own account")
    with store.transaction():
        store.execute("UPDATE users SET disabled = ? WHERE username = ?",
                      [bool(disabled), name])
        if disabled:
            revoke_user(store, name)
        record_event(store, actor, "user_disable" if disabled else "user_enable",
                     detail=f"user={name}")


def unlock_user(store: Store, username: str, *, actor: str) -> int:
    """Clear the account's failed sign-ins from every address (it may sign in at once)."""
    from data.throttle import unlock

    name = _require(store, username)
    with store.transaction():
        cleared = unlock(store, name)
        record_event(store, actor, "user_unlock", detail=f"user={name} counts={cleared}")
    return cleared


def ensure_user_tables(store: Store) -> None:
    if not store.table_exists("users"):
        raise StoreError("the user tables are missing; run `python -m data migrate`")
