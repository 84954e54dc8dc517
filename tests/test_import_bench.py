"""The import benchmark's committed-import measure: the indicator file is committed into a
scratch copy of what it reads, with the rows the same check against the source store
accepts, and the source store is never written."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.bench_import import indicator_csv, measure_commit
from data.importer import preview_import
from data.store import Store, open_store
from tests.test_import import STEWARD, _reference


def test_measure_commit_writes_what_the_check_accepts_into_a_scratch_copy(tmp_path):
    path = tmp_path / "src.duckdb"
    src = open_store(f"duckdb:///{path}")
    for table, frame in _reference().items():
        src.insert_df(table, frame)
    areas = src.query("SELECT code FROM areas WHERE level = 'district' ORDER BY code").code
    stored = pd.MultiIndex.from_product(
        [["g1_target_poor"], areas[::5], [2016, 2018]],
        names=["indicator_code", "area_code", "year"]).to_frame(index=False)
    stored["disaggregation"] = "total"
    stored["value"] = np.linspace(1, 90, len(stored)).round(2)
    src.insert_df("sdg_values", stored)
    src.close()
    src = Store(f"duckdb:///{path}", read_only=True)
    before = src.rows("SELECT COUNT(*), COUNT(DISTINCT batch_id) FROM sdg_values")
    check = preview_import(src, STEWARD, indicator_csv(src, rows=3000), "t.csv", "indicators")
    assert (check.rejected.reason == "dup_store_reject").any()  # the stored keys are met

    got = measure_commit(src, repeat=1, rows=3000)

    assert got["rows"] == 3000
    assert got["written"] == len(check.accepted)
    assert got["rejected"] == len(check.rejected)
    assert got["rows_per_s"] > 0 and got["written_per_s_of_commit"] > 0
    assert src.rows("SELECT COUNT(*), COUNT(DISTINCT batch_id) FROM sdg_values") == before
    assert src.scalar("SELECT COUNT(*) FROM import_batches") == 0
    src.close()
