"""Browser tests of the follow-up pages: the alert inbox, the "what changed" view and the
freshness map, in Thai and English, with screenshots in artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.browser_util import (
    app_server,
    assert_no_exception,
    block_external,
    browser,
    count_map_polygons,
    require_browser,
    screenshot,
    wait_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    """An app on a demo store with rules, alerts and a meeting held a month before."""
    require_browser()
    from data import alerts as A
    from data import meetings as mt
    from data.scope import AccessScope
    from data.store import open_store

    path = tmp_path_factory.mktemp("action_browser") / "store.duckdb"
    shutil.copyfile(demo_db, path)
    s = open_store(f"duckdb:///{path}")
    boss = AccessScope(user="boss", roles=frozenset({"executive"}), provinces=None)
    code = "g6_safe_water"
    assert s.scalar("SELECT COUNT(*) FROM sdg_indicators WHERE indicator_code = ?", [code])
    mid = mt.take_snapshot(s, "boss", "ประชุมกรมการจังหวัด / Committee",
                           held_at=dt.datetime(2024, 12, 2, 9, 30))
    # The meeting saw other figures: some better, some worse than now.
    s.execute("UPDATE meeting_figures SET value = value * 0.93 WHERE meeting_id = ? AND metric "
              "IN ('cases_closed', 'plan_budget_spent', 'debt_settled')", [mid])
    s.execute("UPDATE meeting_figures SET value = value + 2.5 WHERE meeting_id = ? AND metric = "
              "'sdg_index' AND area_code IN ('94', '95', '96', '')", [mid])
    s.execute("UPDATE meeting_figures SET value = value - 1 WHERE meeting_id = ? AND metric = "
              "'sdg_category' AND area_code IN ('13', '50') AND value > 0", [mid])
    A.save_rule(s, boss, "น้ำสะอาดต่ำกว่าเกณฑ์ / Safe water low", "threshold",
                {"indicator": code, "op": "below", "value": 85}, severity="critical")
    A.save_rule(s, boss, "ไม่ส่งรายงานโครงการ / Progress reports late", "not_reported",
                {"dataset": "plan_projects", "days": 45})
    A.save_rule(s, boss, "เกินกำหนดรายหน่วยงาน / Overdue by agency", "overdue_agency",
                {"item": "debt", "limit": 3, "per_province": True}, severity="info")
    A.evaluate_rules(s, "seed")
    s.close()
    with app_server(path) as base:
        yield base


@pytest.mark.parametrize("lang", ["th", "en"])
def test_inbox_what_changed_and_freshness(server, lang):
    with browser() as ctx:
        blocked = block_external(ctx)
        page = ctx.new_page()
        page.goto(f"{server}/alerts?lang={lang}")
        wait_rendered(page)
        assert_no_exception(page)
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.wait_for(timeout=30_000)
        assert page.get_by_text("วิกฤต" if lang == "th" else "Critical").count() >= 1
        screenshot(page, f"action-inbox-{lang}")

        page.goto(f"{server}/changes?lang={lang}")
        wait_rendered(page)
        assert_no_exception(page)
        title = "ดัชนี SDG" if lang == "th" else "SDG index"
        assert page.locator('[data-testid="stMetric"]').filter(has_text=title).count() >= 1
        assert page.get_by_text("Committee").count() >= 1
        screenshot(page, f"action-changes-{lang}")

        page.goto(f"{server}/data?lang={lang}")
        wait_rendered(page)
        tab = "ความทันสมัยของข้อมูล" if lang == "th" else "Freshness"
        page.get_by_role("tab", name=tab).click()
        wait_rendered(page)
        reports = "ความก้าวหน้าโครงการตามแผน" if lang == "th" else "Project progress reports"
        page.locator('[data-testid="stMain"]').get_by_role("radio", name=reports).click()
        wait_rendered(page)
        assert count_map_polygons(page, 77) == 77
        late = page.locator('[data-testid="stMetric"]').filter(
            has_text="ล่าช้า" if lang == "th" else "Late")
        assert late.first.inner_text().strip().endswith("4")
        page.wait_for_timeout(800)
        assert_no_exception(page)
        screenshot(page, f"action-freshness-{lang}")
        assert blocked == [], f"requests left the machine: {blocked[:5]}"
