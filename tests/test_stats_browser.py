"""Browser test of the calculation panels (issue 22) in Thai and English: the SDG index working,
the Open SDG status working, and the poverty H/A/M0 working with the cut-offs; screenshots in
artifacts/screenshots."""

from __future__ import annotations

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

HOW = {"th": "คำนวณอย่างไร?", "en": "How was this computed?"}


def _open(page, label: str):
    expander = page.locator('[data-testid="stExpander"]').filter(has_text=label).first
    expander.scroll_into_view_if_needed()
    expander.locator("summary").click()
    # Tables are drawn on a canvas (their header cells exist for screen readers only).
    expander.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    expander.scroll_into_view_if_needed()
    return expander


def test_calculation_panels_in_both_languages(demo_db, tmp_path):
    require_browser()
    with app_server(demo_db, {"WARROOM_DATA_DIR": str(tmp_path)}) as base, browser() as ctx:
        page = ctx.new_page()
        for lang in ("th", "en"):
            page.goto(f"{base}/sdg?lang={lang}&area=94&sdg_goal=1&sdg_ind=g1_income_poverty"
                      "&method=opensdg")
            # A cold server on a loaded machine (four agents on two cores) takes its time.
            wait_rendered(page, timeout_ms=150_000)
            assert_no_exception(page)
            page.wait_for_url(lambda url: "method=opensdg" in url, timeout=30_000)
            index_label = "ดัชนี SDG" if lang == "th" else "SDG index"
            _open(page, f"{HOW[lang]} · {index_label}")
            # The working table: raw values, bounds and normalised scores are on screen.
            lower = "ขอบล่าง" if lang == "th" else "Lower bound"
            page.get_by_text(lower, exact=True).first.wait_for(state="attached",
                                                                timeout=30_000)
            screenshot(page, f"stats-sdg-index-working-{lang}")
            status_label = "ความก้าวหน้าของตัวชี้วัดที่เลือก" if lang == "th" else \
                "Progress of the selected indicator"
            _open(page, f"{HOW[lang]} · {status_label}")
            ratio = "อัตราส่วน จริง / ที่ต้องการ" if lang == "th" else "Ratio observed / required"
            achieved = "ค่าล่าสุดถึงเป้าหมายแล้ว" if lang == "th" else \
                "The latest value meets the target"
            page.get_by_text(ratio).or_(page.get_by_text(achieved)).first.wait_for(
                state="attached", timeout=30_000)
            screenshot(page, f"stats-sdg-status-working-{lang}")
            page.goto(f"{base}/poverty?lang={lang}&area=94")
            wait_rendered(page)
            assert_no_exception(page)
            _open(page, f"{HOW[lang]} · H, A, M0")
            page.get_by_text("M0 = H × A").first.wait_for(state="attached", timeout=30_000)
            screenshot(page, f"stats-poverty-working-{lang}")
            cutoffs = "ความยากจนที่เกณฑ์ตัด 3 ระดับ" if lang == "th" else \
                "Poverty at three cut-offs"
            page.get_by_text(cutoffs).first.scroll_into_view_if_needed()
            page.wait_for_timeout(600)
            screenshot(page, f"stats-poverty-cutoffs-{lang}")


def _pick_first(page, expander) -> None:
    """Open the panel, choose the first area in its chooser and wait for its working."""
    expander.scroll_into_view_if_needed()
    expander.locator("summary").click()
    chooser = expander.locator('[data-testid="stSelectbox"]').first
    chooser.wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    chooser.click()
    page.locator('[role="option"]').first.click()
    wait_rendered(page)
    expander.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    expander.scroll_into_view_if_needed()


def test_overview_and_poverty_panels_in_both_languages(demo_db, tmp_path):
    """The Overview's index working and a map value's, the poverty trend's and a map unit's,
    opened by a click in Thai and English; screenshots in artifacts/screenshots."""
    require_browser()
    map_value = {"th": "ค่าของพื้นที่บนแผนที่", "en": "a value on the map"}
    index = {"th": "ดัชนี SDG เป้าหมายทั้ง 17", "en": "SDG index, the 17 goals"}
    trend = {"th": "แนวโน้มตามปีสำรวจ", "en": "Trend over survey years"}
    with app_server(demo_db, {"WARROOM_DATA_DIR": str(tmp_path)}) as base, browser() as ctx:
        page = ctx.new_page()
        for lang in ("th", "en"):
            page.goto(f"{base}/?lang={lang}&area=94")
            wait_rendered(page, timeout_ms=150_000)
            assert_no_exception(page)
            _open(page, f"{HOW[lang]} · {index[lang]}")
            screenshot(page, f"stats-overview-index-working-{lang}")
            expander = page.locator('[data-testid="stExpander"]').filter(
                has_text=f"{HOW[lang]} · {map_value[lang]}").first
            _pick_first(page, expander)
            assert_no_exception(page)
            screenshot(page, f"stats-overview-map-value-working-{lang}")
            page.goto(f"{base}/poverty?lang={lang}&area=94")
            wait_rendered(page)
            assert_no_exception(page)
            _open(page, f"{HOW[lang]} · {trend[lang]}")
            page.get_by_text("M0 = H × A").first.wait_for(state="attached", timeout=30_000)
            screenshot(page, f"stats-poverty-trend-working-{lang}")
            expander = page.locator('[data-testid="stExpander"]').filter(
                has_text=f"{HOW[lang]} · {map_value[lang]}").first
            _pick_first(page, expander)
            assert_no_exception(page)
            screenshot(page, f"stats-poverty-map-value-working-{lang}")
