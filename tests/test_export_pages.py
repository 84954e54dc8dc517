"""Every table export of every page opens, keeps its numbers as numbers and holds the screen's
figures, also after the view's parameters (k, year, area) change (issue 19.5)."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from components import export
from components.nav import PAGES
from components.ui import ExportMeta
from tests.apptest_util import assert_clean, open_page


class Exports:
    """The tables and charts a page run offers for export (what the buttons would write)."""

    def __init__(self) -> None:
        self.tables: list[tuple[pd.DataFrame, ExportMeta, str | None, dict | None]] = []
        self.charts: list[tuple[object, ExportMeta, str]] = []

    def clear(self) -> None:
        self.tables.clear()
        self.charts.clear()

    def table(self, key_part: str) -> tuple[pd.DataFrame, ExportMeta]:
        found = [(export.export_frame(df, labels), meta) for df, meta, key, labels in self.tables
                 if key_part in str(key)]
        assert found, [k for _, _, k, _ in self.tables]
        return found[-1]  # the last run's (a run may rerun itself after a selection)


@pytest.fixture()
def exports(monkeypatch) -> Exports:
    seen = Exports()
    table, chart = export.render_table_exports, export.render_chart_exports

    def record_table(df, meta, key, labels=None):
        seen.tables.append((df, meta, key, labels))
        return table(df, meta, key, labels)

    def record_chart(fig, meta, key):
        seen.charts.append((fig, meta, key))
        return chart(fig, meta, key)

    monkeypatch.setattr(export, "render_table_exports", record_table)
    monkeypatch.setattr(export, "render_chart_exports", record_chart)
    return seen


def _csv_table(data: bytes) -> pd.DataFrame:
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    start = lines.index("") + 1  # metadata lines, a blank line, then the table
    return pd.read_csv(io.StringIO("\n".join(lines[start:])))


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_table_of_every_page_exports(app_env, exports, language):
    pages = [p.key for p in PAGES if p.key != "admin"]
    for page in pages:
        at = open_page(page, role="analyst", lang=language)
        assert_clean(at)
    assert len(exports.tables) >= 10
    for df, meta, key, labels in exports.tables:
        frame = export.export_frame(df, labels)
        assert not frame.columns.duplicated().any(), key
        csv = export.table_csv(frame, meta, "2026-11-25", language)
        back = _csv_table(csv)
        assert len(back) == len(frame), key
        xlsx = openpyxl.load_workbook(io.BytesIO(export.table_xlsx(frame, meta, "2026-11-25",
                                                                   language)))["data"]
        header = len(export.meta_lines(meta, "2026-11-25", language)) + 2
        for i, column in enumerate(frame.columns, start=1):
            assert xlsx.cell(header, i).value == column, key
            if pd.api.types.is_numeric_dtype(frame[column]) and \
                    not pd.api.types.is_bool_dtype(frame[column]):
                cells = [xlsx.cell(header + 1 + r, i) for r in range(min(5, len(frame)))]
                assert all(c.data_type == "n" for c in cells), (key, column)
        # No number was written as text: a text column holds no signed or plain number
        # alone, except codes (goal and target numbers, years with a dash for none).
        for column in frame.columns:
            values = frame[column].dropna()
            if values.map(lambda v: isinstance(v, str)).all() and len(values):
                assert not values.str.fullmatch(r"[+-]\d[\d,]*\.\d+").any(), (key, column)
        text = csv.decode("utf-8-sig")
        assert "'+" not in text and "'-" not in text, key
        if language == "th" and meta.year:
            assert f"{int(meta.year) + 543}" in export.file_stem(meta, "th"), key


def test_poverty_table_default_view_exports(app_env, exports):
    """The default view (MPI selected) titles two columns alike: the export failed."""
    at = open_page("poverty", role="analyst", lang="en")
    assert_clean(at)
    frame, meta = exports.table("pov_children")
    assert frame.columns.tolist().count("MPI") == 1
    back = _csv_table(export.table_csv(frame, meta, None, "en"))
    assert back.shape == frame.shape


def _screen_table(at) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if "selected" in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def _check_export_matches(at, exports, store, scope, k: float) -> pd.DataFrame:
    """The exported CSV holds the screen table's figures and those of the data layer for the
    view's own parameters."""
    from data.poverty import poverty_drilldown

    assert_clean(at)
    screen = _screen_table(at)
    frame, meta = exports.table("pov_children")
    back = _csv_table(export.table_csv(frame, meta, None, "en"))
    assert back.iloc[:, 0].astype(str).tolist() == screen.code.astype(str).tolist()
    poor = "Poor people at k"
    # Withheld figures (small-number rule) are blank on screen and in the file alike.
    np.testing.assert_array_equal(back[poor].to_numpy(float), screen.poor.to_numpy(float))
    children, _ = poverty_drilldown(store, scope, at.session_state["area"],
                                    at.session_state["year"], k, None)
    expected = children.set_index(children.code.astype(str)).poor
    np.testing.assert_array_equal(back[poor].to_numpy(float),
                                  expected.loc[back.iloc[:, 0].astype(str)].to_numpy(float))
    assert meta.year == at.session_state["year"]
    return back


def test_poverty_export_follows_k_year_and_area(app_env, exports):
    from components.datasource import get_store
    from data.scope import AccessScope
    from domain import poverty as pv

    at = open_page("poverty", role="analyst", lang="en")
    store = get_store()  # the app's own (one process may hold a DuckDB file)
    scope = AccessScope.everything()
    first = _check_export_matches(at, exports, store, scope, pv.parse_k("1/3"))
    exports.clear()
    at.select_slider(key="pov_k").set_value("1/10").run()
    lower_k = _check_export_matches(at, exports, store, scope, pv.parse_k("1/10"))
    poor = "Poor people at k"
    assert lower_k[poor].sum() > first[poor].sum()  # a lower cut-off counts more poor
    from data.poverty import load_poverty_years

    years = load_poverty_years(store, scope)
    exports.clear()
    at.selectbox(key="year").set_value(years[0]).run()
    _check_export_matches(at, exports, store, scope, pv.parse_k("1/10"))
    exports.clear()
    at.session_state["_pending_area"] = "94"
    at.run()
    at.run()  # the area pickers settle
    assert at.session_state["area"] == "94"
    _check_export_matches(at, exports, store, scope, pv.parse_k("1/10"))
