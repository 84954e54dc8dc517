"""The faster map path draws exactly what the old one did: component arguments, colours,
legend, tooltips and the text summary, across levels, languages, palettes and classes."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import streamlit_folium as sf

from components import leaflet_map, map_a11y
from components.map_legend import label_in
from domain import map_classes
from domain.formatting import fmt_num
from geo import payload
from geo.payload import area_names

RETURNED = ["last_object_clicked", "last_active_drawing"]


# -- the pandas implementation these functions had before (the oracle) ---------------------------
def _old_style(values, codes, *, value_label, fmt, selected, scheme, higher_is_better, method,
               language):
    frame = map_classes.clean_values(values)
    frame = frame[frame["code"].isin(codes)]
    frame = map_classes.clean_values(frame)
    breaks = map_classes.class_breaks(frame["value"].to_numpy(), map_classes.CLASS_COUNT, method)
    colours = map_classes.palette(len(breaks), scheme, higher_is_better)
    idx = map_classes.assign_classes(frame["value"].to_numpy(), breaks)
    fill = {code: colours[i] for code, i in zip(frame["code"], idx, strict=True) if i >= 0}
    f = map_classes.series_formatter(fmt, frame["value"], language)
    text = {code: f(float(v)) for code, v in zip(frame["code"], frame["value"], strict=True)}
    lowest = float(frame["value"].min()) if len(frame) else None
    return {"fill": fill, "text": text, "label": value_label, "lang": language,
            "legend": map_classes.legend_items(breaks, colours, f, lowest),
            "nodata": label_in("map_no_data", language),
            "nodata_count": len(set(codes) - set(fill)), "selected": selected or None}


def _old_summary(values, *, value_label, fmt, higher_is_better, language):
    t = map_a11y.t
    frame = map_classes.clean_values(values)
    if frame.empty:
        return t("map_summary_empty", label=value_label)
    f = map_classes.series_formatter(fmt, frame["value"], language)
    names = area_names()
    idx = 0 if language == "th" else 1
    top = frame.loc[frame["value"].idxmax()]
    low = frame.loc[frame["value"].idxmin()]

    def name(code):
        return names.get(str(code), (str(code), str(code)))[idx]

    parts = [t("map_summary_high", name=name(top["code"]), value=f(float(top["value"]))),
             t("map_summary_low", name=name(low["code"]), value=f(float(low["value"]))),
             t("map_summary_median", value=f(float(frame["value"].median())))]
    better = t("map_summary_better_high" if higher_is_better else "map_summary_better_low")
    return t("map_summary_intro", label=value_label, n=len(frame)) + " " + \
        " · ".join(parts) + f" ({better})"


# -- values: full, withheld (NaN, None, text), duplicated, integer, empty, foreign codes ---------
def _variants(codes: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(7)
    n = len(codes)
    full = pd.DataFrame({"code": list(codes), "value": rng.normal(50, 20, n).round(3)})
    withheld = full.copy()
    withheld.loc[::3, "value"] = np.nan
    withheld.loc[1, "value"] = np.inf
    texts = pd.DataFrame({"code": list(codes),
                          "value": [None if i % 4 == 0 else ("x" if i % 7 == 0 else str(i * 1.5))
                                    for i in range(n)]}, dtype=object)
    dup = pd.concat([full, full.head(5).assign(value=-1.0),
                     pd.DataFrame({"code": [codes[0]], "value": [np.nan]})], ignore_index=True)
    ints = pd.DataFrame({"code": list(codes), "value": np.arange(n, dtype="int64") % 9})
    ties = pd.DataFrame({"code": list(codes), "value": [3.0] * n})
    foreign = pd.concat([full, pd.DataFrame({"code": ["99", "9999"], "value": [1e6, -1e6]})],
                        ignore_index=True)
    two = full.head(2)
    return {"full": full, "withheld": withheld, "texts": texts, "dup": dup, "ints": ints,
            "ties": ties, "foreign": foreign, "two": two,
            "empty": full.iloc[0:0], "none": None}


CASES = [("province", None), ("district", None), ("district", "30"), ("subdistrict", "3001")]


@pytest.fixture
def captured(monkeypatch, tmp_path):
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path))
    leaflet_map._frame_args.clear()
    calls: list[dict] = []
    monkeypatch.setattr(sf, "_component_func", lambda **kw: calls.append(kw))
    return calls


def _old_args(values, calls, common):
    m, group = leaflet_map.build_area_map(values, **common)
    # The oracle's style is the old pandas one, so the feature group is compared as well.
    group = leaflet_map.folium.FeatureGroup(name="values", control=False)
    pl = payload.get_payload(common["level"], common["parent_code"])
    style_args = {k: v for k, v in common.items() if k not in ("level", "parent_code")}
    group.add_child(leaflet_map._AreaStyle(_old_style(values, pl.codes, **style_args)))
    sf.st_folium(m, key="k", height=480, use_container_width=True, feature_group_to_add=group,
                 returned_objects=RETURNED)
    return calls.pop()


@pytest.mark.parametrize("level,parent", CASES)
def test_component_arguments_are_those_of_st_folium(captured, level, parent):
    pl = payload.get_payload(level, parent)
    assert pl is not None
    combos = itertools.product(("th", "en"), map_classes.SCHEMES, map_classes.METHODS,
                               (True, False))
    variants = _variants(pl.codes)
    for n, (language, scheme, method, good) in enumerate(combos):
        name = list(variants)[n % len(variants)]
        values = variants[name]
        fmt = None if n % 3 else (lambda v: fmt_num(v, 1, "en") + " %")
        label = ("<b>วัด</b> & x", "{{'map_div'}} _feature </script>", "ร้อยละ\u2028\n'x'")[n % 3]
        common = {"level": level, "value_label": label, "fmt": fmt,
                  "parent_code": parent, "selected": pl.codes[n % len(pl.codes)] if n % 2 else None,
                  "scheme": scheme, "higher_is_better": good, "method": method,
                  "language": language}
        old = _old_args(values, captured, common)
        for _ in range(2):  # a cache miss, then a hit
            leaflet_map.render_leaflet(leaflet_map.component_args(
                values, key="k", height=480, returned_objects=RETURNED, **common), "k")
            new = captured.pop()
            assert list(new) == list(old), name
            for arg in old:
                if arg != "on_change":
                    assert new[arg] == old[arg], (name, language, scheme, method, arg)


@pytest.mark.parametrize("level,parent", CASES)
def test_style_and_summary_equal_the_pandas_ones(captured, level, parent):
    pl = payload.get_payload(level, parent)
    for name, values in _variants(pl.codes).items():
        for language, scheme, method, good in itertools.product(
                ("th", "en"), map_classes.SCHEMES, map_classes.METHODS, (True, False)):
            kw = {"value_label": "v", "fmt": None, "selected": None, "scheme": scheme,
                  "higher_is_better": good, "method": method, "language": language}
            assert leaflet_map.style_for(values, pl.codes, **kw) == \
                _old_style(values, pl.codes, **kw), (name, language, scheme, method)
            skw = {"value_label": "v", "fmt": None, "higher_is_better": good,
                   "language": language}
            assert map_a11y.summary_text(values, **skw) == _old_summary(values, **skw), name
        assert map_classes.classify_areas(values) == _old_classify(values), name


def _old_classify(values):
    frame = map_classes.clean_values(values)
    breaks = map_classes.class_breaks(frame["value"].to_numpy(), map_classes.CLASS_COUNT)
    colours = map_classes.palette(len(breaks))
    idx = map_classes.assign_classes(frame["value"].to_numpy(), breaks)
    return ({code: colours[i] for code, i in zip(frame["code"], idx, strict=True) if i >= 0},
            breaks, colours)


def test_clean_arrays_equal_clean_values():
    codes = tuple(str(c) for c in range(10, 40))
    for name, values in _variants(codes).items():
        frame = map_classes.clean_values(values)
        got_codes, got = map_classes.clean_arrays(values)
        assert got_codes == frame["code"].tolist(), name
        assert got.dtype == float and got.tolist() == frame["value"].astype(float).tolist(), name
    numeric_codes = pd.DataFrame({"code": [10, 11, 10], "value": [1.0, 2.0, 3.0]})
    assert map_classes.clean_arrays(numeric_codes)[0] == ["11", "10"]


def test_frame_cache_key_holds_no_values(captured):
    """The cached part is keyed on the level, parent, geometry digest and settings only: two
    different value tables share one cached frame, and their colours still differ."""
    pl = payload.get_payload("province", None)
    variants = _variants(pl.codes)
    common = {"level": "province", "value_label": "v", "parent_code": None}
    a = leaflet_map.component_args(variants["full"], key="k", height=400,
                                   returned_objects=RETURNED, **common)
    b = leaflet_map.component_args(variants["ints"], key="k", height=400,
                                   returned_objects=RETURNED, **common)
    assert a["script"] == b["script"] and a["feature_group"] != b["feature_group"]
