"""``python -m data users add|passwd|roles|list|disable|unlock``: manage sign-in accounts from a
shell (the Administration page does the same in the app)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from data.scope import ROLES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="users_command", required=True)
    add = sub.add_parser("add", help="create an account (asks for its password)")
    add.add_argument("username")
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--email", default=None, help="matches identity-provider sign-ins")
    add.add_argument("--role", action="append", default=[], choices=ROLES,
                     help="a role; repeat for several")
    add.add_argument("--province", action="append", default=[],
                     help="a 2-digit province code for provincial staff; repeat for several")
    add.add_argument("--no-password", action="store_true",
                     help="identity-provider sign-in only (no built-in password)")
    _common(add)
    passwd = sub.add_parser("passwd", help="set a new password")
    passwd.add_argument("username")
    _common(passwd)
    roles = sub.add_parser("roles", help="replace an account's roles and provinces")
    roles.add_argument("username")
    roles.add_argument("--role", action="append", default=[], choices=ROLES)
    roles.add_argument("--province", action="append", default=[])
    _common(roles, password=False)
    sub.add_parser("list", help="print every account as JSON (never password hashes)")
    disable = sub.add_parser("disable", help="disable an account (--enable to undo)")
    disable.add_argument("username")
    disable.add_argument("--enable", action="store_true")
    _common(disable, password=False)
    unlock = sub.add_parser("unlock", help="clear an account's failed sign-ins")
    unlock.add_argument("username")
    _common(unlock, password=False)


def _common(parser: argparse.ArgumentParser, password: bool = True) -> None:
    if password:
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the password from the first line of standard input "
                                 "(for scripts; otherwise it is asked twice at the terminal)")
    parser.add_argument("--note", default="",
                        help="a note recorded in the audit log after your system user name")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise ValueError("no terminal to ask the password at: pass it on standard input with "
                         "--password-stdin (e.g. `printf '%s\\n' \"$PW\" | python -m data users "
                         "add NAME ... --password-stdin`)")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise ValueError("the passwords differ")
    return first


def run(args: argparse.Namespace) -> int:
    from data.__main__ import report_store_error
    from data.store import StoreError

    try:
        return _run(args)
    except StoreError as exc:
        return report_store_error(exc)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from data import users
    from data.audit import cli_actor
    from data.backup import open_for_reading
    from data.store import open_store

    if args.users_command == "list":
        store, note = open_for_reading()
        try:
            df = users.load_users(store)
        finally:
            store.close()
        df["created_at"] = df.created_at.astype(str)
        records = df.astype(object).where(df.notna(), None).to_dict(orient="records")
        if note:
            print(note, file=sys.stderr)
        print(json.dumps(records, indent=2, ensure_ascii=False))
        return 0
    # Asked before the store is opened: a refusal for want of a terminal costs nothing.
    password = None
    if args.users_command in ("add", "passwd") and not getattr(args, "no_password", False):
        password = _read_password(args)
    store = open_store(create=False)
    actor = cli_actor(args.note)
    try:
        name = users.normalise_username(args.username)
        if args.users_command == "add":
            user = users.add_user(store, args.username, actor=actor, display_name=args.name,
                                  email=args.email, password=password, roles=set(args.role),
                                  provinces=set(args.province))
            print(f"added {user.username}: roles {sorted(user.roles)}, "
                  f"provinces {sorted(user.provinces)}")
        elif args.users_command == "passwd":
            users.set_password(store, args.username, password or "", actor=actor)
            print(f"password of {name} changed")
        elif args.users_command == "roles":
            users.set_assignments(store, args.username, actor=actor, roles=set(args.role),
                                  provinces=set(args.province))
            print(f"roles of {name} replaced")
        elif args.users_command == "disable":
            users.set_disabled(store, args.username, not args.enable, actor=actor)
            print(f"{name} {'enabled' if args.enable else 'disabled'}")
        elif args.users_command == "unlock":
            cleared = users.unlock_user(store, args.username, actor=actor)
            print(f"{name} unlocked ({cleared} failure counts cleared)")
    finally:
        store.close()
    return 0
