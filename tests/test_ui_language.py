"""Thai and English complete (issue 19.7): stored codes in the import history and the audit
log read as words, empty cells stay empty ("None" never shows), multiselects have a translated
placeholder instead of Streamlit's "Choose options"."""

from __future__ import annotations

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
