"""Thai and English complete (issue 19.7): stored codes in the import history and the audit
log read as words, empty cells stay empty ("None" never shows), multiselects have a translated
placeholder instead of Streamlit's "Choose options"."""

from __future__ import annotations

import pandas as pd
import pytest

from data.scope import AccessScope
from tests.apptest_util import assert_clean, open_page
from tests.test_import_page import CSV, STEWARD

CODES = {"login", "export", "committed", "undone", "replace", "None", "nan"}


@pytest.fixture()
def history(app_env):
    """One import committed and undone, and sign-in and export events, in the app's store."""
    from data.audit import record_event
    from data.importer import commit_import, preview_import, undo_batch
    from data.store import Store

    store = Store(f"duckdb:///{app_env}")
    preview = preview_import(store, STEWARD, CSV, "poverty.csv", "indicators", "replace")
    batch = commit_import(store, STEWARD, preview)
    batch_id = batch if isinstance(batch, int) else getattr(batch, "batch_id", 1)
    undo_batch(store, STEWARD, int(batch_id))
    record_event(store, "admin1", "login")
    record_event(store, "analyst1", "export", "94", None)
    store.close()
    return app_env


def _cells(frame) -> set[str]:
    return {str(v) for column in frame.columns for v in frame[column].tolist()}


@pytest.mark.parametrize(("language", "words"), [
    ("th", {"นำเข้าแล้ว", "ยกเลิกแล้ว", "แทนที่"}), ("en", {"Undone"})])
def test_import_history_in_words(history, language, words):
    at = open_page("data", lang=language, session={"scope": STEWARD})
    assert_clean(at)
    table = next(d.value for d in at.dataframe if "undone_by" in d.value.columns)
    cells = _cells(table[["status", "policy", "undone_by", "recipe"]])
    assert not cells & CODES, cells
    assert any(w in cells for w in words), cells


@pytest.mark.parametrize("language", ["th", "en"])
def test_audit_log_in_words(history, language):
    admin = AccessScope(user="admin1", roles=frozenset({"admin"}), provinces=None)
    at = open_page("admin", lang=language, session={"scope": admin})
    assert_clean(at)
    table = next(d.value for d in at.dataframe if "action" in d.value.columns)
    cells = _cells(table)
    assert not cells & CODES, cells
    assert ("เข้าสู่ระบบ" if language == "th" else "Signed in") in cells
    action = next(s for s in at.selectbox if s.key == "adm_f_action")
    assert "login" not in action.options  # the options as shown
    assert ("เข้าสู่ระบบ" if language == "th" else "Signed in") in action.options


def test_multiselects_have_translated_placeholders(app_env):
    admin = AccessScope(user="admin1", roles=frozenset({"admin"}), provinces=None)
    at = open_page("admin", lang="th", session={"scope": admin})
    assert_clean(at)
    placeholders = {m.proto.placeholder for m in at.multiselect}
    assert placeholders and placeholders <= {"เลือก...", "ทุกภาค"}, placeholders
    plans = open_page("plans", lang="en", role="analyst")
    assert {m.proto.placeholder for m in plans.multiselect} <= {"Choose...", "All"}


@pytest.mark.parametrize("language", ["th", "en"])
def test_tile_grid_labels_are_whole_readable_names(language):
    """Issue 19.4: tile labels were cut to 6 characters ("นครศรี", "Nakhon"). Each is now the
    whole name on at most two lines (three in English) of a tile's width, broken where the
    name's parts meet, or (Thai only, past a tile's width) its first part with ฯ; the hover
    has the full name."""
    from components import tile_map
    from geo import tilegrid
    from geo.payload import area_names

    names = area_names()
    idx = 0 if language == "th" else 1
    shortened = []
    for code in tilegrid.load_layout():
        full = names[code][idx]
        label = tile_map.tile_label(code, full, language)
        lines = label.split("<br>")
        assert 1 <= len(lines) <= (2 if language == "th" else 3), (code, label)
        assert all(tile_map._width(line) <= tile_map._LINE[language] + 2 for line in lines), label
        joined = "".join(lines) if language == "th" else \
            " ".join(lines).replace(tile_map._HYPHEN + " ", "").replace("- ", "-")
        if code in tile_map._SHORT:
            assert joined == tile_map._SHORT[code][idx] and joined in full
        elif joined.endswith("ฯ"):
            assert language == "th" and full.startswith(joined[:-1]) and len(joined) > 3
            shortened.append(full)
        else:
            assert joined.replace(" ", "").lower() == full.replace(" ", "").lower(), (code, label)
    # Shortening is the exception, not the rule.
    assert len(shortened) <= 3, shortened
    fig = tile_map.build_tile_map(
        pd.DataFrame({"code": ["80"], "value": [1.0]}), value_label="v",
        language=language)
    hover = [h for tr in fig.data for h in tr.hovertext]
    assert any(names["80"][idx] in h for h in hover)
    assert fig.layout.uniformtext.minsize >= 10


def test_map_and_chart_text_alternatives():
    """Issue 19.8: each map and chart has a text alternative naming its highest and lowest."""
    import plotly.graph_objects as go

    from components import map_a11y

    values = pd.DataFrame({"code": ["10", "91", "50"], "value": [78.4, 55.8, 60.0]})
    text = map_a11y.summary_text(values, value_label="SDG index", fmt=None,
                                 higher_is_better=True, language="en")
    assert "กรุงเทพมหานคร" in text or "Bangkok" in text
    assert "78.4" in text and "55.8" in text and "60.0" in text and "(3" in text
    fig = go.Figure(go.Bar(x=[3, 12, 7], y=["a", "b", "c"], orientation="h"))
    summary = map_a11y.figure_summary(fig, "en")
    assert "b 12" in summary and "a 3" in summary
    assert map_a11y.figure_summary(go.Figure(), "en") == ""
