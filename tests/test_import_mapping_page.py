"""AppTest of the mapping step on the Data page, and hostile headers, file and recipe names.

The upload itself is driven in the browser test; here the checked file is put in the session
as the upload button leaves it.
"""

from __future__ import annotations

import shutil

import pytest

from data.importer.measures import NewMeasure, create_measure
from data.importer.plan import plan_import
from data.scope import AccessScope
from domain.safe_text import md_text
from tests import import_fixtures as fx
from tests.apptest_util import assert_clean, open_page

STEWARD = AccessScope(user="steward1", roles=frozenset({"steward", "analyst"}), provinces=None)
# What markup from a file would have produced: an image, a link, bold, an inline style.
MARKUP = ("<img", "](http", "**bold**", "<span")
RECIPE = "<img src=x onerror=alert(1)>[r](http://198.51.100.7/) **b**"


@pytest.fixture()
def writable(app_env, tmp_path, monkeypatch):
    from data.store import Store

    path = tmp_path / "mapping.duckdb"
    shutil.copyfile(app_env, path)
    monkeypatch.setenv("WARROOM_DB", str(path))
    store = Store(f"duckdb:///{path}")
    store.migrate()
    create_measure(store, STEWARD, NewMeasure("pop_registered", "ประชากรตามทะเบียนราษฎร",
                                              "Registered population", "คน", "higher",
                                              "DOPA", levels="province,district"))
    yield store
    store.close()


def _plan_state(store, data: bytes, name: str, kind: str | None) -> dict:
    plan = plan_import(store, data, name, kind)
    return {"plan": plan, "data": data, "name": name, "policy": "reject"}


def _widget(at, kind: str, suffix: str):
    found = [w for w in getattr(at, kind) if w.key and w.key.endswith(suffix)]
    assert len(found) == 1, (suffix, [w.key for w in getattr(at, kind)])
    return found[0]


def _shown_text(at) -> list[str]:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [m.value for m in at.info] + [m.value for m in at.warning]
    parts += [m.value for m in at.success] + [m.value for m in at.error]
    return [str(p) for p in parts]


def test_steward_maps_an_unfamiliar_file_saves_the_recipe_and_commits(writable):
    state = _plan_state(writable, fx.dopa_register_by_office(), "pop_2566.csv", "indicators")
    at = open_page("data", lang="en", session={"scope": STEWARD, "importx_plan": state})
    assert_clean(at)
    # Not mapped yet: the missing fields are named and the mapping step is open.
    assert any("Required fields are not mapped yet" in w.value for w in at.warning)
    assert _widget(at, "selectbox", "_area").value == "c:รหัสสำนักทะเบียน"
    assert _widget(at, "selectbox", "_value").value == "c:รวม"
    _widget(at, "selectbox", "_indicator").set_value("=").run()
    _widget(at, "text_input", "_indicator_=").set_value("pop_registered").run()
    _widget(at, "selectbox", "_year").set_value("~").run()
    _widget(at, "text_input", "_year_~").set_value("pop_{}.csv").run()
    next(b for b in at.button if b.key == "importx_map_apply").click().run()
    assert_clean(at)
    assert [m.value for m in at.metric][:4] == ["7", "4", "3", "0"]
    text = "\n".join(_shown_text(at))
    assert "not DOPA units" in text and "4099" in text
    next(w for w in at.text_input if w.key.startswith("importx_recipe_name_")).set_value(
        "DOPA register").run()
    next(b for b in at.button if b.key == "importx_recipe_save").click().run()
    assert any("Recipe DOPA register version 1 saved" in s.value for s in at.success)
    next(b for b in at.button if b.key == "importx_commit_btn").click().run()
    assert_clean(at)
    assert any("Imported as batch" in s.value for s in at.success)
    assert writable.scalar("SELECT recipe FROM import_batches ORDER BY batch_id DESC "
                           "LIMIT 1") == "DOPA register v1"
    # Next year's file of the same kind: the recipe is found, the preview is there at once.
    later = fx.dopa_register_by_office().replace(b"2566", b"2567")
    state = _plan_state(writable, later, "pop_2567.csv", "indicators")
    assert state["plan"].recipe_found
    at = open_page("data", lang="en", session={"scope": STEWARD, "importx_plan": state})
    next(b for b in at.button if b.key == "importx_map_apply").click().run()
    assert_clean(at)
    assert any("Recipe DOPA register version 1" in i.value for i in at.info)
    assert [m.value for m in at.metric][:4] == ["7", "4", "3", "0"]


