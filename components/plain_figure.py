"""Figures from traces written as plotly's own validation spells them, not validated again."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go


def figure_of(data: list[dict[str, Any]], layout: dict[str, Any] | None = None) -> go.Figure:
    """A figure from trace dicts spelt as plotly's ``to_dict`` spells them (``marker: {color}``,
    not ``marker_color``; ``title: {text}``), not validated: plotly's checks of every trace
    property cost 5-13 ms a chart on every run. The app's styling (``charts.style_figure``,
    ``compact_style``) still validates the layout. ``tests/test_plain_figures.py`` holds every
    chart built so equal to plotly's validated construction of the same figure."""
    return go.Figure({"data": data, "layout": layout or {}}, _validate=False)
