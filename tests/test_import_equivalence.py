"""The import check gives the same results after it was made faster: every stage's output
(rejected rows with their reason and detail, accepted rows, replaced keys, areas, years,
approximate matches, consistency checks) is compared with digests recorded from the code
before the change (``tests/data/import_equivalence.json``).

The files mix every rejection reason: codes of every width, padded and ``TH`` codes, Thai
digits, names, misspellings, romanisations, national/regional/subtotal rows, registration
offices and municipalities, unknown names, wrong levels, bad numbers and years, unit
mismatches, duplicates in the file and in the store, three duplicate policies, a province
scope, name columns and an indented hierarchy. A change to any stage's result changes a
digest. ``WARROOM_WRITE_GOLDEN=1`` rewrites the file (only when the change is meant).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.bench_import import indicator_csv
from data.importer import preview_import
from data.scope import AccessScope
from data.store import open_store
from tests.test_import import STEWARD, _reference

GOLDEN = Path(__file__).parent / "data" / "import_equivalence.json"
KHON_KAEN = AccessScope(user="s40", roles=frozenset({"steward"}), provinces=frozenset({"40"}))

MIXED = "\n".join([
    "รหัสตัวชี้วัด,รหัสพื้นที่,ปี พ.ศ.,การจำแนก,หน่วย,ค่า (ร้อยละ)",
    "g1_target_poor,40,2561,total,%,5.5",
    "g1_target_poor,4001,2561,ชาย,ร้อยละ,6",
    "g1_target_poor,TH40,2562,total,%,7",
    "g1_target_poor,๔๐๐๑,2562,หญิง,%,\"1,234\"",
    "g1_target_poor,400000,2563,total,%,4",
    "g1_target_poor,400100,2563,total,%,4.25",
    "g1_target_poor,400101,2561,total,%,3",
    "g1_target_poor,40010101,2561,total,%,3",
    "g1_target_poor,4051,2561,total,%,3",
    "g1_target_poor,405199,2561,total,%,3",
    "g1_target_poor,9999,2561,total,%,3",
    "g1_target_poor,00,2561,total,%,3",
    "g1_target_poor,,2561,total,%,3",
    "g1_target_poor,ทั้งประเทศ,2561,total,%,9",
    "g1_target_poor,รวมภาคตะวันออกเฉียงเหนือ,2561,total,%,9",
    "g1_target_poor,ภาคเหนือ,2561,total,%,9",
    "g1_target_poor,เทศบาลนครขอนแก่น,2561,total,%,9",
    "g1_target_poor,สำนักทะเบียนอำเภอเมือง,2561,total,%,9",
    "g1_target_poor,จ.ขอนแก่น,2564,total,%,8",
    "g1_target_poor,ขอนแก่น,2564,total,%,8",
    "g1_target_poor,Khon Kaen,2565,total,%,8",
    "g1_target_poor,นครราชศรีมา,2565,total,%,8",
    "g1_target_poor,Bungkan,2565,total,%,8",
    "g1_target_poor,Korat,2566,total,%,8",
    "g1_target_poor,กทม,2566,total,%,8",
    "g1_target_poor,อ.เมืองขอนแก่น,2566,total,%,8",
    "g1_target_poor,เมืองเลย,2566,total,%,8",
    "g1_target_poor,บ้านไม่มีจริง,2566,total,%,8",
    "g1_target_poor,Nowhere Town,2566,total,%,8",
    "g1_target_poor,บ้านโนน หมู่ที่ 1,2566,total,%,8",
    "g1_target_poor,  40 ,2567,total,%,8",
    "g1_target_poor,40,25x,total,%,8",
    "g1_target_poor,40,2560,total,%,abc",
    "g1_target_poor,40,2560,total,%,",
    "g1_target_poor,40,2560,total,kg,5",
    "g1_target_poor,40,2559,total,%,150",
    "g1_target_poor,40,2559,total,%,-3",
    "g1_target_poor,40,2559,total,%,12",
    "g1_target_poor,40,2559,total,%,13",
    "g1_target_poor,4001,2559,total,%,13",
    "g1_income_poverty,40,2561,total,%,9",
    "g1_income_poverty,4001,2561,total,%,9",
    "g1_income_poverty,30,2561,total,%,7",
    "g2_rice_yield,40,2561,total,kg/rai,400",
    "g2_rice_yield,40,2562,total,,-4",
    "no_such_indicator,40,2561,total,%,5",
    ",40,2561,total,%,5",
    "g1_target_poor,50,2561,male,%,5",
    "g1_target_poor,50,2561,sex=female,%,5",
    "g1_target_poor,50,2561,other,%,5",
    "g1_target_poor,50,2561,,%,5",
    "g1_target_poor,10,2561,total,%,(2)",
    "g1_target_poor,10,2018,total,%,2",
    "g1_target_poor,10,ค.ศ. 2019,total,%,2",
    "g1_target_poor,10,พ.ศ. 2563,total,%,2 %",
]) + "\n"

NAMES = "\n".join([
    "ตัวชี้วัด,จังหวัด,อำเภอ,ปี,ค่า",
    "g1_target_poor,ขอนแก่น,เมืองขอนแก่น,2561,5",
    "g1_target_poor,ขอนแก่น,บ้านฝาง,2561,5",
    "g1_target_poor,ขอนแก่น,ไม่มีอำเภอนี้,2561,5",
    "g1_target_poor,Loei,Mueang Loei,2561,5",
    "g1_target_poor,จ.เลย,ด่านซ้าย,2561,5",
    "g1_target_poor,เลย,,2562,5",
    "g1_target_poor,,,2562,5",
    "g1_target_poor,นครราชศรีมา,ปากช่อง,2562,5",
    "g1_target_poor,เทศบาลเมือง,,2562,5",
    "g1_target_poor,ทั้งประเทศ,,2562,5",
]) + "\n"

INDENTED = "\n".join([
    "ตัวชี้วัด,พื้นที่,ปี,ค่า",
    "g1_target_poor,ทั้งประเทศ,2561,10",
    "g1_target_poor,ขอนแก่น,2561,10",
    "g1_target_poor,  เมืองขอนแก่น,2561,10",
    "g1_target_poor,  บ้านฝาง,2561,10",
    "g1_target_poor,  ไม่มีอำเภอนี้,2561,10",
    "g1_target_poor,เลย,2561,10",
    "g1_target_poor,  ด่านซ้าย,2561,10",
    "g1_target_poor,  เมืองขอนแก่น,2561,10",
]) + "\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The test reference store (DuckDB) with stored values to meet (duplicates in store)."""
    s = open_store(f"duckdb:///{tmp_path_factory.mktemp('eq') / 's.duckdb'}")
    for table, frame in _reference().items():
        s.insert_df(table, frame)
    areas = s.query("SELECT code FROM areas WHERE level IN ('province', 'district') "
                    "ORDER BY code").code
    stored = pd.MultiIndex.from_product(
        [["g1_target_poor", "g17_internet"], areas[::3], [2016, 2018, 2019]],
        names=["indicator_code", "area_code", "year"]).to_frame(index=False)
    stored["disaggregation"] = "total"
    stored["value"] = np.linspace(1, 90, len(stored)).round(2)
    s.insert_df("sdg_values", stored)
    yield s
    s.close()


