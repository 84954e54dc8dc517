"""Every chart of every page exports with its labels, legend and title inside the image, at
16:9 and A4 (issue 19.5): images are rendered by kaleido and measured.

A tick label, legend entry or title cut by the image's edge leaves ink in the outermost pixels;
a legend drawn over the title changes the title's band when the legend is shown.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import ImageChops

from components import chart_files
from components.nav import PAGES
from tests.apptest_util import assert_clean, open_page
from tests.test_export_pages import Exports, exports  # noqa: F401 - the fixture, by name

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="kaleido needs Chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "exports"
EDGE = 6  # pixels at scale 2: 3 CSS pixels along every edge
TITLE_BAND = 150  # the title and its metadata line, at scale 2


def _grey(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("L")


def _edge_ink(img) -> dict[str, int]:
    """Dark pixels in the band along each edge of the image (a white background)."""
    w, h = img.size
    boxes = {"left": (0, 0, EDGE, h), "right": (w - EDGE, 0, w, h), "top": (0, 0, w, EDGE),
             "bottom": (0, h - EDGE, w, h)}
    # Mode "L": one byte a pixel.
    return {side: sum(1 for p in img.crop(box).tobytes() if p < 200)
            for side, box in boxes.items()}


def _charts_of_every_page(exports: Exports, language: str, query: dict | None = None):  # noqa: F811
    found: dict[str, tuple] = {}
    for page in (p.key for p in PAGES if p.key != "admin"):
        exports.clear()
        at = open_page(page, role="analyst", lang=language, query=query)
        assert_clean(at)
        for fig, meta, key in exports.charts:
            found[key] = (fig() if callable(fig) else fig, meta)
    return found


@pytest.mark.parametrize(("language", "query", "sizes"), [
    ("th", None, ("16:9", "A4")), ("en", {"area": "94"}, ("16:9",))])
def test_every_chart_exports_with_nothing_cut(app_env, exports, language, query,  # noqa: F811
                                              sizes):
    charts = _charts_of_every_page(exports, language, query)
    assert len(charts) >= 15, sorted(charts)
    folder = ARTIFACTS / f"{language}{'_' + query['area'] if query else ''}"
    folder.mkdir(parents=True, exist_ok=True)
    problems = []
    for key, (fig, meta) in sorted(charts.items()):
        for size in sizes:
            png = chart_files.chart_image(fig, meta, "png", "2026-11-25", language, size)
            (folder / f"{key}_{size.replace(':', 'x')}.png").write_bytes(png)
            img = _grey(png)
            width, height = chart_files.CHART_SIZES[size]
            assert img.size == (2 * width, 2 * height)
            ink = _edge_ink(img)
            if any(ink.values()):
                problems.append((key, size, ink))
            laid_out = chart_files.export_figure(fig, meta, "2026-11-25", language)
            if size == "16:9" and laid_out.layout.showlegend is not False \
                    and len(laid_out.data) > 1:
                hidden = chart_files.chart_image(_without_legend(fig), meta, "png", "2026-11-25",
                                            language, size)
                band = (0, 0, img.size[0], TITLE_BAND)
                if ImageChops.difference(img.crop(band), _grey(hidden).crop(band)).getbbox():
                    problems.append((key, size, "legend in the title band"))
    assert not problems, problems


def _without_legend(fig):
    import plotly.graph_objects as go

    out = go.Figure(fig)
    out.update_layout(showlegend=False)
    return out


def test_edge_check_finds_a_cut_label():
    """The measure itself: the old export (no automargin, 8 px margins) cut province names."""
    import plotly.graph_objects as go

    from components.ui import ExportMeta

    fig = go.Figure(go.Bar(y=["พระนครศรีอยุธยา", "กรุงเทพมหานคร"], x=[3, 5], orientation="h"))
    fig.update_layout(margin={"l": 8, "r": 8, "t": 30, "b": 8})
    fig.update_yaxes(automargin=False)
    meta = ExportMeta("งบประมาณเทียบกับความต้องการ")
    chart_files.chart_image(fig, meta)  # starts kaleido
    cut = go.Figure(fig).update_layout(margin={"t": 90}, title="x")
    assert _edge_ink(_grey(cut.to_image(format="png", width=1200, height=675, scale=2)))["left"]
    assert not any(_edge_ink(_grey(chart_files.chart_image(fig, meta))).values())
