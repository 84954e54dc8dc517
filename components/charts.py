"""Shared plotly styling: the app's Thai font, readable sizes, tight margins, SDG goal colours."""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go

from domain.catalogue import GOAL_COLOURS, SDG_GOALS

# The app serves Noto Sans Thai itself (components.assets); the fallbacks cover exports made
# where only Debian's Thai fonts are installed.
FONT_FAMILY = "NotoSansThai, Noto Sans Thai, Sarabun, Loma, sans-serif"
FONT_SIZE = 15
TITLE_SIZE = 18
TEXT_COLOUR = "#1f2933"
GRID_COLOUR = "#e4e7eb"
# Colours of good / bad / neutral change and of reference lines (target, national).
GOOD = "#1B7837"
BAD = "#B2182B"
NEUTRAL = "#7F7F7F"
TARGET = "#19486A"

# st.plotly_chart config (components.ui.render_chart passes its own; this is for other callers).
PLOTLY_CONFIG: dict[str, Any] = {"displaylogo": False,
                                 "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d"]}


def goal_colour(goal: int) -> str:
    """The official UN colour of SDG ``goal`` (1-17); grey for anything else."""
    return GOAL_COLOURS.get(int(goal), NEUTRAL)


def goal_name(goal: int, lang: str) -> str:
    for g, th, en, _ in SDG_GOALS:
        if g == int(goal):
            return th if lang == "th" else en
    return str(goal)


def style_figure(fig: go.Figure, *, height: int | None = None, legend: bool | None = None,
                 font_size: int = FONT_SIZE, margin: dict[str, int] | None = None) -> go.Figure:
    """Apply the War Room look to ``fig`` in place and return it.

    Thai font, sizes readable on a meeting-room screen, white background, light grid, legend
    below the plot (horizontal), small margins. ``legend`` None keeps plotly's choice.
    """
    layout: dict[str, Any] = {
        "font": {"family": FONT_FAMILY, "size": font_size, "color": TEXT_COLOUR},
        "title": {"font": {"size": TITLE_SIZE}},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": font_size}},
        "margin": margin or {"l": 8, "r": 8, "t": 40, "b": 8},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        "separators": ".,",
    }
    if height is not None:
        layout["height"] = height
    if legend is not None:
        layout["showlegend"] = legend
    return set_layout(fig, layout, every_axis={"gridcolor": GRID_COLOUR,
                                               "zerolinecolor": GRID_COLOUR,
                                               "automargin": True})


_AXIS_KEY = re.compile(r"^[xy]axis\d*$")


def set_layout(fig: go.Figure, layout: dict[str, Any],
               every_axis: dict[str, Any] | None = None) -> go.Figure:
    """``fig.update_layout(**layout)`` (and ``every_axis`` merged into each x and y axis, as
    ``update_xaxes`` / ``update_yaxes`` would) as one merge and one assignment.

    Plotly's update calls resolve every key path on their own: 6-8 ms a chart for the full
    look, 1.7 ms for a few keys, against 1.1 ms here. The template is left out and comes back
    as the default one, as in a new figure (validating it again would cost as much).
    """
    current = fig.layout.to_plotly_json()
    current.pop("template", None)
    merged = _merge(current, layout)
    if every_axis:
        for key in {"xaxis", "yaxis", *(k for k in current if _AXIS_KEY.match(k))}:
            merged[key] = _merge(merged.get(key, {}), every_axis)
    fig.layout = merged
    return fig


def compact_style(fig: go.Figure, *, height: int, top: int, legend_y: float) -> go.Figure:
    """The pages' compact chart look: Thai font at 14 px, small margins, legend below."""
    return set_layout(fig, compact_layout(height=height, top=top, legend_y=legend_y))


def compact_layout(*, height: int, top: int, legend_y: float) -> dict[str, Any]:
    """``compact_style``'s layout keys, for a figure written as plain dicts (``figure_of``)."""
    return {"height": height, "margin": {"l": 8, "r": 8, "t": top, "b": 8},
            "font": {"family": "Noto Sans Thai, sans-serif", "size": 14},
            "legend": {"orientation": "h", "y": legend_y}}


def figure_of(data: list[dict[str, Any]], *layouts: dict[str, Any]) -> go.Figure:
    """A figure from trace and layout dicts spelt as plotly's ``to_dict`` spells them (``title``
    as ``{"text": ...}``, ``marker_color`` as ``marker: {color}``), ``layouts`` merged in order.

    Plotly validates every property of every trace and layout key it is given, most of a
    chart's cost and paid again on every run. Written as the dicts its validation would
    produce, the figure skips it; ``tests/test_chart_figures.py`` holds every chart of the
    pages that use this equal to the one plotly builds with validation from the same dicts.
    """
    layout: dict[str, Any] = {}
    for part in layouts:
        layout = _merge(layout, part)
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated with ``over``, nested dicts merged key by key (``over`` wins)."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def pin_zero_layout(values: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``pin_zero_bars`` for a figure of dicts: the layout keys and the keys of every trace
    (both empty unless the bars are all zero)."""
    numbers = [float(v) for v in values if v == v]  # NaN is not a zero
    if numbers and not any(numbers):
        return {"xaxis": {"range": [0, 1]}}, {"textposition": "outside", "cliponaxis": False}
    return {}, {}


def pin_zero_bars(fig: go.Figure, values: Any) -> go.Figure:
    """Horizontal bars that are all zero: a 0 to 1 axis with the zeros written beside them.

    Plotly draws an empty -1 to 1 axis for them and hides the labels inside zero-width bars,
    which reads as a broken chart rather than as "none".
    """
    numbers = [float(v) for v in values if v == v]  # NaN is not a zero
    if numbers and not any(numbers):
        fig.update_xaxes(range=[0, 1])
        fig.update_traces(textposition="outside", cliponaxis=False)
    return fig
