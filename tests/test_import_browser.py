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
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(upload))
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


def _pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label`` (a mapping row's label is hidden)."""
    step = page.locator('[data-testid="stExpander"]').filter(has_text="Column mapping")
    step.get_by_label(label, exact=True).first.click()
    page.keyboard.type(option[:10])
    page.get_by_role("option", name=option, exact=True).first.click()
    wait_rendered(page)


def _upload_and_check(page, path) -> None:
    # The uploader of the tab on screen, once it is drawn (a hidden tab's input takes no file).
    panel = page.locator('[role="tabpanel"]:visible').filter(
        has=page.locator('[data-testid="stFileUploader"]')).first
    panel.locator('[data-testid="stFileUploaderDropzone"]').wait_for(timeout=30_000)
    panel.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    panel.get_by_text(path.name).first.wait_for(timeout=30_000)
    wait_rendered(page)
    page.get_by_role("button", name="Check the file").click()
    wait_rendered(page)


def test_unfamiliar_file_is_mapped_saved_as_recipe_and_the_next_one_needs_no_mapping(
        demo_db, tmp_path):
    """A DOPA register by registration office: mapped once, then next year's file goes
    straight to its preview. Hostile headers show as text and fetch nothing."""
    from data.importer.measures import NewMeasure, create_measure
    from data.scope import AccessScope
    from data.store import Store
    from tests import import_fixtures as fx
    from tests.browser_util import block_external

    require_browser()
    db = tmp_path / "mapping.duckdb"
    shutil.copyfile(demo_db, db)
    store = Store(f"duckdb:///{db}")
    store.migrate()
    # As the demo steward: a batch by anyone else makes the store real and ends demo sign-in.
    create_measure(store, AccessScope(user="demo-steward", roles=frozenset({"steward"}), provinces=None),
                   NewMeasure("pop_registered", "ประชากรตามทะเบียนราษฎร",
                              "Registered population", "คน", "higher", "DOPA",
                              levels="province,district"))
    store.close()
    first, second, hostile = (tmp_path / "pop_2566.csv", tmp_path / "pop_2567.csv",
                              tmp_path / "hostile.csv")
    first.write_bytes(fx.dopa_register_by_office())
    second.write_bytes(fx.dopa_register_by_office().replace(b"2566", b"2567"))
    hostile.write_bytes(fx.hostile_header_csv())
    with app_server(db, {"WARROOM_AUTOLOGIN": "demo-steward"}) as base, browser() as ctx:
        blocked = block_external(ctx)
        page = ctx.new_page()
        page.goto(f"{base}/data?lang=en")
        wait_rendered(page)
        page.get_by_role("tab", name="Import", exact=True).click()
        _upload_and_check(page, first)
        page.get_by_text("Required fields are not mapped yet").wait_for(timeout=30_000)
        assert_no_exception(page)
        screenshot(page, "data-import-mapping-step-en")
        _pick(page, "Indicator", "One value for the whole file…")
        page.get_by_placeholder("Value, e.g. 2566 or TPMap").fill("pop_registered")
        page.keyboard.press("Enter")
        wait_rendered(page)
        _pick(page, "Year", "From the file name…")
        page.get_by_placeholder("Pattern: {} marks the part taken, * anything, "
                                "e.g. poor_{}_*.csv").fill("pop_{}.csv")
        page.keyboard.press("Enter")
        wait_rendered(page)
        page.get_by_role("button", name="Apply mapping").click()
        wait_rendered(page)
        page.get_by_role("button", name="Commit 4 rows").wait_for(timeout=60_000)
        assert page.get_by_text("are not DOPA units").count() >= 1
        page.get_by_label("Recipe name").fill("DOPA register by office")
        page.keyboard.press("Enter")
        wait_rendered(page)
        page.get_by_role("button", name="Save as recipe").click()
        page.get_by_text("Recipe DOPA register by office version 1 saved").wait_for(
            timeout=30_000)
        screenshot(page, "data-import-mapped-preview-en")
        page.get_by_role("button", name="Commit 4 rows").click()
        page.get_by_text("Imported as batch").wait_for(timeout=60_000)
        wait_rendered(page)
        # Next year's file: the recipe is found by its headers, the preview comes at once.
        _upload_and_check(page, second)
        page.get_by_text("applied: the file has its headers").wait_for(timeout=30_000)
        page.get_by_role("button", name="Commit 4 rows").wait_for(timeout=30_000)
        assert page.get_by_text("Required fields are not mapped yet").count() == 0
        screenshot(page, "data-import-recipe-found-en")
        page.get_by_role("button", name="Commit 4 rows").click()
        page.get_by_text("Imported as batch").wait_for(timeout=60_000)
        wait_rendered(page)
        assert_no_exception(page)
        # Hostile headers: the text is there, no image, link or styled span came from it.
        _upload_and_check(page, hostile)
        page.get_by_text("Columns not used").first.wait_for(timeout=30_000)
        wait_rendered(page)
        main = page.locator('[data-testid="stMain"]')
        caption = main.get_by_text("Columns not used").first.inner_text()
        # Shown as typed (a word joiner, invisible, keeps the URL from becoming a link).
        assert fx.HOSTILE in caption.replace("\u2060", ""), caption
        assert main.locator('img[src*="198.51.100.7"]').count() == 0
        links = main.locator('a[href*="198.51.100.7"]')
        assert links.count() == 0, [links.nth(i).evaluate("e => e.parentElement.outerHTML")
                                    for i in range(links.count())]
        assert main.locator('span[style*="color:red"], span[style*="color: red"]').count() == 0
        screenshot(page, "data-import-hostile-headers-en")
        assert not blocked, blocked
