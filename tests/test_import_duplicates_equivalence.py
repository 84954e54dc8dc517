"""The duplicate decisions of the import check stay what they were: rows repeated in the file
and rows meeting stored values, under each policy (reject, replace, keep), for a steward of
every province and for one whose scope is two provinces, on DuckDB and on PostgreSQL.

The results are compared with digests recorded from the code before the duplicate stage was
changed (``tests/data/import_duplicates_equivalence.json``); both backends must give the
same digests. ``WARROOM_WRITE_GOLDEN=1`` rewrites the file (only when the change is meant).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.importer import preview_import
from data.scope import AccessScope
from tests.test_import import STEWARD, _reference
from tests.test_import_equivalence import _summary

GOLDEN = Path(__file__).parent / "data" / "import_duplicates_equivalence.json"
TWO_PROVINCES = AccessScope(user="s2", roles=frozenset({"steward"}),
                            provinces=frozenset({"40", "42"}))

# Stored keys hit and missed by one part each (indicator, area, year, disaggregation), repeats
# in the file (twice and three times, in and out of the scope), rows out of the scope that
# meet stored keys, a disaggregation written two ways, and BE and CE years.
FILE = "\n".join([
    "indicator,area,year,disaggregation,value",
    "g1_target_poor,40,2561,total,1",        # stored
    "g1_target_poor,40,2562,total,2",        # stored year, another key
    "g1_target_poor,40,2018,total,3",        # stored, CE year; repeats the first row
    "g1_target_poor,4001,2561,total,4",      # stored
    "g1_target_poor,4001,2561,sex=male,5",   # stored area and year, new disaggregation
    "g1_target_poor,4001,2561,ชาย,6",        # the same key written in Thai
    "g1_target_poor,4001,2561,sex=male,7",   # three times
    "g1_target_poor,42,2561,total,8",        # stored
    "g1_target_poor,42,2563,total,9",        # new year
    "g17_internet,42,2561,total,10",         # stored under another indicator
    "g17_internet,4201,2561,total,11",       # new area
    "g1_income_poverty,40,2561,total,12",    # stored
    "g1_income_poverty,30,2561,total,13",    # stored, out of the two provinces
    "g1_income_poverty,30,2561,total,14",    # repeated out of the two provinces
    "g1_income_poverty,10,2561,total,15",    # new, out of the two provinces
    "g1_target_poor,30,2561,total,16",       # stored, out of the two provinces
    "g1_target_poor,4002,2561,total,17",     # new
    "g1_target_poor,4002,2561,total,18",     # repeated
    "g1_target_poor,9999,2561,total,19",     # unknown area
    "g1_target_poor,40,2561,total,20",       # stored, repeated a third time
]) + "\n"


@pytest.fixture()
def db(any_empty_store):
    s = any_empty_store
    for table, frame in _reference().items():
        s.insert_df(table, frame)
    stored = pd.MultiIndex.from_product(
        [["g1_target_poor", "g17_internet", "g1_income_poverty"], ["40", "4001", "42", "30"],
         [2016, 2018], ["total", "sex=female"]],
        names=["indicator_code", "area_code", "year", "disaggregation"]).to_frame(index=False)
    stored["value"] = np.linspace(1, 90, len(stored)).round(2)
    s.insert_df("sdg_values", stored)
    return s


def _cases(store) -> dict[str, object]:
    out: dict[str, object] = {}
    for policy in ("reject", "replace", "keep"):
        for name, scope in (("all", STEWARD), ("two_provinces", TWO_PROVINCES)):
            p = preview_import(store, scope, FILE.encode("utf-8"), "dups.csv", "indicators",
                               policy=policy)
            out[f"{name}_{policy}"] = {**_summary(p), "reason_list": p.rejected[
                ["__row", "reason", "detail"]].astype(str).values.tolist(),
                "replaced_list": p.replaced.astype(str).values.tolist()}
    return out


@pytest.mark.parametrize("small", [None, 0, 1000])
def test_duplicate_decisions_are_the_ones_recorded(db, small, monkeypatch):
    """``small``: every key column numbered by a join and every filter an ``= ANY`` list (0),
    or every one by a position in a list and an IN list (1000), or as the stage picks."""
    if small is not None:
        from data.importer import pipeline

        monkeypatch.setattr(pipeline, "_POSITION_TEXTS", small)
        monkeypatch.setattr(pipeline, "_IN_LIST_VALUES", small)
    got = _cases(db)
    if os.environ.get("WARROOM_WRITE_GOLDEN") == "1" and small is None:
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                          encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(got, ensure_ascii=False, default=str)) == want
    # The file reaches every duplicate reason and replaces stored keys (else this proves little).
    reasons = {r for case in got.values() for _row, r, _d in case["reason_list"]}
    assert {"dup_file_reject", "dup_store_reject", "dup_file_keep", "dup_store_keep",
            "dup_file_replace", "out_of_scope"} <= reasons
    assert got["two_provinces_replace"]["replaced_list"]
