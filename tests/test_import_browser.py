"""Browser test of the Data page: a data steward uploads a TIS-620 file, previews, commits."""

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

pytestmark = pytest.mark.browser

CSV = ("รายงานสัดส่วนคนจน\n"
       "ตัวชี้วัด,จังหวัด,พ.ศ. 2561,พ.ศ. 2562\n"
       "g1_income_poverty,จ.ขอนแก่น,\"๑๒.๕\",11\n"
       "g1_income_poverty,Bungkan,20,19\n"
       "g1_income_poverty,รวมภาคตะวันออกเฉียงเหนือ,15,14\n").encode("cp874")


def test_steward_uploads_previews_and_commits(demo_db, tmp_path):
    require_browser()
    db = tmp_path / "browser.duckdb"
    shutil.copyfile(demo_db, db)
    upload = tmp_path / "poverty_2561.csv"
    upload.write_bytes(CSV)
    with app_server(db, {"WARROOM_AUTOLOGIN": "demo-steward"}) as base, browser() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}/data?lang=en")
        wait_rendered(page)
        page.get_by_role("tab", name="Import", exact=True).click()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
        page.get_by_text("poverty_2561.csv").first.wait_for(timeout=30_000)
        wait_rendered(page)
        page.get_by_text("Replace with the new value").click()
        wait_rendered(page)
        page.get_by_role("button", name="Check the file").click()
        wait_rendered(page)
        screenshot(page, "data-import-checked-en")
        page.get_by_text("Covers 2 areas").wait_for(timeout=60_000)
        wait_rendered(page)
        assert_no_exception(page)
        assert page.get_by_text("Total row (national/regional/subtotal)").count() >= 1
        screenshot(page, "data-import-preview-en")
        page.get_by_role("button", name="Commit 4 rows").click()
        page.get_by_text("Imported as batch 1").wait_for(timeout=60_000)
        wait_rendered(page)
        page.get_by_role("tab", name="Import history").click()
        wait_rendered(page)
        assert_no_exception(page)
        screenshot(page, "data-import-history-en")
        page.get_by_role("tab", name="Catalogue").click()
        wait_rendered(page)
        screenshot(page, "data-catalogue-en")
