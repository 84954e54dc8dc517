"""The tile-grid map: every province one equal tile, for a country view a projector can read."""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components.map_legend import label_in
from domain import map_classes
from geo import tilegrid
from geo.payload import area_names

# Tile labels: the whole name, on two lines where it is long, broken where the name's own
# parts meet (Thai place names are compounds: นคร|ปฐม, สุพรรณ|บุรี; romanised ones split at
# spaces or before the same parts: Kanchana-buri). A line longer than a tile holds shortens
# the Thai way, the first part and ฯ (ประจวบฯ, as the press writes it); the full name is in
# the hover. Ayutthaya is known by its last part in both languages.
_TH_PARTS = (
    "บุรี", "ธานี", "ราชธานี", "นคร", "มหานคร", "ราชสีมา", "ธรรมราช", "เพชร", "เจริญ", "สาคร", "สงคราม",
    "ปราการ", "คีรีขันธ์", "ลำภู", "สารคาม", "สวรรค์", "ปฐม", "พนม", "นายก", "ทอง", "เทรา",
    "ภูมิ", "สินธุ์", "สะเกษ", "แก่น", "คาย", "ดาหาร", "ใหม่", "ราย", "สอน", "ดิตถ์", "โลก",
    "บูรณ์", "ทัย", "รัมย์", "ลุง", "ธิวาส", "แก้ว", "อยุธยา", "เชียง", "หนอง", "สมุทร",
    "ประจวบ", "กำแพง", "อำนาจ", "มหา", "ฉะเชิง", "ขอน", "สุราษฎร์", "อุบล", "กรุงเทพ",
)
_EN_PARTS = ("buri", "thani", "sao", "lung", "lok", "wat", "phum", "hon", "dahan", "dit",
             "sima", "marat")
_SHORT = {"14": ("อยุธยา", "Ayutthaya")}
# Visible characters a line may hold (Thai vowel and tone marks sit above or below a letter).
_LINE = {"th": 8, "en": 9}


def _width(text: str) -> int:
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me"))


def _splits(name: str, language: str) -> list[tuple[str, str]]:
    """Every way to break ``name`` into two lines where its parts meet."""
    out: list[tuple[str, str]] = []
    if language == "en":
        words = name.split(" ")
        out += [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
        if len(words) == 1:
            low = name.lower()
            out += [(name[:-len(p)] + "-", name[-len(p):]) for p in _EN_PARTS
                    if low.endswith(p) and len(name) - len(p) >= 3]
        return out
    for part in _TH_PARTS:
        if name.endswith(part) and _width(name) - _width(part) >= 2:
            out.append((name[:-len(part)], name[-len(part):]))
        if name.startswith(part) and _width(name) - _width(part) >= 2:
            out.append((name[:len(part)], name[len(part):]))
    return out


@lru_cache(maxsize=512)
def tile_label(code: str, name: str, language: str) -> str:
    """The label of one tile: the name on one or two lines (``<br>``), shortened only past a
    tile's width, by the rule above."""
    if code in _SHORT:
        name = _SHORT[code][0 if language == "th" else 1]
    limit = _LINE.get(language, _LINE["en"])
    if _width(name) <= limit - 1:
        return name
    splits = _splits(name, language)
    if not splits:
        return name
    first, second = min(splits, key=lambda s: (max(_width(s[0]), _width(s[1])), -_width(s[0])))
    if max(_width(first), _width(second)) <= limit:
        return f"{first}<br>{second}"
    if language == "th":
        return first + "ฯ"
    return f"{first}<br>{second}"


def _dark(colour: str) -> bool:
    """Whether white text reads better than black on ``colour`` (relative luminance)."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5


def build_tile_map(values: pd.DataFrame, *, value_label: str,
                   fmt: Callable[[float], str] | None = None, selected: str | None = None,
                   scheme: str = "sequential", higher_is_better: bool = True,
                   method: str = "quantiles", language: str = "th", **_: Any) -> go.Figure:
    """Plotly tile grid of provinces coloured like the choropleth; customdata is the code.

    Each tile is a bar one cell wide (``base`` its left edge), so tiles fill the width the
    page gives the chart and carry their names inside at a readable size.
    """
    layout = tilegrid.load_layout()
    frame = map_classes.clean_values(values)
    frame = frame[frame["code"].isin(layout)]
    fill, breaks, colours = map_classes.classify_areas(frame, method=method, scheme=scheme,
                                          higher_is_better=higher_is_better)
    f = map_classes.series_formatter(fmt, frame["value"], language)
    no_data = label_in("map_no_data", language)
    text = {c: f(float(v)) for c, v in zip(frame["code"], frame["value"], strict=True)}
    names = area_names()
    idx = 0 if language == "th" else 1
    fig = go.Figure()
    lowest = float(frame["value"].min()) if len(frame) else None
    legend = map_classes.legend_items(breaks, colours, f, lowest)
    groups = [(colour, label) for colour, label in legend] + [(map_classes.NO_DATA_COLOUR, None)]
    for colour, label in groups:
        codes = [c for c in layout if fill.get(c, map_classes.NO_DATA_COLOUR) == colour]
        if not codes:
            continue
        full = [names.get(c, (c, c))[idx] for c in codes]
        fig.add_trace(go.Bar(
            orientation="h", y=[-layout[c][1] for c in codes], base=[layout[c][0] - 0.48
                                                                     for c in codes],
            x=[0.96] * len(codes), width=0.92,
            marker={"color": colour,
                    "line": {"color": ["#000" if c == selected else "#777" for c in codes],
                             "width": [3 if c == selected else 0.6 for c in codes]}},
            text=[tile_label(c, n, language) for c, n in zip(codes, full, strict=True)],
            textposition="inside", insidetextanchor="middle", textangle=0,
            textfont={"color": "#fff" if _dark(colour) else "#222"},
            customdata=codes,
            hovertext=[f"{html.escape(n)}<br>{html.escape(value_label)}: "
                       f"{html.escape(text.get(c, no_data))}"
                       for c, n in zip(codes, full, strict=True)],
            hoverinfo="text", name=label or no_data))
    cols = max(c for c, _ in layout.values()) + 1
    rows = max(r for _, r in layout.values()) + 1
    fig.update_xaxes(visible=False, range=[-0.5, cols - 0.5], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-rows + 0.5, 0.5], fixedrange=True)
    # One size for every label, never below 10 px: plotly would otherwise shrink each name to
    # its own tile and the long ones would be unreadable.
    fig.update_layout(height=760, margin={"l": 0, "r": 0, "t": 40, "b": 0}, barmode="overlay",
                      bargap=0, plot_bgcolor="white", uniformtext={"minsize": 10, "mode": "show"},
                      legend={"title": {"text": value_label}, "orientation": "h",
                              "yanchor": "bottom", "y": 1.0, "x": 0},
                      clickmode="event+select", dragmode=False)
    return fig
