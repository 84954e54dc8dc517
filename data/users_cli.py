"""``python -m data users add|passwd|roles|list|disable``: manage sign-in accounts from a shell."""

from __future__ import annotations

import argparse
import getpass
import json
import os
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
    _password_option(add)
    passwd = sub.add_parser("passwd", help="set a new password")
    passwd.add_argument("username")
    _password_option(passwd)
    roles = sub.add_parser("roles", help="replace an account's roles and provinces")
    roles.add_argument("username")
    roles.add_argument("--role", action="append", default=[], choices=ROLES)
    roles.add_argument("--province", action="append", default=[])
    sub.add_parser("list", help="print every account as JSON (never password hashes)")
    disable = sub.add_parser("disable", help="disable an account (--enable to undo)")
    disable.add_argument("username")
    disable.add_argument("--enable", action="store_true")


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise ValueError("the passwords differ")
    return first


def run(args: argparse.Namespace) -> int:
    from data import users
    from data.store import open_store

    store = open_store()
    actor = f"cli:{os.environ.get('USER') or getpass.getuser()}"
    try:
        if args.users_command == "add":
            password = None if args.no_password else _read_password(args)
            user = users.add_user(store, args.username, actor=actor, display_name=args.name,
                                  email=args.email, password=password, roles=set(args.role),
                                  provinces=set(args.province))
            print(f"added {user.username}: roles {sorted(user.roles)}, "
                  f"provinces {sorted(user.provinces)}")
        elif args.users_command == "passwd":
            users.set_password(store, args.username, _read_password(args), actor=actor)
            print(f"password of {users.normalise_username(args.username)} changed")
        elif args.users_command == "roles":
            users.set_assignments(store, args.username, actor=actor, roles=set(args.role),
                                  provinces=set(args.province))
            print(f"roles of {users.normalise_username(args.username)} replaced")
        elif args.users_command == "list":
            df = users.load_users(store)
            df["created_at"] = df.created_at.astype(str)
            print(json.dumps(df.to_dict(orient="records"), indent=2, ensure_ascii=False))
        elif args.users_command == "disable":
            users.set_disabled(store, args.username, not args.enable, actor=actor)
            state = "enabled" if args.enable else "disabled"
            print(f"{users.normalise_username(args.username)} {state}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0
