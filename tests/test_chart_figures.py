"""Charts written as plain dicts (``charts.figure_of``, not validated by plotly) draw exactly what
plotly's validated construction of the same figures draws, on every chart of the poverty, plans
and partners pages."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from components.charts import compact_layout, figure_of, pin_zero_layout
from tests.apptest_util import assert_clean, open_page

_FIGURE = go.Figure


def _validated(*args, _validate=True, **kwargs):
    del _validate  # every figure validated, as plotly does by default
    return _FIGURE(*args, **kwargs)


def _specs(at) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


CASES = [("poverty", {"year": "2024"}), ("poverty", {"year": "2024", "area": "94"}),
         ("poverty", {"year": "2023", "area": "9401"}),
         ("poverty", {"year": "2024", "area": "940101"}),
         ("plans", {"area": "94"}), ("plans", {}), ("partners", {}),
         ("partners", {"area": "94"})]


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


def test_figure_of_merges_layouts_in_order():
    fig = figure_of([{"type": "bar", "x": [1.0], "y": ["a"]}],
                    {"xaxis": {"title": {"text": "X"}}, "legend": {"y": 1}},
                    compact_layout(height=300, top=30, legend_y=-0.18))
    layout = fig.to_dict()["layout"]
    assert layout["xaxis"] == {"title": {"text": "X"}}
    assert layout["legend"] == {"y": -0.18, "orientation": "h"}
    assert layout["height"] == 300
    same = _validated(fig.to_dict())
    assert json.loads(fig.to_json()) == json.loads(same.to_json())


def test_all_zero_bars_are_pinned_like_pin_zero_bars():
    from components.charts import pin_zero_bars

    values = [0.0, 0.0, float("nan")]
    layout, trace = pin_zero_layout(values)
    fast = figure_of([{"type": "bar", "x": values, "y": ["a", "b", "c"], "orientation": "h",
                       "textposition": "auto"} | trace], layout)
    slow = pin_zero_bars(go.Figure(go.Bar(x=values, y=["a", "b", "c"], orientation="h",
                                          textposition="auto")), values)
    assert json.loads(fast.to_json()) == json.loads(slow.to_json())
    assert pin_zero_layout([0.0, 1.0]) == ({}, {})
