"""AppTest smoke tests for every registered page, in Thai and English, plus registry guards."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.nav import PAGES
from tests.apptest_util import assert_clean, open_page

REPO = Path(__file__).resolve().parent.parent


def test_every_page_file_is_registered():
    files = {p.relative_to(REPO).as_posix() for p in (REPO / "app_pages").glob("*.py")
             if p.name != "__init__.py"}
    assert files == {p.path for p in PAGES}


def test_no_legacy_pages_folder():
    # A pages/ folder beside app.py turns on Streamlit's legacy routing for deep links.
    assert not (REPO / "pages").exists()


def test_registry_is_consistent():
    keys = [p.key for p in PAGES]
    assert len(keys) == len(set(keys))
    assert sum(p.default for p in PAGES) == 1
    assert len({p.url_path for p in PAGES}) == len(PAGES)


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
def test_page_renders(app_env, page, lang):
    # Pages reserved to a role (administration) are opened by a holder of that role.
    at = open_page(page, lang=lang, role=min(page.roles) if page.roles else "executive")
    assert_clean(at)
    assert at.session_state["lang"] == lang
    # Every page shows real content from the store: a metric or a table at least.
    assert at.metric or at.dataframe or at.get("plotly_chart") or at.get("component_instance")


def test_url_reproduces_area_year_language(app_env):
    at = open_page("overview", lang="en", query={"area": "40", "year": "2020"})
    assert_clean(at)
    assert at.session_state["area"] == "40"
    assert at.session_state["year"] == 2020
    assert at.query_params["area"] == "40"
    assert at.query_params["lang"] == "en"


@pytest.mark.parametrize("page", ["overview", "poverty"])
@pytest.mark.parametrize("code", ["99x", "99", "1099", "409999", "R:XX"])
def test_unknown_area_in_url_is_ignored(app_env, page, code):
    """Malformed codes and well-formed codes of no area both open the national view."""
    at = open_page(page, query={"area": code})
    assert_clean(at)
    assert at.session_state["area"] == ""


def test_language_switch_translates_labels(app_env):
    th = open_page("overview", lang="th")
    en = open_page("overview", lang="en")
    assert th.metric[0].label != en.metric[0].label
    assert en.metric[0].label == "Households surveyed"


def test_empty_scope_sees_nothing(app_env, monkeypatch):
    from data.scope import AccessScope

    monkeypatch.setenv("WARROOM_DEMO", "0")
    at = open_page("overview", session={"scope": AccessScope.nothing("nobody")})
    assert not at.metric and not at.dataframe
