"""AppTest of the method switch and the "How was this computed?" panels (issue 22)."""

from __future__ import annotations

import pytest

from tests.apptest_util import assert_clean, open_page


def _expanders(at) -> list[str]:
    return [e.label for e in at.expander]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_method_from_the_url_and_the_calculation_panel(app_env, lang):
    query = {"sdg_goal": "1", "sdg_ind": "g1_income_poverty", "method": "opensdg",
             "area": "94"}
    lower = "ขอบล่าง" if lang == "th" else "Lower bound"
    closed = open_page("sdg", lang=lang, query=query)
    assert_clean(closed)
    # Closed, the panels compute nothing: no working table, no status steps, no rank table.
    assert not any(lower in d.value.columns for d in closed.dataframe)
    assert not any("item" in d.value.columns for d in closed.dataframe)
    at = open_page("sdg", lang=lang, query=query,
                   session={"sdg_how_index_open": True, "sdg_how_status_open": True,
                            "sdg_rank_table_open": True})
    assert_clean(at)
    assert at.session_state["method"] == "opensdg"
    assert at.query_params["method"] == ["opensdg"] or at.query_params["method"] == "opensdg"
    ranking = at.dataframe[0].value
    limited = "ก้าวหน้าน้อย" if lang == "th" else "Limited progress"
    labels = {"ตามเป้า", "ก้าวหน้าแต่ต้องเร่ง", "ก้าวหน้าน้อย", "ถดถอย", "บรรลุเป้าหมายแล้ว",
              "ไม่มีแนวโน้ม"} if lang == "th" else {
        "On track", "Progress, acceleration needed", "Limited progress", "Deterioration",
        "Target achieved", "No trend"}
    shown = {s if s in labels else s.split(" ", 1)[-1] for s in ranking["status"]}
    assert shown <= labels and limited in labels
    how = "คำนวณอย่างไร?" if lang == "th" else "How was this computed?"
    assert sum(label.startswith(how) for label in _expanders(at)) == 2
    # Opened, the working tables are there: indicators with bounds and normalised scores,
    # goals; the status's steps; the peers' ranks.
    frames = [d.value for d in at.dataframe]
    assert any(lower in f.columns for f in frames)
    assert any("item" in f.columns for f in frames)
    name = "ปัตตานี" if lang == "th" else "Pattani"
    assert any(len(f) == 77 and name in set(f.iloc[:, 1].astype(str)) for f in frames)
    # Pattani is a province: the spread of its districts' index and MPI is on the page too.
    worst = "อำเภอที่แย่ที่สุด" if lang == "th" else "Worst district"
    spread = next(f for f in frames if worst in f.columns)
    assert len(spread) == 2


def test_default_method_is_sdsn_and_bad_values_fall_back(app_env):
    at = open_page("sdg", lang="en", query={"method": "nonsense"})
    assert_clean(at)
    assert at.session_state["method"] == "sdsn"
    statuses = set(at.dataframe[0].value["status"])
    assert not any("Limited progress" in s for s in statuses)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_poverty_depth_section(app_env, lang):
    at = open_page("poverty", lang=lang, query={"area": "94"})
    assert_clean(at)
    how = "คำนวณอย่างไร?" if lang == "th" else "How was this computed?"
    assert any(e.label.startswith(how) for e in at.expander)
    frames = {tuple(d.value.columns): d.value for d in at.dataframe}
    depth = next(f for cols, f in frames.items() if "k" in cols)
    assert list(depth["k"]) == ["1/5", "1/3", "1/2"]
    # The depth table's M0 at k = 1/3 is the MPI shown in the page's own KPI.
    mpi_kpi = next(m for m in at.metric if "MPI" in m.label)
    assert f"{depth['M0'].iloc[1]:.4f}" == mpi_kpi.value.replace(",", "")
    # Pattani is a province: the spread of its districts is shown.
    worst = "อำเภอที่แย่ที่สุด" if lang == "th" else "Worst district"
    assert any(worst in cols for cols in frames)
    # Robustness runs on demand.
    at.toggle(key="stats_robust_on").set_value(True).run()
    assert_clean(at)
    assert any("Spearman ρ" in d.value.columns for d in at.dataframe)


def test_codebook_shown_and_edited_by_a_steward(app_env):
    query = {"sdg_goal": "1", "sdg_ind": "g1_income_poverty", "area": "94"}
    closed = open_page("sdg", lang="en", role="steward", query=query)
    assert_clean(closed)
    assert any(e.label.startswith("Indicator codebook") for e in closed.expander)
    # Closed, the codebook builds nothing (its tables and the steward's form come on opening).
    assert not [d for d in closed.dataframe if list(d.value.columns) == ["field", "value"]]
    assert not [b for b in closed.button if b.label == "Save"]
    at = open_page("sdg", lang="en", role="steward", query=query,
                   session={"stats_cb_open": True})
    assert_clean(at)
    entry = next(d.value for d in at.dataframe if list(d.value.columns) == ["field", "value"])
    values = dict(zip(entry.field, entry.value, strict=True))
    assert values["SDG target"] == "1.2" and values["Scoring bounds from"] == "the codebook"
    form = [n for n in at.number_input if n.label == "Lower bound (scores 0)"]
    assert form and form[0].value == 30.0
    form[0].set_value(25.0)
    next(ti for ti in at.text_input if ti.label == "Reason for the change").input("review")
    next(b for b in at.button if b.label == "Save").click()
    at.run()
    assert_clean(at)
    assert any("Saved (1 fields changed)" in s.value for s in at.success)
    at.run()
    entry = next(d.value for d in at.dataframe if list(d.value.columns) == ["field", "value"])
    assert dict(zip(entry.field, entry.value, strict=True))["Lower bound (scores 0)"] == "25.0"
    history = next(d.value for d in at.dataframe if "old_value" in d.value.columns)
    assert list(history.old_value) == ["30"] and list(history.new_value) == ["25"]


def test_codebook_form_is_for_stewards_only(app_env):
    at = open_page("sdg", lang="th", role="analyst",
                   query={"sdg_goal": "1", "sdg_ind": "g1_income_poverty"},
                   session={"stats_cb_open": True})
    assert_clean(at)
    # The codebook is open (its entry is shown), without the form.
    assert [d for d in at.dataframe if list(d.value.columns) == ["field", "value"]]
    assert not [b for b in at.button if b.label in ("บันทึก", "Save")]


def test_the_working_exports_as_csv_with_its_inputs():
    """The status working goes through the existing CSV export with every input and rate."""
    from components.export import table_csv
    from components.method_panel import progress_working_table
    from components.ui import ExportMeta
    from domain import progress

    # 20 (2018) -> 14 (2024), target 5, lower better: ratio 0.528989 (tests/test_progress_...).
    table = progress_working_table(progress.opensdg(20, 2018, 14, 2024, 5, -1))
    text = table_csv(table, ExportMeta("status", "Pattani", 2024), lang="th").decode("utf-8-sig")
    for expected in ("2561", "2567", ",20\n", ",14\n", "-0.057713", "-0.109101", "0.528989",
                     "0.950000", "ก้าวหน้าน้อย"):
        assert expected in text, expected
