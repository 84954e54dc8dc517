"""Exports: the produced files are opened and checked, formula cells neutralised, rights enforced.

PNG pixels and Thai glyphs, SVG/HTML titles, CSV with BOM round-tripping Thai, XLSX.
"""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest

from components.chart_files import chart_html, chart_image
from components.export import (
    dated_name,
    export_frame,
    file_stem,
    meta_lines,
    table_csv,
    table_xlsx,
)
from components.ui import ExportMeta
from data.scope import AccessScope
from tests.apptest_util import assert_clean, open_page

META = ExportMeta("สัดส่วนคนจน รายจังหวัด", "ภาคตะวันออกเฉียงเหนือ", 2023, "สำนักงานสถิติแห่งชาติ")
TABLE = pd.DataFrame({"จังหวัด": ["ขอนแก่น", "=HYPERLINK(\"http://x\")", "@SUM(A1)"],
                      "ร้อยละ": [12.5, -3.0, 4.0], "หมายเหตุ": ["+66 ok", "-1", "ปกติ"]})
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None,
                                    reason="kaleido needs Chromium")


def _fig(title_text: str = "ขอนแก่น"):
    import plotly.graph_objects as go

    return go.Figure(go.Bar(x=[title_text, "เลย"], y=[3, 5]))


def test_meta_lines_show_be_years_in_thai_and_ce_in_english():
    assert meta_lines(META, "2026-11-25", "th") == [
        "สัดส่วนคนจน รายจังหวัด", "พื้นที่: ภาคตะวันออกเฉียงเหนือ", "ปี พ.ศ.: 2566",
        "ที่มา: สำนักงานสถิติแห่งชาติ", "ข้อมูล ณ: 25 พ.ย. 2569"]
    assert meta_lines(META, None, "en")[2] == "Year: 2023"
    period = ExportMeta("Activities", "Pattani", None, "One Data", ("activities",),
                        "1 Jan 2024 – 31 Dec 2024")
    assert meta_lines(period, "2026-11-25", "en") == [
        "Activities", "Area: Pattani", "Period: 1 Jan 2024 – 31 Dec 2024", "Source: One Data",
        "Data as of: 25 Nov 2026"]


def test_file_names_follow_the_readers_calendar():
    assert file_stem(META, "th") == "สัดส่วนคนจน_รายจังหวัด_ภาคตะวันออกเฉียงเหนือ_2566"
    assert file_stem(META, "en").endswith("_2023")
    import datetime as dt

    assert dated_name("audit-log", dt.date(2026, 12, 7), "th") == "audit-log-2569-12-07"
    assert dated_name("audit-log", dt.date(2026, 12, 7), "en") == "audit-log-2026-12-07"


def test_export_frame_titles_each_column_once():
    """The poverty table's default view titles two columns "MPI" (issue 19.5: the export
    failed with an AttributeError)."""
    df = pd.DataFrame({"name": ["a", "b"], "mpi": [0.1, 0.2], "selected": [0.1, 0.2],
                       "h": [1.0, 2.0], "other": [5.0, 6.0]})
    out = export_frame(df, {"name": "Area", "mpi": "MPI", "selected": "MPI", "h": "H",
                            "other": "H"})
    assert out.columns.tolist() == ["Area", "MPI", "H", "H (2)"]
    assert out["H (2)"].tolist() == [5.0, 6.0]
    text = table_csv(out, META).decode("utf-8-sig")
    assert "Area,MPI,H,H (2)" in text
    table_xlsx(out, META)  # no error either


