"""Helpers for AppTest runs of the War Room (page switching, language, error checks)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.nav import PAGES, PageSpec

APP = Path(__file__).resolve().parent.parent / "app.py"


def open_page(page: PageSpec | str, *, lang: str = "th", query: dict[str, str] | None = None,
              session: dict | None = None, timeout: float = 60) -> AppTest:
    """Run the app shell, then the page, as a user arriving by link would."""
    spec = page if isinstance(page, PageSpec) else next(p for p in PAGES if p.key == page)
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.query_params["lang"] = lang
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
