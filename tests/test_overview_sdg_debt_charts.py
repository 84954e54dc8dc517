"""Charts written as plain dicts (``charts.figure_of``, not validated by plotly) send the browser
exactly what plotly's validated construction of the same figures sends, on every chart of the
Overview, SDG and Informal debt pages (tests/test_chart_figures.py: the other pages)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from tests.apptest_util import assert_clean, open_page

_FIGURE = go.Figure


def _validated(*args, _validate=True, **kwargs):
    del _validate  # every figure validated, as plotly does by default
    return _FIGURE(*args, **kwargs)


def _specs(at) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


CASES = [("overview", {}), ("overview", {"area": "94"}), ("overview", {"area": "9401"}),
         ("sdg", {"area": "94"}), ("sdg", {"area": "50", "sdg_goal": "3",
                                           "sdg_ind": "g3_road_deaths", "year": "2021"}),
         ("debt", {}), ("debt", {"area": "94"}), ("debt", {"area": "5001"})]


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize(("page", "query"), CASES)
def test_page_charts_equal_validated_figures(app_env, monkeypatch, page, query, lang):
    fast = open_page(page, lang=lang, query=query)
    assert_clean(fast)
    charts = _specs(fast)
    assert charts, "the page draws charts"
    monkeypatch.setattr(go, "Figure", _validated)
    validated = _specs(open_page(page, lang=lang, query=query))
    assert charts == validated

