"""The CSV reader gives the same table whichever way it reads a file: Arrow's reader (with
each column's codes) where it can, pandas' C parser otherwise. Every file is read both ways
(Arrow turned off for the reference) and the tables are compared cell by cell, with their
types, row numbers, headers and notes, or the refusals compared; the codes the reader keeps
are compared with ``factorize_text`` of the cells; and the previews of the equivalence
files are compared whole (accepted, rejected with reason, detail and row, replaced, notes,
areas, years).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.importer import preview_import, reading
from data.importer.errors import ImportFailure
from data.importer.parsing import factorize_text
from tests import import_fixtures as fx

TH = "รหัสตัวชี้วัด,รหัสพื้นที่,ปี พ.ศ.,การจำแนก,ค่า (ร้อยละ)"
ROWS = ["g1_target_poor,4001,2561,total,5.5", "g1_target_poor,๔๐๐๒,2562,ชาย,6",
        "g1_target_poor,เทศบาลนครขอนแก่น,2563,หญิง,7", "g2_rice_yield,40,2564,total,400"]


def _files() -> dict[str, bytes]:
    body = "\n".join(ROWS)
    files = {
        "plain": f"{TH}\n{body}\n",
        "title": f"ตารางตัวชี้วัด\n{TH}\n{body}\n",
        "two_titles_blank": f"ตาราง\nข้อมูล ณ 2566\n\n{TH}\n{body}\n",
        "crlf": f"{TH}\r\n" + "\r\n".join(ROWS) + "\r\n",
        "cr": f"{TH}\r" + "\r".join(ROWS) + "\r",
        "no_final_newline": f"{TH}\n{body}",
        "blank_lines_inside": f"{TH}\n{ROWS[0]}\n\n{ROWS[1]}\n,,,,\n{ROWS[2]}\n",
        "blank_lines_at_end": f"{TH}\n{body}\n\n\n",
        "short_row": f"{TH}\n{ROWS[0]}\ng1_target_poor,40\n{ROWS[1]}\n",
        "long_row": f"{TH}\n{ROWS[0]}\ng1,40,2561,total,5,extra\n",
        "whitespace_line": f"{TH}\n{ROWS[0]}\n   \n{ROWS[1]}\n",
        "quoted_thousands": f"{TH}\n" + "g1,40,2561,total,\"1,234\"\ng1,41,2561,total,\"12\"\n",
        "quoted_line_break_in_data": f"{TH}\n" + "g1,\"40\r\n01\",2561,total,5\ng1,41,2561,x,6\n",
        "quote_mid_cell": f"{TH}\n" + "g1,4\"0,2561,total,5\ng1,\"41\"x,2561,total,6\n",
        "doubled_quotes": f"{TH}\n" + "g1,\"a \"\"b\"\" c\",2561,total,5\n",
        "cut_quote": f"{TH}\n" + "g1,\"40,2561,total,5\ng1,41,2561,total,6\n",
        "quoted_header_line_break": "a,\"b\nc\",d\n1,2,3\n4,5,6\n",
        "two_row_header": "ภาค/จังหวัด,\"รายได้ (บาท)\",,\n,2562,2564,2566\nขอนแก่น,1,2,3\nเลย,4,,6\n",
        "units_row": "ตัวชี้วัด,พื้นที่,ค่า\n(รหัส),(รหัส),(ร้อยละ)\ng1,40,5\n",
        "header_only": f"ตาราง\n{TH}\n",
        "header_only_blank_after": f"{TH}\n\n\n",
        "semicolon": TH.replace(",", ";") + "\n" + "\n".join(r.replace(",", ";") for r in ROWS),
        "tab": TH.replace(",", "\t") + "\n" + "\n".join(r.replace(",", "\t") for r in ROWS),
        "wider_header": f"{TH},หมายเหตุ\n{body}\n",
        "narrower_header": "a,b\n1,2,3\n4,5,6\n",
        "single_column": "ค่า\n1\n\n2\n",
        "nul_byte": f"{TH}\n{ROWS[0]}\ng1,40,25\x0061,total,5\n",
        "bom_inside": f"{TH}\n\ufeff{ROWS[0]}\n",
        "hidden": f"{TH}\ng1,\u202e4001\u202c,2561,total,5\ng1,40\u200b,2561,total,5\n",
        "spaces": f"{TH}\n g1 , 40 ,2561, total ,  5.5 \n",
    }
    out = {name: text.encode("utf-8") for name, text in files.items()}
    out["bom"] = out["title"][:0] + b"\xef\xbb\xbf" + out["title"]
    out["cp874"] = files["title"].encode("cp874")
    out["cp874_ascii_head"] = ("a,b,c\n" + "x,1,2\n" * 20_000 + "ขอนแก่น,3,4\n").encode("cp874")
    out["bad_utf8_tail"] = ("a,b,c\n" + "x,1,2\n" * 20_000).encode() + b"\xff\xfe,1,2\n"
    out["company_register_cp874"] = fx.company_register_cp874()
    out["nso_wide_income"] = fx.nso_wide_income()
    out["dopa_register_by_office"] = fx.dopa_register_by_office()
    out["tpmap_province_file"] = fx.tpmap_province_file()
    out["hostile_header"] = fx.hostile_header_csv()
    for name, data in fx.tpmap_dimension_files().items():
        out[name] = data
    return out


def _read(data: bytes, arrow: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(reading, "_ARROW_CSV", arrow)
    try:
        return reading.read_table(data, "f.csv")
    except ImportFailure as exc:
        return exc


def _shown(got: object) -> object:
    if isinstance(got, ImportFailure):
        return ("refused", got.code, sorted((k, str(v)) for k, v in got.params.items()))
    frame = got.frame  # type: ignore[attr-defined]
    return {"columns": frame.columns.tolist(), "dtypes": [str(t) for t in frame.dtypes],
            "index": frame.index.tolist(),
            "cells": [[(type(v).__name__, v) for v in r] for r in frame.itertuples(index=False)],
            **{k: getattr(got, k) for k in ("file_format", "encoding", "header_row",
                                            "header_rows", "sheet", "hidden", "headers",
                                            "scan_hidden")}}


@pytest.mark.parametrize("name", sorted(_files()))
def test_arrow_and_pandas_read_every_file_alike(name, monkeypatch):
    data = _files()[name]
    fast = _read(data, True, monkeypatch)
    slow = _read(data, False, monkeypatch)
    assert _shown(fast) == _shown(slow)
    if not isinstance(fast, ImportFailure):
        # The codes kept are those of the cells as they are.
        for col, (codes, uniques) in fast.codes.items():  # type: ignore[attr-defined]
            want_codes, want = factorize_text(fast.frame[col])  # type: ignore[attr-defined]
            assert codes.tolist() == want_codes.tolist() and list(uniques) == list(want)
        assert not slow.codes  # type: ignore[attr-defined]


def test_the_usual_files_are_read_by_arrow(monkeypatch):
    """The comparison above is of two ways: the plain files do take the Arrow way."""
    files = _files()
    for name in ("plain", "title", "crlf", "cr", "quoted_thousands", "blank_lines_at_end",
                 "blank_lines_inside", "quoted_line_break_in_data", "cp874", "semicolon", "tab",
                 "spaces"):
        got = _read(files[name], True, monkeypatch)
        assert got.codes and got.codes_frame is got.frame, name  # type: ignore[attr-defined]
    for name in ("short_row", "cut_quote", "nul_byte", "quoted_header_line_break", "hidden"):
        got = _read(files[name], True, monkeypatch)
        assert isinstance(got, ImportFailure) or not got.codes, name  # type: ignore[attr-defined]


def test_generated_indicator_file_reads_alike(monkeypatch):
    """The benchmark's kind of file (a smaller one), against the test reference store."""

    rng = np.random.default_rng(1)
    n = 30_000
    frame = pd.DataFrame({
        "รหัสตัวชี้วัด": rng.choice(["g1_target_poor", "g17_internet", "x"], n),
        "รหัสพื้นที่": rng.choice(["40", "4001", "4051", "เทศบาล", "๔๐๐๒"], n),
        "ปี พ.ศ.": rng.choice(["2561", "2562", "พ.ศ. 2563"], n),
        "การจำแนก": rng.choice(["total", "ชาย", "หญิง"], n),
        "ค่า (ร้อยละ)": rng.uniform(-5, 120, n).round(2)})
    data = ("ตาราง\n" + frame.to_csv(index=False)).encode("utf-8")
    assert _shown(_read(data, True, monkeypatch)) == _shown(_read(data, False, monkeypatch))