def _digest(obj: object) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    """Rows as text in file order, missing cells alike whatever their type."""
    out = frame.astype(object).where(frame.notna(), None)
    return [[repr(v) for v in r] for r in out.itertuples(index=False)]


def _summary(p) -> dict[str, object]:
    rejected = p.rejected
    return {
        "counts": p.counts,
        "rejected": _digest([rejected.columns.tolist(), _cells(rejected)]),
        "reasons": _digest(rejected[["__row", "reason", "detail"]].astype(str).values.tolist()),
        "accepted": _digest([p.accepted.columns.tolist(), _cells(p.accepted)]),
        "accepted_dtypes": _digest([str(t) for t in p.accepted.dtypes]),
        "replaced": _digest(_cells(p.replaced)),
        "areas": _digest(p.areas), "years": _digest(p.years),
        "approximate": _digest(p.notes.get("approximate_matches", {})),
        "checks": _digest(p.notes.get("checks", {})),
    }


def _cases(store) -> dict[str, object]:
    big = indicator_csv(store, rows=6000, unknown=0.2, seed=5)
    out: dict[str, object] = {}
    for policy in ("reject", "replace", "keep"):
        out[f"generated_{policy}"] = _summary(preview_import(
            store, STEWARD, big, "district_table.csv", "indicators", policy=policy))
        out[f"mixed_{policy}"] = _summary(preview_import(
            store, STEWARD, MIXED.encode("utf-8"), "mixed.csv", "indicators", policy=policy))
    out["mixed_scoped"] = _summary(preview_import(
        store, KHON_KAEN, MIXED.encode("utf-8"), "mixed.csv", "indicators"))
    out["generated_cp874_scoped"] = _summary(preview_import(
        store, KHON_KAEN, big.decode("utf-8").encode("cp874"), "t.csv", "indicators"))
    out["names"] = _summary(preview_import(
        store, STEWARD, NAMES.encode("utf-8"), "names.csv", "indicators"))
    out["indented"] = _summary(preview_import(
        store, STEWARD, INDENTED.encode("utf-8"), "indented.csv", "indicators"))
    return out


