"""Chart files for analysts: PNG and SVG through kaleido with the Thai font, offline HTML; every
label, the legend and the title inside the image, stamped with the export's metadata."""

from __future__ import annotations

import html
import io
import logging
import os
import re
import threading
import warnings
from typing import Any

from components.export import meta_lines

log = logging.getLogger("warroom")

FONT_FAMILY = "Noto Sans Thai, Sarabun, Garuda, Loma, sans-serif"
PNG_SIZE = (1200, 675)
# Slide (16:9) and A4 landscape (297 x 210 mm at 96 dpi) pixel sizes of exported images.
CHART_SIZES = {"16:9": PNG_SIZE, "A4": (1123, 794)}
FRAME = 16  # white border around an exported image, CSS pixels
_kaleido_lock = threading.Lock()
_kaleido_started = False


def ensure_thai_font() -> str | None:
    """Make the packaged Noto Sans Thai visible to Chromium (fontconfig) before it starts."""
    if os.environ.get("FONTCONFIG_FILE"):
        return os.environ["FONTCONFIG_FILE"]
    try:
        from components.assets import thai_font_path
        from data.config import data_dir

        font_dir = thai_font_path().parent
        folder = data_dir() / "fontconfig"
        folder.mkdir(parents=True, exist_ok=True)
        conf = folder / "fonts.conf"
        conf.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            f"  <dir>{html.escape(str(font_dir))}</dir>\n"
            f"  <cachedir>{html.escape(str(folder / 'cache'))}</cachedir>\n</fontconfig>\n",
            encoding="utf-8")
        os.environ["FONTCONFIG_FILE"] = str(conf)
        return str(conf)
    except Exception:  # noqa: BLE001 - system Thai fonts may still be there
        log.exception("could not register the Thai font for exports")
        return None


# Streamlit's plotly theme writes placeholder colours (#000001...) that only its web client
# replaces; an exported file needs the real colours (Streamlit's light theme).
_THEME_COLOURS = dict(zip(
    [f"#{i:06d}" for i in (*range(1, 31), 32, 33, 34, 36, 37, 38, 39, 40)],
    ["#0068c9", "#83c9ff", "#ff2b2b", "#ffabab", "#29b09d", "#7defa1", "#ff8700", "#ffd16a",
     "#6d3fc0", "#d5dae5",
     "#e4f5ff", "#c7ebff", "#a6dcff", "#83c9ff", "#60b4ff", "#3d9df3", "#1c83e1", "#0068c9",
     "#0054a3", "#004280",
     "#7d353b", "#bd4043", "#ff4b4b", "#ff8c8c", "#ffc7c7", "#a6dcff", "#60b4ff", "#1c83e1",
     "#0054a3", "#004280",
     "#29b09d", "#ff2b2b", "#0068c9", "#a3a8b8", "#31333f", "#ffffff", "#808495", "#f0f2f6"],
    strict=True))
_PLACEHOLDER = re.compile(r'"#0000[0-4][0-9]"', re.IGNORECASE)


def resolve_theme_colours(fig: Any) -> Any:
    import plotly.graph_objects as go
    import plotly.io as pio

    text = _PLACEHOLDER.sub(lambda m: '"' + _THEME_COLOURS.get(m.group(0)[1:-1].lower(),
                                                              m.group(0)[1:-1]) + '"',
                            pio.to_json(fig))
    out = go.Figure(pio.from_json(text))
    if getattr(out.layout.template.layout, "colorway", None) and any(
            str(c).startswith("#0000") for c in out.layout.template.layout.colorway):
        out.update_layout(template="plotly_white")
    return out


