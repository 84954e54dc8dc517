"""Shared chart styling: the Thai font, no plotly logo, the official SDG goal colours."""

from __future__ import annotations

import plotly.graph_objects as go

from components.charts import PLOTLY_CONFIG, goal_colour, goal_name, style_figure


def test_style_figure_sets_thai_font_and_height():
    fig = style_figure(go.Figure(go.Bar(x=[1], y=[2])), height=300, legend=False)
    assert "NotoSansThai" in fig.layout.font.family
    assert fig.layout.height == 300
    assert fig.layout.showlegend is False
    assert PLOTLY_CONFIG["displaylogo"] is False


def test_official_goal_colours_and_names():
    assert goal_colour(1) == "#E5243B"
    assert goal_colour(17) == "#19486A"
    assert goal_colour(99) != goal_colour(1)
    assert goal_name(6, "en") == "Clean Water and Sanitation"
    assert goal_name(1, "th") == "ขจัดความยากจน"
