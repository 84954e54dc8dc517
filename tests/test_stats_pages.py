"""AppTest of the method switch and the "How was this computed?" panels (issue 22)."""

from __future__ import annotations

import pytest

from tests.apptest_util import assert_clean, open_page


def _expanders(at) -> list[str]:
    return [e.label for e in at.expander]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_method_from_the_url_and_the_calculation_panel(app_env, lang):
    at = open_page("sdg", lang=lang, query={"sdg_goal": "1", "sdg_ind": "g1_income_poverty",
                                            "method": "opensdg", "area": "94"})
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
    # The working tables are there: indicators with bounds and normalised scores, goals.
    frames = [d.value for d in at.dataframe]
    lower = "ขอบล่าง" if lang == "th" else "Lower bound"
    assert any(lower in f.columns for f in frames)


def test_default_method_is_sdsn_and_bad_values_fall_back(app_env):
    at = open_page("sdg", lang="en", query={"method": "nonsense"})
    assert_clean(at)
    assert at.session_state["method"] == "sdsn"
    statuses = set(at.dataframe[0].value["status"])
    assert not any("Limited progress" in s for s in statuses)