def test_hostile_headers_file_and_recipe_names_show_as_text(writable):
    name = "<b>x</b>[y](http://198.51.100.7/).csv"
    state = _plan_state(writable, fx.hostile_header_csv(), name, "indicators")
    from data.importer.recipes import save_recipe

    save_recipe(writable, STEWARD, RECIPE, "indicators", state["plan"].mapping,
                state["plan"].raw.headers)
    state = _plan_state(writable, fx.hostile_header_csv(), name, "indicators")
    at = open_page("data", lang="en", session={"scope": STEWARD, "importx_plan": state})
    next(b for b in at.button if b.key == "importx_map_apply").click().run()
    assert_clean(at)
    shown = _shown_text(at)
    # The header is listed among the columns not used, as text: every markdown character of
    # it escaped, so no image, link, bold or style can come of it.
    ignored = next(c for c in shown if c.startswith("Columns not used"))
    assert md_text(fx.HOSTILE) in ignored
    assert "Recipe " + md_text(RECIPE) in " ".join(shown)
    for text in shown:
        for fragment in MARKUP:
            assert fragment not in text, (fragment, text)
    # Hidden characters in names were removed, with their rows.
    assert any("Invisible characters" in w.value for w in at.warning)
    table = next(df.value for df in at.dataframe if "reason" in df.value and "column" in df.value)
    assert table.row.tolist() == [3, 4]


def test_a_new_measure_is_created_from_the_mapping_step(writable):
    """The steward creates the indicator the file needs; the file is checked again against it."""
    data = fx.dopa_register_by_office()
    state = _plan_state(writable, data, "births_2566.csv", "indicators")
    at = open_page("data", lang="en", session={"scope": STEWARD, "importx_plan": state})
    _widget(at, "selectbox", "_indicator").set_value("=").run()
    _widget(at, "text_input", "_indicator_=").set_value("births").run()
    _widget(at, "selectbox", "_year").set_value("~").run()
    _widget(at, "text_input", "_year_~").set_value("births_{}.csv").run()
    next(b for b in at.button if b.key == "importx_map_apply").click().run()
    assert [m.value for m in at.metric][:4] == ["7", "0", "7", "0"]  # births: no such indicator
    form = {w.label: w for w in at.text_input if not w.key or not w.key.startswith("importx_")}
    form["Code"].set_value("births")
    form["Thai name"].set_value("จำนวนเด็กเกิด")
    form["English name"].set_value("Births")
    form["Unit"].set_value("คน")
    form["Source"].set_value("กรมการปกครอง")
    next(s for s in at.selectbox if s.label == "Levels").set_value("province,district")
    next(b for b in at.button if b.label == "Create the measure").click().run()
    assert_clean(at)
    assert any("Measure births created" in s.value for s in at.success)
    row = writable.query("SELECT goal, in_index, unit, levels FROM sdg_indicators "
                         "WHERE indicator_code = 'births'").iloc[0]
    assert row.isna().goal and not bool(row.in_index) and row.levels == "province,district"
    # Checked again against the new measure: the DOPA units are accepted now.
    assert [m.value for m in at.metric][:4] == ["7", "4", "3", "0"]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_label_of_the_mapping_step_is_translated(writable, lang):
    state = _plan_state(writable, fx.tpmap_province_file(), "tpmap.csv", "poverty_published")
    at = open_page("data", lang=lang, session={"scope": STEWARD, "importx_plan": state})
    assert_clean(at)
    labels = [w.label for kind in ("selectbox", "text_input", "button", "checkbox")
              for w in getattr(at, kind)]
    labels += [e.label for e in at.expander] + _shown_text(at)
    missing = [x for x in labels if str(x).startswith(("importx_", "pubpov_"))]
    assert not missing, missing
    assert any(("จับคู่คอลัมน์" if lang == "th" else "Column mapping") in str(x) for x in labels)
