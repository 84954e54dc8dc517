"""Browser tests of what keeps data safe: the store's state page, the purpose asked before a
household list, the administrator's unlock and access report (screenshots in artifacts/)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
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


def _wait_idle(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=60_000)
    page.wait_for_timeout(500)


def test_a_store_in_use_is_named_not_called_empty(demo_db, tmp_path):
    require_browser()
    path = tmp_path / "held.duckdb"
    shutil.copyfile(demo_db, path)
    code = ("import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', "
            "flush=True); time.sleep(600)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with app_server(path, {"WARROOM_AUTOLOGIN": ""}) as base, browser(1366, 768) as ctx:
            page = ctx.new_page()
            for lang, words in (("en", "in use by another program"),
                                ("th", "กำลังถูกใช้งานโดยโปรแกรมอื่น")):
                page.goto(f"{base}/?lang={lang}")
                page.get_by_text(words).wait_for(timeout=60_000)
                _wait_idle(page)
                assert page.get_by_text(f"PID {holder.pid}").count() == 1
                assert page.get_by_text("empty").count() == 0
                assert page.get_by_role("button", name="Sign in").count() == 0
                screenshot(page, f"store-locked-{lang}")
    finally:
        holder.kill()
        holder.wait()


def _village(db) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT village_code FROM households WHERE province_code = '94' AND target_poor "
            "AND survey_year = 2024 GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1").fetchone()[0]


def _sign_in_as(ctx, base: str, label: str, path: str):
    page = ctx.new_page()
    page.goto(f"{base}/{path}")
    page.get_by_role("button", name=label).wait_for(timeout=60_000)
    _wait_idle(page)
    page.get_by_role("button", name=label).click()
    wait_rendered(page)
    return page


def test_purpose_before_households_then_the_access_report(demo_db, tmp_path):
    require_browser()
    path = tmp_path / "store.duckdb"
    shutil.copyfile(demo_db, path)
    village = _village(demo_db)
    with app_server(path, {"WARROOM_AUTOLOGIN": ""}) as base, browser(1366, 768) as ctx:
        page = _sign_in_as(ctx, base, "Demo: provincial staff, Pattani (94)",
                           f"poverty?lang=en&year=2024&area={village}")
        assert_no_exception(page)
        main = page.locator('[data-testid="stMain"]')
        gate = main.get_by_text("State your purpose before the household list opens")
        gate.scroll_into_view_if_needed()
        assert main.locator('[data-testid="stDataFrame"]').filter(
            has_text="Members").count() == 0
        screenshot(page, "purpose-gate-en")
        main.get_by_label("Details (e.g. a case or letter number)").fill("Visit 12 Dec")
        main.get_by_role("button", name="Open the list").click()
        gate.wait_for(state="detached", timeout=60_000)
        _wait_idle(page)
        assert_no_exception(page)
        page.get_by_text("Target households of the village", exact=False).first.wait_for(
            timeout=30_000)
        screenshot(page, "purpose-given-households-en")
        # A reload and a second tab of the same browser keep the officer signed in.
        page.reload()
        wait_rendered(page)
        assert page.get_by_role("button", name="Sign out").count() == 1
        assert page.get_by_text("Demo: provincial staff, Pattani (94)").count() >= 1
        second = ctx.new_page()
        second.goto(f"{base}/?lang=en")
        wait_rendered(second)
        assert second.get_by_role("button", name="Sign out").count() == 1
        # Signing out in one tab ends the session in the other at its next step.
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
        second.get_by_role("button", name="Sign out").wait_for(timeout=60_000)
        # Its next step (another year picked) finds the session ended; so does a reload.
        second.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').last.click()
        second.keyboard.press("ArrowDown")
        second.keyboard.press("Enter")
        second.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
        second.reload()
        second.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
        screenshot(second, "signed-out-in-the-other-tab-en")
        other = ctx.browser.new_context(viewport={"width": 1366, "height": 768})
        admin = _sign_in_as(other, base, "Demo: administrator (users, audit log)",
                            "admin?lang=en")
        assert_no_exception(admin)
        admin.get_by_role("tab", name="Access to household records").click()
        _wait_idle(admin)
        assert admin.get_by_text("case_follow_up: Visit 12 Dec").count() >= 1
        screenshot(admin, "admin-access-report-en")
        admin.get_by_role("tab", name="Users").click()
        _wait_idle(admin)
        screenshot(admin, "admin-users-en")
