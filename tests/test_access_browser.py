"""Browser: sign in through the form as a provincial officer; hostile names stay text."""

from __future__ import annotations

import shutil

import pytest

from tests.browser_util import (
    app_server,
    assert_no_exception,
    browser,
    require_browser,
    screenshot,
    wait_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = "<img src=x onerror=alert(1)> ${alert(1)}"


@pytest.fixture(scope="module")
def access_db(demo_db, tmp_path_factory):
    """The demo store plus two accounts: a Pattani officer and one with a hostile name."""
    from data import users
    from data.store import Store

    path = tmp_path_factory.mktemp("access-browser") / "access.duckdb"
    shutil.copy(demo_db, path)
    store = Store(f"duckdb:///{path}")
    try:
        users.add_user(store, "kanya", actor="test", password="pattani-officer-1",
                       display_name="Kanya (Pattani)", roles={"provincial"}, provinces={"94"})
        users.add_user(store, "hostile", actor="test", password="hostile-officer-1",
                       display_name=HOSTILE, roles={"provincial", "admin"}, provinces={"94"})
        pid = int(store.scalar("SELECT MAX(partner_id) FROM partners")) + 1
        store.execute("INSERT INTO partners (partner_id, name, name_en, sector, home_province) "
                      "SELECT ?, ?, ?, sector, '94' FROM partners LIMIT 1", [pid, HOSTILE, HOSTILE])
    finally:
        store.close()
    return path


def _sign_in(page, base: str, username: str, password: str, path: str = "",
             area: str = "94") -> None:
    page.goto(f"{base}/{path}?lang=en&area={area}")
    wait_rendered(page)
    page.get_by_label("User name", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.locator('[data-testid="stSidebar"]').get_by_text("Sign out").wait_for(timeout=60_000)
    wait_rendered(page)


def test_provincial_officer_signs_in_through_the_form(access_db):
    require_browser()
    with app_server(access_db, {"WARROOM_AUTOLOGIN": ""}) as base, browser() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}/?lang=en")
        wait_rendered(page)
        page.get_by_label("Password", exact=True).wait_for(timeout=30_000)
        assert page.locator('[data-testid="stMetric"]').count() == 0
        screenshot(page, "access-sign-in-en")
        page.get_by_label("User name", exact=True).fill("kanya")
        page.get_by_label("Password", exact=True).fill("wrong-password")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Wrong user name or password").wait_for(timeout=30_000)
        _sign_in(page, base, "kanya", "pattani-officer-1")
        assert_no_exception(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("Kanya (Pattani)").count() == 1
        assert page.locator('[data-testid="stMetric"]').count() >= 1
        assert "area=94" in page.url
        nav = page.locator('[data-testid="stTopNavLink"], [data-testid="stSidebarNavLink"]')
        assert nav.filter(has_text="Administration").count() == 0
        screenshot(page, "access-provincial-94-en")
        sidebar.get_by_role("button", name="Sign out").click()
        page.get_by_label("Password", exact=True).wait_for(timeout=30_000)
        # The signed-in page's elements stay (faded) until the run that replaced them ends.
        wait_rendered(page)
        assert page.locator('[data-testid="stMetric"]').count() == 0


def test_hostile_names_stay_text_in_the_browser(access_db):
    require_browser()
    with app_server(access_db, {"WARROOM_AUTOLOGIN": ""}) as base, browser() as ctx:
        page = ctx.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        # Bangkok (10) holds the demo data's own hostile partner names; this user sees it.
        _sign_in(page, base, "hostile", "hostile-officer-1", path="partners", area="10")
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        wait_rendered(page)
        main = page.locator('[data-testid="stMain"]')
        assert main.get_by_text("onerror=alert(1)", exact=False).count() >= 1  # shown as text
        for path in ("partners", "admin"):
            if path == "admin":
                # In-app navigation keeps the signed-in session (a reload would start anew).
                page.get_by_role("link", name="Administration").click()
                page.get_by_text("Audit log").first.wait_for(timeout=60_000)
                wait_rendered(page)
            assert_no_exception(page)
            for frame in page.frames:
                assert frame.locator('img[src="x"]').count() == 0, f"{path}: an <img> was built"
            screenshot(page, f"access-hostile-{path}-en")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("<img src=x onerror=alert(1)>", exact=False).count() >= 1
        assert dialogs == []
