"""Helpers for AppTest runs of the War Room (page switching, language, error checks)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.auth_session import SCOPE_KEY, USER_KEY
from components.nav import PAGES, PageSpec
from data.users import User, demo_user, scope_for

APP = Path(__file__).resolve().parent.parent / "app.py"


# The demo user each role signs in as (``role=``); a provincial user works in Pattani (94).
ROLE_USERS = {"executive": "demo-executive", "provincial": "demo-pattani",
              "analyst": "demo-analyst", "steward": "demo-steward", "admin": "demo-admin",
              "unassigned": "demo-unassigned"}


def open_page(page: PageSpec | str, *, lang: str = "th", query: dict[str, str] | None = None,
              session: dict | None = None, timeout: float = 60, role: str | None = "executive",
              user: str | User | None = None) -> AppTest:
    """Run the app shell, then the page, as a user arriving by link would.

    The session is signed in as ``user`` (a demo user name or a ``User``), else as the demo
    user of ``role`` (an executive by default); ``role=None`` shows the sign-in screen. A
    ``scope`` given in ``session`` wins over both.
    """
    spec = page if isinstance(page, PageSpec) else next(p for p in PAGES if p.key == page)
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.query_params["lang"] = lang
    account = demo_user(user) if isinstance(user, str) else user
    if account is None and role is not None:
        account = demo_user(ROLE_USERS[role])
    if account is not None and SCOPE_KEY not in (session or {}):
        at.session_state[SCOPE_KEY] = scope_for(account)
        at.session_state[USER_KEY] = account
    for key, value in (session or {}).items():
        at.session_state[key] = value
    # Start on the page itself, as a deep link does, so its URL options are read on arrival.
    if not spec.default:
        at.switch_page(spec.path)
    at.run()
    return at


def assert_clean(at: AppTest) -> None:
    """No exception element and no generic error message on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def give_purpose(at: AppTest, area: str, choice: str = "case_follow_up",
                 note: str = "") -> AppTest:
    """Answer the purpose question that stands before a household list, and rerun."""
    at.selectbox(key=f"purpose_c_{area}").set_value(choice)
    at.text_input(key=f"purpose_n_{area}").input(note)
    next(b for b in at.button if b.label in ("Open the list", "เปิดรายชื่อ")).click()
    return at.run()
