"""Name normalisation and matching of area names/codes to current DOPA codes."""

import pandas as pd
import pytest

from domain.area_match import (
    match_area_codes,
    match_area_names,
    normalise_area_name,
    romanisation_key,
)


@pytest.mark.parametrize("raw, expected", [
    ("จ. เชียงใหม่", "เชียงใหม่"),
    ("จังหวัดเชียงใหม่", "เชียงใหม่"),
    ("อำเภอ เมืองเชียงใหม่", "เมืองเชียงใหม่"),
    ("อ.สันทราย", "สันทราย"),
    ("กิ่งอำเภอเกาะกูด", "เกาะกูด"),
    ("เขตพระนคร", "พระนคร"),
    ("ต.ศรีภูมิ", "ศรีภูมิ"),
    ("แขวง บางนาเหนือ", "บางนาเหนือ"),
    ("Amphoe Mueang Chiang Mai", "mueangchiangmai"),
    ("Phang-nga Province", "phangnga"),
    ("Khet Phra Nakhon", "phranakhon"),
    ("  Tambon Si Phum ", "siphum"),
    ("คำ\u200bม่วง", "คำม่วง"),
    ("ค\u0e4d\u0e32ม่วง", "คำม่วง"),  # sara am typed as two characters
    (None, ""),
    (float("nan"), ""),
])
def test_normalise_area_name(raw, expected):
    assert normalise_area_name(raw) == expected


def test_thai_names_starting_like_a_short_prefix_are_kept():
    # "อ" without a dot is the first letter of อ่างทอง, not the district abbreviation.
    assert normalise_area_name("อ่างทอง") == "อ่างทอง"
    assert normalise_area_name("ตรัง") == "ตรัง"


def test_romanisation_key_folds_common_spellings():
    assert romanisation_key("muangchiangmai") == romanisation_key("mueangchiangmai")
    assert romanisation_key("nakornratchasima") == romanisation_key("nakhonratchasima")
    assert romanisation_key("srakaew") == romanisation_key("sakaeo")


def test_provinces_by_any_common_name():
    names = ["Bangkok", "กทม", "Buriram", "Phangnga", "Lopburi", "Sisaket", "Nong Bua Lamphu",
             "Korat", "จ.อยุธยา", "Nakorn Ratchasima", "Srakaew", "จังหวัดนราธิวาส"]
    codes = [m.code for m in match_area_names(names, "province")]
    assert codes == ["10", "10", "31", "82", "16", "33", "39", "30", "14", "30", "27", "96"]


def test_unknown_and_empty_names_say_why():
    got = match_area_names(["Atlantis", None, ""], "province")
    assert [(m.code, m.reason) for m in got] == [(None, "not_found"), (None, "empty"),
                                                 (None, "empty")]


def test_districts_capital_truncated_and_romanised():
    got = match_area_names(["เมือง", "Muang Chiang Mai", "อ.สันทราย", "เมืองประจวบคีรีข"],
                           "district", ["50", "50", "50", "77"])
    assert [(m.code, m.reason) for m in got] == [
        ("5001", "capital"), ("5001", "romanised"), ("5014", "exact"), ("7701", "truncated")]


def test_shared_subdistrict_names_need_a_parent():
    alone, placed = match_area_names(["วังทอง", "วังทอง"], "subdistrict", [None, "65"])
    assert alone.code is None and alone.reason == "ambiguous" and "650801" in alone.candidates
    assert placed.code == "650801" and placed.matched
    as_pcode, as_number = match_area_names(["วังทอง", "วังทอง"], "subdistrict", ["TH65", 65.0])
    assert as_pcode.code == as_number.code == "650801"


def test_abolished_names_and_codes():
    bang_na, tha_faek = match_area_names(["แขวงบางนา", "Tha Faek"], "subdistrict",
                                         ["1047", "5303"])
    assert (bang_na.code, bang_na.reason, bang_na.abolished_code) == (None, "abolished", "104701")
    assert bang_na.candidates == ("104702", "104703")
    assert (tha_faek.code, tha_faek.reason) == ("530407", "abolished_successor")
    got = match_area_codes(["TH10", "530306", "104701", "999999", "x", None, 100101.0],
                           "subdistrict")
    assert [(m.code, m.reason) for m in got] == [
        (None, "invalid"), ("530407", "abolished_successor"), (None, "abolished"),
        (None, "not_found"), (None, "invalid"), (None, "empty"), ("100101", "code")]
    assert [m.code for m in match_area_codes(["TH10", "TH-96", 50], "province")] == [
        "10", "96", "50"]


def test_custom_registry_and_bad_arguments():
    reg = pd.DataFrame({"code": ["01", "02"], "level": ["province"] * 2,
                        "name_th": ["ก", "ข"], "name_en": ["Alpha", "Beta"]})
    assert [m.code for m in match_area_names(["beta", "ก"], "province", registry=reg)] == [
        "02", "01"]
    with pytest.raises(ValueError):
        match_area_names(["x"], "village")
    with pytest.raises(ValueError):
        match_area_names(["x", "y"], "district", ["10"])
