"""Charts written as plain dicts (``charts.figure_of``, not validated by plotly) draw exactly what
plotly's validated construction of the same figures draws, on every chart of the Overview, SDG,
Informal debt, poverty, plans and partners pages."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from components import charts
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
         ("partners", {"area": "94"}),
         ("overview", {}), ("overview", {"area": "94"}), ("overview", {"area": "9401"}),
         ("sdg", {"area": "94"}), ("sdg", {"area": "50", "sdg_goal": "3",
                                           "sdg_ind": "g3_road_deaths", "year": "2021"}),
         ("debt", {}), ("debt", {"area": "94"}), ("debt", {"area": "5001"}), ("followup", {})]


def _drawn(at) -> list[tuple[str, str]]:
    """Every chart as sent (its specification and element id, byte for byte)."""
    return [(e.proto.spec, e.proto.id) for e in at.get("plotly_chart")]


def _plotly_way(monkeypatch) -> None:
    """Charts made and drawn as before ``charts.chart_spec``: ``figure_of`` builds its figure
    at once, ``st.plotly_chart`` gets the figure itself (plotly's ``to_dict``), and the
    summary reads the figure."""
    monkeypatch.setattr(charts, "_DictFigure", lambda data, layout: _FIGURE(
        {"data": data, "layout": layout}, _validate=False))
    monkeypatch.setattr(charts, "plotly_input", lambda fig: fig)
    monkeypatch.setattr(charts, "summary_view", lambda fig: fig)


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize(("page", "query"), CASES)
def test_page_charts_equal_validated_figures(app_env, monkeypatch, page, query, lang):
    fast = open_page(page, lang=lang, query=query)
    assert_clean(fast)
    charts_sent = _drawn(fast)
    assert charts_sent, "the page draws charts"
    with monkeypatch.context() as m:
        _plotly_way(m)
        before = open_page(page, lang=lang, query=query)
    # Byte for byte what plotly's own to_dict gave, and the same summaries and elements.
    assert charts_sent == _drawn(before)
    assert [e.value for e in fast.markdown] == [e.value for e in before.markdown]
    monkeypatch.setattr(charts, "_DictFigure", lambda data, layout: _validated(
        {"data": data, "layout": layout}))
    monkeypatch.setattr(go, "Figure", _validated)
    validated = _specs(open_page(page, lang=lang, query=query))
    assert [json.loads(spec) for spec, _ in charts_sent] == validated


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


def _chart_listing(at, name: str) -> dict:
    """The chart whose bars are labelled with ``name`` (on either axis)."""
    for spec in _specs(at):
        for trace in spec["data"]:
            labels = [v for axis in ("x", "y") if isinstance(trace.get(axis), list)
                      for v in trace[axis]]
            if name in labels:
                return spec
    raise AssertionError(f"no chart labelled {name!r}")


@pytest.mark.parametrize("lang", ["th", "en"])
def test_dimension_people_bars_show_every_name_in_full(app_env, lang):
    """The names are the bars' categories on the left (the last, longest one ran past the
    chart's edge as a column label), with room right of the longest bar for its figure."""
    at = open_page("poverty", lang=lang, query={"year": "2024", "area": "94"})
    last = {"th": "การเข้าถึงบริการรัฐ", "en": "Access to public services"}[lang]
    spec = _chart_listing(at, last)
    trace = spec["data"][0]
    assert trace["orientation"] == "h"
    assert trace["y"][-1] == last and len(trace["y"]) == 5
    values = [v for v in trace["x"] if v is not None]
    assert spec["layout"]["xaxis"]["range"][1] >= 1.2 * max(values) > 0
    # Every row has its figure beside it: a withheld count is an empty bar with its dash
    # (plotly writes no text beside a missing bar).
    assert None not in trace["x"]
    assert all(x == 0 for x, text in zip(trace["x"], trace["text"], strict=True)
               if text == "–")


def test_a_withheld_dimension_count_reads_as_a_dash(app_env, monkeypatch):
    from components import poverty_sections

    drawn = []
    monkeypatch.setattr(poverty_sections, "render_chart",
                        lambda fig, **kw: drawn.append(fig) if kw["key"] == "pov_dim_people"
                        else None)
    total = {f"people_{d}": float("nan") if d == "access" else 5.0
             for d in poverty_sections.catalogue.DIMENSION_CODES}
    # Unguarded: a failure fails the test instead of becoming the page's message.
    poverty_sections.render_dimension_counts.__wrapped__("94", 2024, pd.Series(total))
    trace = drawn[0].data[0]
    assert list(trace.x) == [5.0, 5.0, 5.0, 5.0, 0.0]
    assert list(trace.text) == ["5", "5", "5", "5", "–"]


def test_working_tables_count_people_with_separators(app_env):
    at = open_page("poverty", lang="en", query={"year": "2024", "area": "94"},
                   session={"pov_how_mpi_open": True})
    assert_clean(at)
    configs = {}
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        for column in frame.value.columns:
            configs[column] = config.get(column, {})
    for column in ("Poor people", "People deprived (uncensored)", "Poor and deprived (censored)"):
        matches = [c for name, c in configs.items() if name.lower() == column.lower()]
        assert matches, (column, sorted(configs))
        assert matches[0].get("type_config", {}).get("format") == "localized", matches[0]


def test_exports_of_a_dict_figure_equal_the_validated_figures():
    import pandas as pd

    from components.chart_files import export_figure
    from components.poverty_sections import build_village_bars
    from components.ui import ExportMeta

    fast = build_village_bars(pd.Series([0.1, 0.5, 2.0]), pd.Series(["ก", "ข", "ค"]),
                              lambda v: f"{v:.1f}", "MPI")
    meta = ExportMeta("title", "area", 2024, "source", ("households",))
    out = export_figure(fast, meta, "2024-01-01", "th")
    same = export_figure(_validated(fast.to_dict()), meta, "2024-01-01", "th")
    assert json.loads(out.to_json()) == json.loads(same.to_json())
    assert out.layout.title.text.startswith("title")


def test_villages_all_withheld_say_so_instead_of_an_empty_chart(app_env, monkeypatch):
    from components import poverty_sections

    drawn, said = [], []
    monkeypatch.setattr(poverty_sections, "render_chart", lambda fig, **kw: drawn.append(fig))
    monkeypatch.setattr(poverty_sections.st, "info", said.append)
    villages = pd.DataFrame({"code": ["94010101", "94010102"], "name_th": ["ก", "ข"],
                             "name_en": ["A", "B"], "h": [float("nan")] * 2})
    bars = poverty_sections.render_village_bars.__wrapped__
    bars("940101", 2024, villages, "h", None)
    assert not drawn and len(said) == 1 and "–" in said[0]
    bars("940101", 2024, villages.assign(h=[0.2, float("nan")]), "h", None)
    assert len(drawn) == 1 and len(said) == 1


def _sent(fig) -> str:
    """What ``st.plotly_chart`` serialises for ``fig`` (its own steps: to_dict, to_json)."""
    import plotly.io as pio
    from plotly.tools import return_figure_from_figure_or_data

    return pio.to_json(return_figure_from_figure_or_data(fig, validate_figure=True),
                       validate=False)


def style_style_cleared(style_figure, fig):
    """Styled again after its y titles were cleared."""
    return style_figure(style_figure(fig).update_yaxes(title=None), height=200)


def _odd_figures():
    """Figures ``chart_spec`` must write as plotly does, each made twice (one to draw)."""
    import numpy as np

    from components.charts import style_figure

    series = pd.Series([1.5, float("nan"), 3.0], index=[7, 8, 9])
    plain = [{"type": "bar", "x": ["a", "b", "c"], "y": series, "name": "s",
              "marker": {"color": ["#111", "#222", "#333"], "line": {"width": 0}},
              "customdata": np.array([[1, 2], [3, 4], [5, 6]]), "text": ("x", "y", "z")}]
    layouts = {"xaxis": {"title": {"text": "X"}, "range": np.array([0.0, 4.0])},
               "legend": {"y": -0.2},
               "shapes": [{"type": "line", "x0": 0, "x1": 1, "y0": np.int64(3), "y1": 3}]}
    yield lambda: figure_of(plain, layouts)
    yield lambda: figure_of(plain, {**layouts, "yaxis2": {"overlaying": "y"}})
    yield lambda: style_figure(figure_of(plain, layouts), height=300, legend=False)
    plain_layout = {"xaxis": {"title": {"text": "X"}, "range": [0, 4.0]}, "legend": {"y": -0.2},
                    "shapes": [{"type": "line", "x0": 0, "x1": 1, "y0": 3, "y1": True}]}
    yield lambda: style_figure(figure_of(plain, plain_layout), height=300, legend=False)
    # The Overview's movers chart: no y axis title after the look.
    yield lambda: style_figure(figure_of(plain, plain_layout), height=300).update_yaxes(title=None)
    yield lambda: style_figure(figure_of(plain, {"yaxis": {"title": {"text": "Y"}}, "yaxis2": {
        "overlaying": "y"}})).update_yaxes(title=None)
    yield lambda: style_figure(figure_of(plain, plain_layout)).update_yaxes(title=None).update_yaxes(
        title=None)
    yield lambda: style_figure(figure_of(plain, plain_layout)).update_yaxes(title="t")
    yield lambda: style_style_cleared(style_figure, figure_of(plain, plain_layout))
    yield lambda: style_figure(figure_of(plain, {"title": {"text": "T"}}), height=300,
                               margin={"l": 1, "r": 2, "t": 3, "b": 4})
    # Styled twice: the second merge is into plotly's validated layout.
    yield lambda: style_figure(style_figure(figure_of(plain, layouts), height=300),
                               legend=True)
    # A value plotly cannot remember by (a numpy number in a styled layout).
    yield lambda: style_figure(figure_of(plain, {"yaxis": {"range": [np.float64(0), 2]}}))
    # Keys the build treats otherwise: a None, a path, a trace without type, a template.
    yield lambda: figure_of([{**plain[0], "name": None}], {"height": None})
    yield lambda: figure_of([{"type": "bar", "x": [1], "marker_color": "red"}], {})
    yield lambda: figure_of([{"x": [1], "y": [2]}], {})
    yield lambda: figure_of(plain, {"template": "plotly_white"})
    # Changed through plotly after figure_of, and figures plotly built with validation.
    yield lambda: figure_of(plain, layouts).update_yaxes(title=None)
    yield lambda: figure_of(plain, layouts).add_hline(y=1)
    yield lambda: style_figure(go.Figure(go.Bar(x=[1, 2], y=np.array([3, 4]))), height=200)
    yield lambda: go.Figure(go.Scatter(x=pd.Series([1, 2]), y=[3, 4]),
                            layout={"template": "plotly_white"})


@pytest.mark.parametrize("make", list(_odd_figures()))
def test_chart_spec_writes_what_plotly_writes(make):
    from components.charts import chart_spec, plotly_input, summary_view

    expected = _sent(make())
    assert _sent(plotly_input(make())) == expected
    fig = make()
    assert json.dumps(chart_spec(fig), cls=_Encoder) == json.dumps(fig.to_dict(), cls=_Encoder)
    # The summary reads the same from the dicts as from the built figure.
    view, built = summary_view(make()), make()
    built.data  # noqa: B018 - built now
    assert [(t.type, t.orientation, t.name) for t in view.data] == [
        (t.type, t.orientation, t.name) for t in built.data]
    assert [json.dumps([t.x, t.y], cls=_Encoder) for t in view.data] == [
        json.dumps([t.x, t.y], cls=_Encoder) for t in built.data]
    assert view.layout.title.text == built.layout.title.text


def _plotly_encoder():
    from _plotly_utils.utils import PlotlyJSONEncoder

    return PlotlyJSONEncoder


_Encoder = _plotly_encoder()


def test_an_unbuilt_figure_is_drawn_without_being_built():
    from components.charts import _DictFigure, _unbuilt, chart_spec, style_figure, summary_view

    fig = style_figure(figure_of([{"type": "bar", "x": ["a"], "y": [1.0]}],
                                 {"xaxis": {"title": {"text": "X"}}}), height=300)
    chart_spec(fig)
    summary_view(fig)
    assert isinstance(fig, _DictFigure) and _unbuilt(fig) is not None
    assert fig.layout.height == 300  # any plotly use builds it
    assert _unbuilt(fig) is None


def test_remembered_layouts_tell_equal_values_apart():
    """1, 1.0 and True are equal in Python and written differently (1, 1.0, true): each
    styled layout is written as its own validation writes it, whichever came first."""
    from components.charts import chart_spec, style_figure

    trace = [{"type": "bar", "x": ["a"], "y": [1.0]}]
    for value in (1, 1.0, True, 1, [1], (1,), [1.0]):
        def make(value=value):
            return style_figure(figure_of(trace, {"legend": {"y": value},
                                                  "meta": value}), height=300)
        fig = make()
        assert json.dumps(chart_spec(fig), cls=_Encoder) == json.dumps(make().to_dict(),
                                                                       cls=_Encoder)


def _arrays():
    """Arrays of every kind a chart may hold (a Series cannot be a test parameter itself)."""
    import numpy as np

    yield pd.Series([1.5, float("nan"), 3.0], index=[5, 6, 7])
    yield pd.Series([1, 2, 3])
    yield pd.Series(np.arange(300, dtype="int64") * 10**6)  # int32
    yield pd.Series(np.arange(300, dtype="int64") * 10**10)  # too wide: left as int64
    yield pd.Series([1.0, 2.0])[::-1]
    yield pd.Series(np.array([1.0, 2, 3, 4])[::2])  # not contiguous
    yield np.array([[1, 2], [3, 4]])
    yield np.array([[1.0, 2], [3, 4]]).T
    yield np.array([], dtype=float)
    yield np.array([-129, 5])  # int16
    yield np.array([300, 1])
    yield np.array([-40000, 1])  # int32
    yield np.array([40000, 1], dtype="uint64")
    yield np.array([2**40], dtype="uint64")
    yield np.array([1, 2], dtype="float16")  # no plotly.js type
    yield np.array(["a", "b"])
    yield pd.Series(["a", "b"])
    yield pd.Series([1, 2], dtype="Int64")
    yield pd.Series([1.0, None], dtype="Float64")
    yield pd.Series([True, False])
    yield pd.Series([1, 2, 3], dtype="int32")
    yield pd.Series([1.0, 2.0], dtype="float32")
    yield pd.Index([1, 2, 3])
    yield pd.Series([], dtype=float)
    yield pd.Series(pd.to_datetime(["2024-01-01"]))
    yield pd.Series([1, 2]).astype("category")


@pytest.mark.parametrize("case", range(len(list(_arrays()))))
def test_arrays_are_encoded_as_plotly_encodes_them(case):
    from _plotly_utils.utils import to_typed_array_spec

    from components.charts import _typed

    values = list(_arrays())[case]
    assert json.dumps(_typed(values), cls=_Encoder) == json.dumps(to_typed_array_spec(values),
                                                                   cls=_Encoder)


@pytest.mark.parametrize("make", list(_odd_figures()))
def test_copies_of_a_chart_are_plotlys_copies(make):
    """copy.deepcopy and pickle give what they gave of figure_of's figure built at once."""
    import copy
    import pickle

    def plotly_way():
        with pytest.MonkeyPatch.context() as m:
            m.setattr(charts, "_DictFigure", lambda data, layout: _FIGURE(
                {"data": data, "layout": layout}, _validate=False))
            return make()

    expected = plotly_way()
    for copied in (copy.deepcopy(make()), pickle.loads(pickle.dumps(make()))):
        assert type(copied) is _FIGURE
        assert copied.to_json() == copy.deepcopy(expected).to_json()
