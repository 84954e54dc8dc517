"""Shared plotly styling: the app's Thai font, readable sizes, tight margins, SDG goal colours."""

from __future__ import annotations

import base64
import functools
import re
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import is_homogeneous_array
from _plotly_utils.utils import (
    int8max,
    int8min,
    int16max,
    int16min,
    int32max,
    int32min,
    is_skipped_key,
    plotlyjsShortTypes,
    to_typed_array_spec,
    uint8max,
    uint16max,
    uint32max,
)

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
_YAXIS_KEY = re.compile(r"^yaxis\d*$")


def set_layout(fig: go.Figure, layout: dict[str, Any],
               every_axis: dict[str, Any] | None = None) -> go.Figure:
    """``fig.update_layout(**layout)`` (and ``every_axis`` merged into each x and y axis, as
    ``update_xaxes`` / ``update_yaxes`` would) as one merge and one assignment.

    Plotly's update calls resolve every key path on their own: 6-8 ms a chart for the full
    look, 1.7 ms for a few keys, against 1.1 ms here. The template is left out and comes back
    as the default one, as in a new figure (validating it again would cost as much).
    """
    unbuilt = _unbuilt(fig)
    if unbuilt is not None and (unbuilt[2] or unbuilt[3]):
        fig._wr_build()  # styled once already: plotly merges into its validated layout
        unbuilt = None
    if unbuilt is not None:
        # The same merge on the figure's own dicts, marked for the validation the assignment
        # below does (``_validated_layout``, when the figure is drawn or built).
        current = unbuilt[1]
    else:
        current = fig.layout.to_plotly_json()
        current.pop("template", None)
    merged = _merge(current, layout)
    if every_axis:
        for key in {"xaxis", "yaxis", *(k for k in current if _AXIS_KEY.match(k))}:
            merged[key] = _merge(merged.get(key, {}), every_axis)
    if unbuilt is not None:
        fig.__dict__["_wr_dicts"] = (unbuilt[0], merged, True, False)
    else:
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
    The figure is a plotly figure built on first use (``_DictFigure``): one that is only
    styled and drawn (``style_figure``, ``chart_spec``) is never built at all.
    """
    layout: dict[str, Any] = {}
    for part in layouts:
        layout = _merge(layout, part)
    return _DictFigure(data, layout)


def _unbuilt(fig: Any) -> tuple[list[dict[str, Any]], dict[str, Any], bool, bool] | None:
    """The dicts of a ``_DictFigure`` not built yet; None for any other figure."""
    return getattr(fig, "__dict__", {}).get("_wr_dicts")


class _DictFigure(go.Figure):
    """``go.Figure({"data": data, "layout": layout}, _validate=False)``, built when first used.

    Building one costs 1-2 ms, two thirds of it copying plotly's default template (about 900
    dicts and lists) into the layout. Until some plotly attribute is read or set, the figure
    is its two dicts: ``style_figure`` merges into them, ``chart_spec`` writes the drawn
    specification from them and ``summary_view`` reads them. Any other use builds the figure
    first (``__getattr__`` / ``__setattr__``), after which it is an ordinary plotly figure.
    """

    def __init__(self, data: list[dict[str, Any]], layout: dict[str, Any]) -> None:  # noqa: D107
        # Not plotly's __init__: that is the build. Set through __dict__, past __setattr__.
        # The trace dicts, the layout dict, whether the layout is to be validated (set by
        # ``set_layout``, whose assignment of a layout validates it) and whether the y axes'
        # titles were then cleared (``update_yaxes(title=None)``).
        self.__dict__["_wr_dicts"] = (data, layout, False, False)

    def _wr_build(self) -> None:
        dicts = self.__dict__.pop("_wr_dicts", None)
        if dicts is not None:
            data, layout, validated, cleared = dicts
            go.Figure.__init__(self, {"data": data, "layout": {} if validated else layout},
                               _validate=False)
            if validated:
                self.layout = layout
            if cleared:
                go.Figure.update_yaxes(self, title=None)

    def update_yaxes(self, patch: Any = None, selector: Any = None, overwrite: bool = False,
                     row: Any = None, col: Any = None, secondary_y: Any = None,
                     **kwargs: Any) -> go.Figure:
        """plotly's ``update_yaxes``; only ``title=None`` after ``style_figure`` (the Overview's
        movers chart) is noted on the unbuilt figure instead (``_unbuilt_spec`` writes it)."""
        dicts = _unbuilt(self)
        if (dicts is not None and dicts[2] and not dicts[3] and kwargs == {"title": None}
                and patch is None and selector is None and not overwrite
                and row is None and col is None and secondary_y is None):
            self.__dict__["_wr_dicts"] = (*dicts[:3], True)
            return self
        return super().update_yaxes(patch, selector, overwrite, row, col, secondary_y, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # Reached only for attributes not found: before the build, all of plotly's own.
        if "_wr_dicts" in self.__dict__:
            self._wr_build()
            return getattr(self, name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._wr_build()
        super().__setattr__(name, value)

    def __reduce__(self) -> tuple[Any, ...]:
        # A copy (copy.deepcopy, pickle) is the one plotly makes of the built figure: a
        # go.Figure of its to_dict (this class cannot be made from that one dict).
        return (go.Figure, super().__reduce__()[1])


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


# ------------------------------------------------------------------ what st.plotly_chart sends

def chart_spec(fig: go.Figure) -> dict[str, Any]:
    """``fig.to_dict()``, the dict ``st.plotly_chart`` serialises, without its costs.

    ``to_dict`` deep-copies the figure, plotly's default template included (about 900 dicts
    and lists, the same in every chart), then walks all of it for arrays to encode. Here the
    figure's own dicts are copied and their arrays encoded with plotly's own functions, and
    the default template is one dict shared by every spec (nothing downstream writes to it).
    An unbuilt ``_DictFigure`` is written from its dicts in the key order its build gives.
    ``tests/test_chart_figures.py`` holds this byte-equal to ``to_dict`` on every chart of the
    pages that draw charts.
    """
    unbuilt = _unbuilt(fig)
    if unbuilt is not None:
        spec = _unbuilt_spec(*unbuilt)
        if spec is not None:
            return spec
        fig._wr_build()
    if fig._frame_objs:  # animation frames: none in this app, plotly's own way
        return fig.to_dict()
    layout = fig._layout
    template = layout.get("template")
    shared = _default_template() if template is not None else None
    return {"data": [_plain(trace) for trace in fig._data],
            "layout": {key: shared if key == "template" and value == shared else _plain(value)
                       for key, value in layout.items()}}


class _Spec(go.Figure):
    """A ready ``to_dict`` result in the one shape ``st.plotly_chart`` takes without checking
    it again: a dict is validated by building a figure from it (``return_figure_from_figure_
    or_data``), a figure only asked for ``to_dict()``."""

    def __init__(self, spec: dict[str, Any]) -> None:  # noqa: D107 - no plotly state at all
        self.__dict__["_wr_spec"] = spec

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__["_wr_spec"]


def plotly_input(fig: go.Figure) -> go.Figure:
    """What to hand ``st.plotly_chart`` for ``fig``: its ``chart_spec``, drawn as ``fig``."""
    return _Spec(chart_spec(fig))


def summary_view(fig: Any) -> Any:
    """What ``map_a11y.figure_summary`` reads of ``fig`` (traces' type, orientation, x, y and
    name, the layout's title text), from an unbuilt ``_DictFigure``'s dicts as the built
    figure would give them; any other figure itself."""
    unbuilt = _unbuilt(fig)
    if unbuilt is None:
        return fig
    data, layout = unbuilt[0], unbuilt[1]
    title = layout.get("title")
    if title is not None and not isinstance(title, dict):
        return fig  # the built figure's title object cannot read a bare string: plotly's way
    if any(not isinstance(trace, dict) or "type" not in trace for trace in data):
        return fig  # a trace without its type is a scatter once built
    fields = ("type", "orientation", "x", "y", "name")
    traces = [SimpleNamespace(**{f: trace.get(f) for f in fields}) for trace in data]
    return SimpleNamespace(data=traces,
                           layout=SimpleNamespace(title=SimpleNamespace(
                               text=(title or {}).get("text"))))


_BARE = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """``value`` as ``to_dict`` gives it: containers copied, every dict value that is an array
    (numpy, pandas) replaced by its typed-array spec (``convert_to_base64``), other values as
    they are (``to_dict``'s deep copies of them serialise the same)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if type(item) in _BARE or is_skipped_key(key):
                out[key] = item
            elif isinstance(item, (dict, list, tuple)):
                out[key] = _plain(item)
            elif is_homogeneous_array(item):
                out[key] = _typed(item)
            else:
                out[key] = item
        return out
    if isinstance(value, list):
        return [item if type(item) in _BARE else _plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(item if type(item) in _BARE else _plain(item) for item in value)
    return value


def _typed(values: Any) -> Any:
    """``to_typed_array_spec(values)``, plotly's encoding of an array, for the usual case (a
    numpy array or pandas Series of numpy numbers) without its conversion through narwhals
    (0.1-0.2 ms an array, most of the encoding): the same steps on the numpy array."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, np.dtype):
        array = values.to_numpy()
    elif isinstance(values, np.ndarray):
        array = values
    else:
        return to_typed_array_spec(values)
    if array.dtype.kind not in "fiu" or array.size == 0:
        return to_typed_array_spec(values)
    dtype = str(array.dtype)
    if dtype in ("int64", "uint64"):
        # plotly.js has no 64-bit integers: the smallest type that holds the values.
        low, high = array.min(), array.max()
        for name, (lo, hi) in _NARROWER[dtype]:
            if lo <= low and high <= hi:
                array, dtype = array.astype(name), name
                break
        else:
            return to_typed_array_spec(values)
    short = plotlyjsShortTypes.get(dtype)
    if short is None:
        return to_typed_array_spec(values)
    out = {"dtype": short, "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
    if array.ndim > 1:
        out["shape"] = str(array.shape)[1:-1]
    return out


_NARROWER = {
    "int64": [("int8", (int8min, int8max)), ("int16", (int16min, int16max)),
              ("int32", (int32min, int32max))],
    "uint64": [("uint8", (0, uint8max)), ("uint16", (0, uint16max)),
               ("uint32", (0, uint32max))],
}


def _unbuilt_spec(data: list[Any], layout: dict[str, Any], validated: bool,
                  cleared: bool) -> dict[str, Any] | None:
    """``chart_spec`` of an unbuilt ``_DictFigure`` without building it; None where the build
    could give another shape than its dicts (then the figure is built)."""
    # A key set to None is left out by some of plotly's setters and kept by others: built.
    if "template" in layout or not all(
            isinstance(t, dict) and "type" in t and not _has_none(t) for t in data):
        return None
    traces = []
    for trace in data:
        order = _trace_order(trace["type"], tuple(trace))
        if order is None:
            return None
        traces.append(_plain({k: trace[k] for k in order}))
    if validated:
        out = _validated_layout(layout)
    else:
        order = None if _has_none(layout) else _layout_order(tuple(layout))
        out = None if order is None else _plain({k: layout[k] for k in order})
    if out is None:
        return None
    out = {**out}  # a copy: a validated layout is shared
    if cleared:
        # What update_yaxes(title=None) leaves on the validated layout of an unvalidated
        # figure: an empty title at the end of each y axis (one that had a title: built).
        axes = [key for key in out if _YAXIS_KEY.match(key)]
        if not axes or any("title" in out[key] for key in axes):
            return None
        for key in axes:
            out[key] = {**out[key], "title": {}}
    out["template"] = _default_template()
    return {"data": traces, "layout": out}


def _validated_layout(layout: dict[str, Any]) -> dict[str, Any] | None:
    """``to_dict``'s form of ``go.Layout(layout)`` (validated), template left out, remembered
    by the layout's values: a chart's styled layout (titles, ticks, target lines) repeats
    from run to run, and its validation costs 1-2 ms. None for a layout holding values other
    than dicts, lists, tuples, strings, numbers, booleans and None (not remembered: built)."""
    key = _frozen(layout)
    if key is None:
        return None
    out = _VALIDATED.get(key)
    if out is None:
        out = _plain(go.Layout(layout).to_plotly_json())
        if len(_VALIDATED) >= 1024:
            _VALIDATED.clear()
        _VALIDATED[key] = out
    return out


def _frozen(value: Any) -> Any:
    """A hashable copy of ``value`` telling apart what validation could tell apart (1, 1.0
    and True; a list and a tuple); None if it holds anything else."""
    kind = type(value)
    if kind in _BARE:
        return (kind, value)
    if kind is dict:
        items = []
        for key, item in value.items():
            frozen = _frozen(item)
            if frozen is None or type(key) is not str:
                return None
            items.append((key, frozen))
        return (dict, tuple(items))
    if kind is list or kind is tuple:
        items = [_frozen(item) for item in value]
        return None if any(i is None for i in items) else (kind, tuple(items))
    return None


_VALIDATED: dict[Any, dict[str, Any]] = {}


def _has_none(values: dict[str, Any]) -> bool:
    return any(v is None for v in values.values())


@functools.lru_cache(maxsize=256)
def _trace_order(kind: str, keys: tuple[str, ...]) -> tuple[str, ...] | None:
    """The order of a ``kind`` trace's keys after the build (its class's property order, then
    ``type``): a trace built with the same keys, each set to 0. None if the build does not
    keep exactly those keys (a ``marker_color``-style path, a misspelt key)."""
    try:
        built = _BUILD({"data": [{**dict.fromkeys(keys, 0), "type": kind}]}, _validate=False)
    except Exception:  # noqa: BLE001 - whatever fails here fails again in the real build
        return None
    order = tuple(built._data[0])
    return order if set(order) == {*keys, "type"} else None


@functools.lru_cache(maxsize=256)
def _layout_order(keys: tuple[str, ...]) -> tuple[str, ...] | None:
    """The order of layout keys after the build (``_trace_order``'s way), template left out."""
    try:
        built = _BUILD({"layout": dict.fromkeys(keys, 0)}, _validate=False)
    except Exception:  # noqa: BLE001 - whatever fails here fails again in the real build
        return None
    order = tuple(k for k in built._layout if k != "template")
    return order if set(order) == set(keys) and list(built._layout)[-1] == "template" else None


def _default_template() -> dict[str, Any]:
    """The layout template a new figure gets (plotly's current default), as ``to_dict`` gives
    it; one dict per default template, shared, never written to."""
    name = pio.templates.default
    cached = _TEMPLATES.get(name) if isinstance(name, str) else None
    if cached is None:
        cached = _BUILD().to_dict()["layout"].get("template")
        if isinstance(name, str):
            _TEMPLATES[name] = cached
    return cached


_TEMPLATES: dict[str, Any] = {}
_BUILD = go.Figure  # plotly's class itself (a test may stand another in for ``go.Figure``)
