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


def _style_with_plotly_updates(fig: go.Figure, **kw) -> go.Figure:
    """The same look through plotly's own update calls: the reference style_figure must match."""
    from components import charts as c

    layout = {"font": {"family": c.FONT_FAMILY, "size": c.FONT_SIZE, "color": c.TEXT_COLOUR},
              "title": {"font": {"size": c.TITLE_SIZE}},
              "hoverlabel": {"font": {"family": c.FONT_FAMILY, "size": c.FONT_SIZE}},
              "margin": kw.get("margin") or {"l": 8, "r": 8, "t": 40, "b": 8},
              "paper_bgcolor": "white", "plot_bgcolor": "white",
              "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
              "separators": ".,"}
    if kw.get("height") is not None:
        layout["height"] = kw["height"]
    if kw.get("legend") is not None:
        layout["showlegend"] = kw["legend"]
    fig.update_layout(**layout)
    fig.update_xaxes(gridcolor=c.GRID_COLOUR, zerolinecolor=c.GRID_COLOUR, automargin=True)
    fig.update_yaxes(gridcolor=c.GRID_COLOUR, zerolinecolor=c.GRID_COLOUR, automargin=True)
    return fig


def _figures() -> list[go.Figure]:
    from plotly.subplots import make_subplots

    titled = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="ก"),
                       layout={"title": {"text": "ชื่อ", "x": 0.1}, "legend": {"x": 0.5},
                               "xaxis": {"title": {"text": "ปี"}, "zerolinecolor": "#666"},
                               "yaxis": {"range": [0, 5]}})
    two = make_subplots(rows=1, cols=2)
    two.add_trace(go.Bar(x=[1], y=[2]), row=1, col=1)
    two.add_trace(go.Bar(x=[1], y=[3]), row=1, col=2)
    return [go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h")), titled, two,
            go.Figure(go.Pie(labels=["a", "b"], values=[1, 2]))]


def test_style_figure_gives_the_layout_plotly_updates_give():
    for options in ({}, {"height": 260, "legend": False, "margin": {"l": 1, "r": 2, "t": 3,
                                                                    "b": 4}}):
        for fig, same in zip(_figures(), _figures(), strict=True):
            got = style_figure(fig, **options).to_plotly_json()
            want = _style_with_plotly_updates(same, **options).to_plotly_json()
            assert got == want


def test_all_zero_bars_get_a_zero_to_one_axis_and_visible_labels():
    import plotly.graph_objects as go

    from components.charts import pin_zero_bars

    zeros = go.Figure(go.Bar(x=[0, 0.0, 0], y=["a", "b", "c"], orientation="h",
                             text=["0", "0", "0"], textposition="auto"))
    pin_zero_bars(zeros, [0, 0.0, 0])
    assert tuple(zeros.layout.xaxis.range) == (0, 1)
    assert zeros.data[0].textposition == "outside"
    for values in ([0, 0.2, 0], [float("nan"), float("nan")], []):
        fig = go.Figure(go.Bar(x=values, orientation="h", textposition="auto"))
        pin_zero_bars(fig, values)
        assert fig.layout.xaxis.range is None, values
        assert fig.data[0].textposition == "auto", values


def test_compact_style_gives_the_layout_plotly_updates_give():
    from components.charts import compact_style

    for height, top, legend_y in ((340, 30, -0.18), (360, 36, -0.15), (340, 30, -0.2)):
        for fig, same in zip(_figures(), _figures(), strict=True):
            got = compact_style(fig, height=height, top=top, legend_y=legend_y)
            same.update_layout(height=height, margin={"l": 8, "r": 8, "t": top, "b": 8},
                               font={"family": "Noto Sans Thai, sans-serif", "size": 14},
                               legend={"orientation": "h", "y": legend_y})
            assert got.to_plotly_json() == same.to_plotly_json()
