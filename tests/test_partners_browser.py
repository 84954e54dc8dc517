"""Browser tests of the Partners page: filters, gap and network views, hostile names.

Filters applied from a link in Thai and English; hostile partner names are shown as
text (no element, no script run).
"""

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

FILTERS = "pa_sector=people,government,civil_society&pa_goal=1,3&pa_from=2022-01-01&pa_to=2024-12-31"


@pytest.fixture(scope="module")
def server(demo_db):
    require_browser()
    with app_server(demo_db) as base:
        yield base


def _wait_charts(page, n: int) -> None:
    page.locator('[data-testid="stPlotlyChart"] .main-svg').nth(n - 1).wait_for(timeout=90_000)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_partners_page_with_filters(server, lang):
    with browser() as ctx:
        page = ctx.new_page()
        page.goto(f"{server}/partners?lang={lang}&area=R:NE&{FILTERS}")
        wait_rendered(page)
        assert_no_exception(page)
        main = page.locator('[data-testid="stMain"]')
        main.locator('[data-testid="stMetric"]').nth(3).wait_for(timeout=90_000)
        assert main.locator('[data-testid="stMetric"]').count() == 4
        # The filters from the link are applied in the widgets.
        chips = main.locator('[data-testid="stMultiSelect"]').first.inner_text()
        assert ("ภาคประชาชน" if lang == "th" else "The people") in chips
        _wait_charts(page, 2)
        assert main.locator(".heatmaplayer, .hm").count() + main.locator(
            "g.cartesianlayer").count() >= 2
        screenshot(page, f"partners-overview-filtered-{lang}")
        for view in ("gaps", "network"):
            page.goto(f"{server}/partners?lang={lang}&area=R:NE&{FILTERS}&pa_view={view}")
            wait_rendered(page)
            assert_no_exception(page)
            _wait_charts(page, 1)
            screenshot(page, f"partners-{view}-{lang}")
        assert "pa_view=network" in page.url and "pa_goal=1%2C3" in page.url


def test_hostile_partner_names_are_text(server):
    with browser() as ctx:
        page = ctx.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{server}/partners?lang=en&area=10&pa_view=network&pa_topn=20"
                  "&pa_from=2018-01-01&pa_to=2024-12-31")
        wait_rendered(page)
        assert_no_exception(page)
        _wait_charts(page, 1)
        main = page.locator('[data-testid="stMain"]')
        assert main.get_by_text("Volunteers <img src=x onerror=alert(1)>").count() >= 1
        assert main.get_by_text("<script>alert('x')</script> & Sons Co.").count() >= 1
        screenshot(page, "partners-network-escaped-en")
        page.goto(f"{server}/partners?lang=en&area=10&pa_view=activities&pa_size=100"
                  "&pa_from=2018-01-01&pa_to=2024-12-31")
        wait_rendered(page)
        assert_no_exception(page)
        page.locator('[data-testid="stDataFrame"] canvas').first.wait_for(timeout=90_000)
        page.wait_for_timeout(2000)
        assert page.locator("img[onerror]").count() == 0
        assert page.locator("script:has-text('alert')").count() == 0
        assert not dialogs, dialogs
        screenshot(page, "partners-activities-en")