def export_figure(fig: Any, meta: Any, as_of: str | None = None, lang: str = "th") -> Any:
    """A copy of the figure titled with its metadata, in a Thai-capable font, laid out so that
    every label, the legend and the title fit inside the image whatever its size.

    On screen Streamlit's theme adds margins the figure itself does not have: tick labels
    (province names, stage names, goal numbers) were cut at the image's edge, and a legend
    placed above the plot ran over the title.
    """
    out = resolve_theme_colours(fig)  # a copy: the page keeps its own figure
    lines = meta_lines(meta, as_of, lang)
    title = html.escape(lines[0])
    sub = html.escape(" · ".join(lines[1:]))
    out.update_layout(
        title={"text": f"{title}<br><sup>{sub}</sup>" if sub else title, "x": 0.02,
               "xanchor": "left"},
        font={"family": FONT_FAMILY},
        margin={"t": 96, "l": 24, "r": 24, "b": 24, "autoexpand": True},
        paper_bgcolor=out.layout.paper_bgcolor or "white",
        plot_bgcolor=out.layout.plot_bgcolor or "white")
    out.for_each_xaxis(lambda axis: axis.update(automargin=True))
    out.for_each_yaxis(lambda axis: axis.update(automargin=True))
    if out.layout.legend.orientation == "h":
        # Below everything, in the figure's own frame: plotly makes room for it.
        out.update_layout(legend={"yref": "container", "y": 0.01, "yanchor": "bottom",
                                  "x": 0.02, "xanchor": "left"})
    return out


def _start_kaleido() -> None:
    global _kaleido_started
    with _kaleido_lock:
        if _kaleido_started:
            return
        ensure_thai_font()
        try:
            import kaleido

            # One browser for the whole process: about 0.25 s per image instead of 3 s.
            kaleido.start_sync_server(silence_warnings=True)
        except Exception:  # noqa: BLE001 - plotly then starts a browser per image
            log.warning("kaleido server not started; images will be slower", exc_info=True)
        _kaleido_started = True


def chart_image(fig: Any, meta: Any, fmt: str = "png", as_of: str | None = None,
                lang: str = "th", size: str = "16:9") -> bytes:
    """PNG or SVG bytes of a chart (kaleido + Chromium), ``size`` one of ``CHART_SIZES``."""
    _start_kaleido()
    out = export_figure(fig, meta, as_of, lang)
    width, height = CHART_SIZES[size]
    # Plotly's automargin makes room for labels up to the very edge of the figure: a white
    # frame keeps the outermost letters off the image's border (printers and slides cut it).
    inner_w, inner_h = width - 2 * FRAME, height - 2 * FRAME
    with warnings.catch_warnings():
        # plotly warns that its kaleido options are unused once the shared server runs.
        warnings.simplefilter("ignore", UserWarning)
        data = out.to_image(format=fmt, width=inner_w, height=inner_h,
                            scale=2 if fmt == "png" else 1)
    background = str(out.layout.paper_bgcolor or "white")
    if fmt == "png":
        from PIL import Image  # a Streamlit dependency

        inner = Image.open(io.BytesIO(data))
        framed = Image.new(inner.mode, (2 * width, 2 * height), background)
        framed.paste(inner, (2 * FRAME, 2 * FRAME))
        buf = io.BytesIO()
        framed.save(buf, format="PNG")
        return buf.getvalue()
    svg = data.decode("utf-8")
    svg = svg[svg.index("<svg"):]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" '
            f'fill="{html.escape(background)}"/>'
            + svg.replace("<svg", f'<svg x="{FRAME}" y="{FRAME}"', 1)
            + "</svg>").encode("utf-8")


def chart_html(fig: Any, meta: Any, as_of: str | None = None, lang: str = "th") -> bytes:
    """A self-contained interactive page (plotly.js inlined: works offline)."""
    import plotly.io as pio

    out = export_figure(fig, meta, as_of, lang)
    body = pio.to_html(out, include_plotlyjs=True, full_html=False,
                       config={"displaylogo": False})
    lines = meta_lines(meta, as_of, lang)
    doc = (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
           f"<title>{html.escape(lines[0])}</title>"
           f"<style>body{{font-family:{FONT_FAMILY};margin:24px}}</style></head><body>"
           f"<h1>{html.escape(lines[0])}</h1>"
           + "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
           + body + "</body></html>")
    return doc.encode("utf-8")
