"""Safe rendering: hostile data strings (partner, activity, user names) show as text everywhere."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest

from components.nav import PAGES
from domain.safe_text import csv_bytes, csv_safe, html_text, md_text
from tests.apptest_util import open_page

HOSTILE_TH = "<img src=x onerror=alert(1)>"
HOSTILE_EN = "${alert(1)}"
# Raw fragments that must never reach an HTML context unescaped.
RAW_HTML = ("<img src=x", "<script>", "onerror=alert(1)>")
# A map component's arguments are a whole HTML document (Leaflet's own <script> included):
# there, only the hostile strings themselves count.
RAW_HOSTILE = ("<img src=x", "onerror=alert(1)>")
HOSTILE_AREA = "94"


def test_text_helpers_neutralise_html_and_markdown():
    assert html_text(HOSTILE_TH) == "&lt;img src=x onerror=alert(1)&gt;"
    assert html_text('"quoted" & <b>') == "&quot;quoted&quot; &amp; &lt;b&gt;"
    assert html_text(None) == ""
    md = md_text(HOSTILE_EN + " **bold** [a](javascript:x) " + HOSTILE_TH)
    assert "${" not in md and "**" not in md and "](" not in md and "<img" not in md
    assert md_text("ปัตตานี") == "ปัตตานี"
    assert md_text("a\nb") == "a b"


def test_csv_export_cells_cannot_run_as_formulas():
    df = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "ok", "-1+2",
                                "+0.0", "-1,234.5", "-3.2%", "-", "+66 ok"],
                       "n": range(11)})
    out = csv_safe(df)
    # A signed number is a value, not a formula: it keeps no apostrophe (issue 19.5).
    assert list(out.name) == ["'=HYPERLINK(\"x\")", "+1", "-2", "'@SUM(A1)", "ok", "'-1+2",
                              "+0.0", "-1,234.5", "-3.2%", "'-", "'+66 ok"]
    assert list(out.n) == list(range(11))
    assert df.name[0].startswith("=")  # the input is not changed


def test_csv_safe_takes_columns_by_position_when_labels_repeat():
    """Two columns titled alike (the poverty table's MPI and selected measure) crashed it."""
    df = pd.DataFrame([["=x", 0.5, 0.5]], columns=["name", "MPI", "MPI"])
    out = csv_safe(df)
    assert out.columns.tolist() == ["name", "MPI", "MPI"]
    assert out.iloc[0].tolist() == ["'=x", 0.5, 0.5]


def test_csv_bytes_has_a_bom_and_safe_headers_and_cells():
    """The rejected-rows and audit downloads: a file's own cells come back formula-safe."""
    df = pd.DataFrame({"=cmd": ["=HYPERLINK(\"http://x\")"], "จังหวัด": ["ปัตตานี"]})
    data = csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == ["'=cmd", "จังหวัด"]
    assert back.iloc[0].tolist() == ["'=HYPERLINK(\"http://x\")", "ปัตตานี"]


@pytest.fixture(scope="module")
def hostile_db(demo_db, tmp_path_factory):
    """A copy of the demo store with hostile partner, activity and user names in Pattani."""
    from data import users
    from data.store import Store

    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copy(demo_db, path)
    store = Store(f"duckdb:///{path}")
    try:
        pid = int(store.scalar("SELECT MAX(partner_id) FROM partners")) + 1
        aid = int(store.scalar("SELECT MAX(activity_id) FROM partner_activities")) + 1
        store.execute("INSERT INTO partners (partner_id, name, name_en, sector, home_province) "
                      "SELECT ?, ?, ?, sector, home_province FROM partners LIMIT 1",
                      [pid, HOSTILE_TH, HOSTILE_EN])
        # Copy the most recent activities in the area, so the hostile partner tops the lists.
        store.execute(
            "INSERT INTO partner_activities (activity_id, partner_id, area_code, province_code, "
            "title, started_on, ended_on, beneficiaries, budget, status, batch_id) "
            "SELECT ? + ROW_NUMBER() OVER (ORDER BY activity_id), ?, area_code, province_code, "
            "?, started_on, ended_on, beneficiaries * 50, budget * 50, status, batch_id "
            "FROM (SELECT * FROM partner_activities WHERE province_code = ? "
            "ORDER BY started_on DESC LIMIT 5)",
            [aid, pid, f"{HOSTILE_TH} {HOSTILE_EN}", HOSTILE_AREA])
        store.execute("INSERT INTO activity_goals (activity_id, goal) "
                      "SELECT activity_id, 1 FROM partner_activities WHERE partner_id = ?", [pid])
        # A One Plan project of Pattani, late and behind, so the follow-up lists show it.
        store.execute(
            "UPDATE plan_projects SET name_th = ?, name_en = ?, agency = ?, "
            "status = 'in_progress', end_date = DATE '2024-06-30' WHERE project_id = "
            "(SELECT MIN(project_id) FROM plan_projects WHERE province_code = ? AND "
            "fiscal_year = (SELECT MAX(fiscal_year) FROM plan_projects))",
            [f"{HOSTILE_TH} โครงการ", f"{HOSTILE_EN} project", HOSTILE_TH, HOSTILE_AREA])
        users.add_user(store, "hostile.user", actor="test", password="hostile-pass-1",
                       display_name=f"{HOSTILE_TH} {HOSTILE_EN}", roles={"provincial", "admin"},
                       provinces={HOSTILE_AREA})
    finally:
        store.close()
    return path


def unsafe_renderings(at) -> list[str]:
    """Places where a hostile string reached the page as markup instead of text."""
    found: list[str] = []
    for kind in ("markdown", "caption"):
        for el in at.get(kind):
            body = el.proto.body
            if any(raw in body for raw in RAW_HTML):
                found.append(f"{kind} (html={el.proto.allow_html}): {body[:120]}")
            elif HOSTILE_EN in body:
                found.append(f"{kind} renders ${{...}} as LaTeX: {body[:120]}")
    for el in at.get("plotly_chart"):
        spec = el.proto.spec
        if any(raw in spec for raw in RAW_HTML):
            found.append("plotly figure with raw HTML in its text")
    for el in at.get("component_instance"):
        args = el.proto.json_args
        if any(raw in args for raw in RAW_HOSTILE):
            found.append(f"component {el.proto.component_name} with raw HTML in its arguments")
    for el in at.get("html"):
        if any(raw in el.proto.body for raw in RAW_HTML):
            found.append("st.html with raw HTML")
    return found


@pytest.fixture()
def hostile_env(hostile_db, app_env, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("WARROOM_DB", str(hostile_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    return hostile_db


def shown_as_text(at) -> list[str]:
    """Where a hostile string is on the page at all: a table cell, markdown or a caption, a
    chart (``unsafe_renderings`` checks that it is text there; this checks it is there, or the
    test would pass on a page that never shows it)."""
    mark = "alert(1)"
    where: list[str] = []
    for el in at.get("arrow_data_frame") + at.get("dataframe"):
        frame = getattr(el, "value", None)
        if frame is not None and frame.astype(str).apply(
                lambda col: col.str.contains(mark, regex=False)).to_numpy().any():
            where.append("table")
    for kind in ("markdown", "caption"):
        where += [kind for el in at.get(kind) if mark in el.proto.body]
    where += ["chart" for el in at.get("plotly_chart") if mark in el.proto.spec]
    return where


# Pages where the hostile partner, project or account must be seen (as text) in Pattani.
SHOWN_ON = {"partners": "executive", "plans": "executive", "admin": "admin"}


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
def test_hostile_names_render_as_text_on_every_page(hostile_env, page, lang):
    at = open_page(page, lang=lang, role="admin" if page.roles else "executive",
                   query={"area": HOSTILE_AREA})
    assert not at.exception, [e.value for e in at.exception]
    assert unsafe_renderings(at) == []
    if page.key in SHOWN_ON:
        assert shown_as_text(at), f"the hostile name is not on the {page.key} page at all"


def test_hostile_user_name_in_the_sidebar_and_admin_page(hostile_env):
    from components.datasource import get_store
    from data.users import load_user

    account = load_user(get_store(), "hostile.user")
    at = open_page("admin", user=account, lang="en", query={"area": HOSTILE_AREA})
    assert not at.exception
    assert "## Administration" in [m.value for m in at.markdown]
    assert unsafe_renderings(at) == []
    box = next(m.value for m in at.markdown if "alert" in m.value)
    assert "&lt;img" in box and "\\$" in box


def test_builtin_table_download_is_off():
    """Tables leave the app only through its own audited, role-checked exports."""
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" /
                            "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