def _preview_shown(p) -> object:  # type: ignore[no-untyped-def]
    def cells(frame: pd.DataFrame) -> list:
        return [frame.columns.tolist(), [str(t) for t in frame.dtypes],
                [[repr(v) for v in r] for r in frame.itertuples(index=False)]]
    return {"accepted": cells(p.accepted), "rejected": cells(p.rejected),
            "replaced": cells(p.replaced), "areas": p.areas, "years": p.years,
            "notes": repr(p.notes), "counts": p.counts, "sha": p.sha256}


def test_previews_alike_whichever_way_the_file_is_read(monkeypatch):
    """Whole previews of the equivalence files, the file read by Arrow and by pandas."""
    import tempfile
    from pathlib import Path

    from bench.bench_import import indicator_csv
    from data.store import open_store
    from tests import test_import_equivalence as eq
    from tests.test_import import STEWARD, _reference

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"duckdb:///{Path(tmp) / 's.duckdb'}")
        for table, frame in _reference().items():
            store.insert_df(table, frame)
        big = indicator_csv(store, rows=6000, unknown=0.2, seed=5)
        files = {"mixed": eq.MIXED.encode("utf-8"), "names": eq.NAMES.encode("utf-8"),
                 "indented": eq.INDENTED.encode("utf-8"), "generated": big,
                 "generated_cp874": big.decode("utf-8").encode("cp874")}
        for name, data in files.items():
            for policy in ("reject", "replace", "keep"):
                got = []
                for arrow in (True, False):
                    monkeypatch.setattr(reading, "_ARROW_CSV", arrow)
                    got.append(_preview_shown(preview_import(
                        store, STEWARD, data, f"{name}.csv", "indicators", policy=policy)))
                assert got[0] == got[1], (name, policy)
        store.close()


def test_plain_years_parse_as_the_general_rules(monkeypatch):
    """Four-digit cells take a shortcut in ``parse_year``: the same values and bad cells as
    the general rules (turned off for the reference), BE and CE, in and out of range."""
    from data.importer import parsing

    rng = np.random.default_rng(2)
    cases = [["2561", "2018", "1989", "1990", "2100", "2101", "2399", "2400", "2532", "2533",
              "2643", "2644", "0000", "9999"]]
    cases += [[f"{y:04d}" for y in rng.integers(0, 10_000, int(rng.integers(1, 40)))]
              for _ in range(200)]
    for cells in cases:
        s = pd.Series(cells, dtype=object)
        fast = parsing.parse_year(s)
        with monkeypatch.context() as m:
            m.setattr(parsing, "_plain_years", lambda _s: None)
            slow = parsing.parse_year(s)
        for a, b in zip(fast, slow, strict=True):
            assert str(a.dtype) == str(b.dtype) and a.index.equals(b.index)
            assert [repr(v) for v in a.tolist()] == [repr(v) for v in b.tolist()]