def test_numbers_stay_numbers_in_csv_and_xlsx():
    """Signed number text ("+0.0") gets no apostrophe; numeric columns are numeric cells."""
    import openpyxl

    df = pd.DataFrame({"area": ["ปัตตานี", "ยะลา"], "value": [0.6, 12.25],
                       "change": [0.0, -1.5], "note": ["+0.0", "=1+1"]})
    text = table_csv(df, META, "2026-11-25").decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), skiprows=6)
    assert back["value"].tolist() == [0.6, 12.25] and back["change"].tolist() == [0.0, -1.5]
    assert back["note"].tolist() == ["+0.0", "'=1+1"]
    assert "'+0.0" not in text
    ws = openpyxl.load_workbook(io.BytesIO(table_xlsx(df, META)))["data"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "area")
    assert [ws.cell(header + 1, c).data_type for c in (2, 3)] == ["n", "n"]
    assert ws.cell(header + 1, 2).value == 0.6 and ws.cell(header + 2, 3).value == -1.5
    assert ws.cell(header + 1, 4).value == "+0.0" and ws.cell(header + 2, 4).value == "'=1+1"


def test_csv_has_bom_metadata_and_round_trips_thai():
    data = table_csv(TABLE, META, "2026-11-25")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "สัดส่วนคนจน รายจังหวัด"
    back = pd.read_csv(io.StringIO(text), skiprows=6)
    assert back.columns.tolist() == ["จังหวัด", "ร้อยละ", "หมายเหตุ"]
    assert back["จังหวัด"].tolist() == ["ขอนแก่น", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
    assert back["ร้อยละ"].tolist() == [12.5, -3.0, 4.0]  # numbers are not touched
    assert back["หมายเหตุ"].tolist() == ["'+66 ok", "-1", "ปกติ"]


def test_exported_csv_can_be_imported_back_as_title_rows_are_skipped():
    from data.importer.reading import read_table

    raw = read_table(table_csv(TABLE, META, "2026-11-25"), "x.csv")
    assert raw.header_row == 7 and raw.frame["จังหวัด"].iloc[0] == "ขอนแก่น"


def test_xlsx_has_title_and_no_formulas():
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(table_xlsx(TABLE, META, "2026-11-25")))
    ws = wb["data"]
    assert ws["A1"].value == "สัดส่วนคนจน รายจังหวัด"
    assert ws["A3"].value == "ปี พ.ศ.: 2566"
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "จังหวัด")
    cells = [ws.cell(header_row + i, 1) for i in (1, 2, 3)]
    assert [c.value for c in cells] == ["ขอนแก่น", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
    assert all(c.data_type == "s" for c in cells)
    assert ws.cell(header_row + 2, 2).value == -3.0


def test_html_is_offline_and_titled():
    page = chart_html(_fig(), META, "2026-11-25").decode("utf-8")
    assert "<title>สัดส่วนคนจน รายจังหวัด</title>" in page
    assert "ปี พ.ศ.: 2566" in page
    assert "<script src=" not in page  # nothing fetched from a CDN
    assert len(page) > 1_000_000  # plotly.js is inlined


@needs_chromium
def test_png_and_svg_render_thai_glyphs():
    from PIL import Image, ImageChops

    png = chart_image(_fig(), META, "png")
    img = Image.open(io.BytesIO(png)).convert("L")
    assert img.size == (2400, 1350)
    assert img.getextrema()[0] < 100  # some dark pixels: not blank
    # Title region: two different Thai titles of the same length must draw differently; a
    # missing Thai font draws the same empty boxes for both.
    a = Image.open(io.BytesIO(chart_image(_fig(), ExportMeta("กขคงจฉช"), "png"))).convert("L")
    b = Image.open(io.BytesIO(chart_image(_fig(), ExportMeta("ษสหฬอฮฤ"), "png"))).convert("L")
    box = (0, 0, 900, 130)
    title_a, title_b = a.crop(box), b.crop(box)
    assert title_a.getextrema()[0] < 128  # text drawn
    assert ImageChops.difference(title_a, title_b).getbbox() is not None
    svg = chart_image(_fig(), META, "svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg") and "สัดส่วนคนจน รายจังหวัด" in svg


def test_export_is_recorded_without_values(monkeypatch, tmp_path):
    from components import datasource, export
    from data.store import open_store

    store = open_store(f"duckdb:///{tmp_path / 'audit.duckdb'}")
    monkeypatch.setattr(datasource, "get_store", lambda: store)
    monkeypatch.setattr(datasource, "current_scope",
                        lambda: AccessScope.everything(user="analyst1"))
    data = export.recorded(lambda: b"x,y", "csv", META)()
    assert data == b"x,y"
    row = store.rows("SELECT user_name, action, detail FROM audit_log")[0]
    assert row[0] == "analyst1" and row[1] == "export"
    assert row[2].startswith("csv: สัดส่วนคนจน") and "12.5" not in row[2]
    store.close()


@pytest.mark.parametrize(("roles", "visible"), [({"executive"}, False), ({"analyst"}, True)])
def test_exports_only_for_analysts(app_env, roles, visible):
    scope = AccessScope(user="u", roles=frozenset(roles), provinces=None)
    at = open_page("debt", lang="en", session={"scope": scope})
    assert_clean(at)
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert ("PNG" in labels and "CSV" in labels) is visible
    assert ("SVG" in labels and "HTML" in labels and "XLSX" in labels) is visible


def test_province_brief_html(store):
    from components.brief import build_brief_html
    from data.brief import load_province_brief

    def page_of(scope, province, year, lang):
        return build_brief_html(load_province_brief(store, scope, province, year), lang).decode()

    year = int(store.scalar("SELECT MAX(year) FROM sdg_values"))
    page = page_of(AccessScope.everything(), "40", year, "th")
    assert "<title>รายงานสรุปจังหวัด: ขอนแก่น" in page
    assert "ความก้าวหน้า SDG" in page and "ความยากจนหลายมิติ" in page and "ภาคีเครือข่าย" in page
    assert f"ปี {year + 543}" in page and "@page" in page
    assert page.count("class='goal'") >= 17
    # The map of the index by province, inline and offline: 77 provinces, Thai text as glyphs.
    figure = page[page.index("<figure>"):page.index("</figure>")]
    assert figure.startswith("<figure><svg") and "http" not in figure.replace(
        "http://www.w3.org", "")
    assert "ข้อมูล ณ" in page and "ข้อมูล ณ –" not in page
    en = page_of(AccessScope.everything(), "94", year, "en")
    assert "Province brief: Pattani" in en and "SDGs without partner activity" in en
    # Every label through the locale files: no key shown in place of its text.
    assert "brief_" not in page and "brief_" not in en
    outsider = AccessScope(user="x", roles=frozenset({"provincial"}), provinces=frozenset({"10"}))
    with pytest.raises(PermissionError):
        load_province_brief(store, outsider, "40", year)


def test_province_brief_figures_follow_the_scope(store):
    """The brief's figures are those of the queries under the user's scope: a provincial user's
    brief ranks the provinces they may see, not the whole country."""
    from data import sdg
    from data.brief import load_province_brief

    year = int(store.scalar("SELECT MAX(year) FROM sdg_values"))
    everything = load_province_brief(store, AccessScope.everything(), "94", year)
    index = sdg.sdg_index_by_area(store, AccessScope.everything(), "province", year)
    assert everything.ranked == int(index["index"].notna().sum()) > 2
    assert everything.index == pytest.approx(float(index.set_index("area_code")["index"]["94"]))
    two = AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94", "40"}))
    mine = load_province_brief(store, two, "94", year)
    assert mine.ranked <= 2 and {c for c, _ in mine.index_by_province} <= {"94", "40"}
    assert mine.index == pytest.approx(everything.index)
    assert [g for g, _ in mine.goal_scores] == sorted(g for g, _ in mine.goal_scores)
    assert len(mine.weakest_goals) == min(3, sum(s is not None for _, s in mine.goal_scores))


@pytest.mark.parametrize("role, offered", [("analyst", True), ("executive", False),
                                           ("provincial", False), ("steward", False)])
def test_brief_button_follows_the_export_right(app_env, role, offered):
    """The brief is an export: offered to the roles the README's table gives exports."""
    at = open_page("data", role=role, lang="en", query={"area": "94"})
    assert_clean(at)
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert any(lb.startswith("Download the brief of Pattani") for lb in labels) is offered
    if not offered:
        assert any("is an export" in i.value for i in at.info)