def test_every_stage_gives_the_results_it_gave_before(store):
    got = _cases(store)
    if os.environ.get("WARROOM_WRITE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                          encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    diffs = [f"{case}.{part}" for case in want for part in want[case]
             if got.get(case, {}).get(part) != want[case][part]]  # type: ignore[union-attr]
    assert not diffs, f"changed: {diffs}"
    # The files do reach every reason (the comparison would otherwise prove little).
    reasons = set()
    for policy in ("reject", "replace", "keep"):
        p = preview_import(store, STEWARD, MIXED.encode("utf-8"), "m.csv", "indicators",
                           policy=policy)
        reasons |= set(p.rejected.reason)
    assert {"missing", "aggregate", "non_dopa", "area_unknown", "area_level", "number", "year",
            "unit", "range", "indicator_unknown", "dup_file_reject", "dup_store_reject",
            "dup_file_keep", "dup_store_keep", "dup_file_replace"} <= reasons


def test_the_check_reads_the_file_once(store, monkeypatch):
    """The CSV is parsed once per check, by Arrow or by pandas (the file is never read a
    second time)."""
    from data.importer import reading

    calls = []

    def counted(real):
        def read(*args, **kwargs):
            calls.append(1)
            return real(*args, **kwargs)
        return read

    monkeypatch.setattr(reading.pd, "read_csv", counted(reading.pd.read_csv))
    monkeypatch.setattr(reading.pa_csv, "read_csv", counted(reading.pa_csv.read_csv))
    preview_import(store, STEWARD, MIXED.encode("utf-8"), "mixed.csv", "indicators")
    assert len(calls) == 1


def test_a_cp874_file_whose_head_is_plain_ascii_reads_as_cp874(store):
    """The head is checked as UTF-8 and the parser decodes the rest: Thai cp874 bytes far
    down the file make it start again with the whole file decoded (not a refusal)."""
    head = "indicator,area,year,value\n" + "g4_preprimary,40,2561,75\n" * 12_000  # 300 KB
    tail = "g4_preprimary,ขอนแก่น,2562,76\ng4_preprimary,เลย,2562,77\n"
    as_cp874 = preview_import(store, STEWARD, (head + tail).encode("cp874"), "a.csv",
                              "indicators", policy="keep")
    as_utf8 = preview_import(store, STEWARD, (head + tail).encode("utf-8"), "a.csv",
                             "indicators", policy="keep")
    assert as_cp874.notes["encoding"] == "cp874" and as_utf8.notes["encoding"] == "utf-8"
    assert _summary(as_cp874)["accepted"] == _summary(as_utf8)["accepted"]
    assert {"42", "40"} <= set(as_cp874.areas)


def test_names_sharing_enough_letter_pairs_are_the_counted_ones():
    """The near-miss filter gives the names a full count gives, short lists or long."""
    from data.importer.areas import _sharing

    rng = np.random.default_rng(3)
    for _ in range(300):
        size = int(rng.integers(5, 400))
        lists = [np.unique(rng.integers(0, size, int(rng.integers(1, 60))))
                 for _ in range(int(rng.integers(1, 9)))]
        need = int(rng.integers(1, len(lists) + 1))
        counts = np.bincount(np.concatenate(lists), minlength=size)
        want = np.flatnonzero(counts >= need).tolist()
        assert _sharing([(a, frozenset(a.tolist())) for a in lists], need, size) == want


def test_factorising_by_object_gives_pandas_codes_and_uniques():
    """Cells grouped by their objects first, then by value: the codes and uniques of
    ``pd.factorize(..., use_na_sentinel=False)``, with equal texts held as distinct objects,
    missing values of three kinds, and 1 beside 1.0."""
    from data.importer.parsing import _factorize_objects

    rng = np.random.default_rng(0)
    pool = ["a", "b", "ทดสอบ", None, np.nan, 1, 1.0, pd.NA, "xxx"]
    for _ in range(200):
        n = int(rng.integers(1, 3000))
        cells = np.empty(n, dtype=object)
        for i in range(n):
            k = int(rng.integers(0, len(pool) + 3))
            # str(int) makes a new object each time: equal texts as distinct objects.
            cells[i] = pool[k] if k < len(pool) else str(int(rng.integers(0, 5)))
        want_codes, want = pd.factorize(cells, use_na_sentinel=False)
        codes, got = _factorize_objects(cells)
        assert codes.tolist() == want_codes.tolist()
        assert [repr(v) for v in got] == [repr(v) for v in want]
