"""The tile-grid map: every province one equal tile, for a country view a projector can read."""

from __future__ import annotations

import html
import re
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
# the hover. Ayutthaya is known by its last part in both languages. English names take up to
# three lines (a tile is taller than a Latin line of 7 letters is wide).
_TH_PARTS = (
    "บุรี", "ธานี", "ราชธานี", "นคร", "มหานคร", "ราชสีมา", "ธรรมราช", "เพชร", "เจริญ", "สาคร", "สงคราม",
    "ปราการ", "คีรีขันธ์", "ลำภู", "สารคาม", "สวรรค์", "ปฐม", "พนม", "นายก", "ทอง", "เทรา",
    "ภูมิ", "สินธุ์", "สะเกษ", "แก่น", "คาย", "ดาหาร", "ใหม่", "ราย", "สอน", "ดิตถ์", "โลก",
    "บูรณ์", "ทัย", "รัมย์", "ลุง", "ธิวาส", "แก้ว", "อยุธยา", "เชียง", "หนอง", "สมุทร",
    "ประจวบ", "กำแพง", "อำนาจ", "มหา", "ฉะเชิง", "ขอน", "สุราษฎร์", "อุบล", "กรุงเทพ",
)
# A break inside a word (U+2010), told apart from a name's own hyphen (Phang-nga).
_HYPHEN = "\u2010"
_SHORT = {"14": ("อยุธยา", "Ayutthaya")}
# Visible characters a line may hold (Thai vowel and tone marks sit above or below a letter).
_LINE = {"th": 8, "en": 7}


def _width(text: str) -> int:
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me"))


def _syllables(word: str, limit: int) -> list[str]:
    """A romanised word longer than ``limit`` broken with hyphens where two consonants meet
    (Kam-phaeng, Song-khram; ph, th, kh and ng stay whole), else after a vowel."""
    if len(word) <= limit:
        return [word]
    vowels = set("aeiouAEIOU")
    mid = len(word) / 2
    between = {i for i in range(3, len(word) - 2)
               if word[i - 1] not in vowels and word[i] not in vowels and word[i] != "h"
               and word[i - 1:i + 1] != "ng"}
    after_vowel = {i for i in range(3, len(word) - 2)
                   if word[i - 1] in vowels and word[i] not in vowels}
    if not between | after_vowel:
        return [word]
    # The first piece must fit a line (the rest is broken again); then two consonants, then
    # the middle.
    i = min(between | after_vowel,
            key=lambda c: (c + 1 > limit, c not in between, abs(c - mid)))
    return [word[:i] + _HYPHEN, *_syllables(word[i:], limit)]


def _en_lines(name: str, limit: int) -> list[str]:
    """Words (and hyphenated pieces of long ones) packed into lines of at most ``limit``."""
    words = [w for part in name.split(" ") for w in re.split(r"(?<=-)", part) if w]
    pieces = [p for word in words for p in _syllables(word, limit)]
    lines: list[str] = []
    for piece in pieces:
        glued = bool(lines) and lines[-1].endswith((_HYPHEN, "-"))
        if lines and not glued and len(lines[-1]) + 1 + len(piece) <= limit:
            lines[-1] += " " + piece
        elif glued and len(lines[-1]) + len(piece) <= limit + 1:
            lines[-1] = lines[-1].removesuffix(_HYPHEN) + piece
        else:
            lines.append(piece)
    return lines


def _th_splits(name: str) -> list[tuple[str, str]]:
    """Every way to break a Thai name into two lines where its parts meet."""
    out: list[tuple[str, str]] = []
    for part in _TH_PARTS:
        if name.endswith(part) and _width(name) - _width(part) >= 2:
            out.append((name[:-len(part)], name[-len(part):]))
        if name.startswith(part) and _width(name) - _width(part) >= 2:
            out.append((name[:len(part)], name[len(part):]))
    return out


@lru_cache(maxsize=512)
def tile_label(code: str, name: str, language: str) -> str:
    """The label of one tile: the name on up to two lines in Thai, three in English
    (``<br>``), shortened only past a tile's width, by the rule above."""
    if code in _SHORT:
        name = _SHORT[code][0 if language == "th" else 1]
    limit = _LINE.get(language, _LINE["en"])
    if language != "th":
        # Never a dropped word: a name that needs a fourth line gets wider lines instead.
        lines = _en_lines(name, limit)
        while len(lines) > 3:
            limit += 1
            lines = _en_lines(name, limit)
        return "<br>".join(lines)
    if _width(name) <= limit - 2:  # a Thai line of 6 fits a tile at 1366 px beside a table
        return name
    splits = _th_splits(name)
    if not splits:
        return name
    first, second = min(splits, key=lambda s: (max(_width(s[0]), _width(s[1])),
                                               -min(_width(s[0]), _width(s[1]))))
    if max(_width(first), _width(second)) <= limit:
        return f"{first}<br>{second}"
    return first + "ฯ"


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
