"""A household import or undo killed (SIGKILL) at every phase, on both engines: afterwards the
store opens, nothing of the batch is half there, and every aggregate equals a recomputation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data.rollup import aggregates_check, refresh_all_aggregates
from data.store import Store
from domain.catalogue import POVERTY_INDICATORS

REPO = Path(__file__).resolve().parent.parent
AGGREGATES = ("household_rollup", "poverty_profiles", "poverty_rollup", "poverty_case_counts",
              "poverty_case_provinces", "poverty_patterns")
pytestmark = pytest.mark.slow


def _household_file(store: Store, path: Path) -> Path:
    """300 Pattani households of 2024 as a ministry file would carry them, with their
    deprivations and target-poor flags changed (so that every aggregate must move)."""
    flags = [i.column for i in POVERTY_INDICATORS]
    df = store.query(
        f"SELECT house_code, survey_year, village_code, members, income_per_head, welfare_card, "
        f"target_poor, {', '.join(flags)} FROM households WHERE province_code = '94' "
        "AND survey_year = 2024 ORDER BY house_code LIMIT 300")
    assert len(df) == 300
    out = pd.DataFrame({"รหัสบ้าน": df.house_code, "ปีที่สำรวจ": df.survey_year + 543,
                        "รหัสหมู่บ้าน": df.village_code, "จำนวนสมาชิก": df.members,
                        "รายได้เฉลี่ยต่อคนต่อปี (บาท)": df.income_per_head.round(0),
                        "บัตรสวัสดิการแห่งรัฐ": df.welfare_card.astype(int),
                        "คนจนเป้าหมาย": (~df.target_poor.astype(bool)).astype(int)})
    for i, col in zip(POVERTY_INDICATORS, flags, strict=True):
        out[i.code] = (~df[col].astype(bool)).astype(int)
    out.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _drive(url: str, file: Path, kill_at: int, phases: Path, *extra: str):
    return subprocess.run([sys.executable, "-m", "tests.crash_driver", url, str(file),
                           str(kill_at), str(phases), *extra], cwd=REPO, capture_output=True,
                          text=True, timeout=300)


def _state(url: str) -> dict[str, object]:
    """What must be all-or-nothing: households, batches, and whether aggregates agree."""
    s = Store(url)
    try:
        check = aggregates_check(s)
        return {"households": s.scalar("SELECT COUNT(*) FROM households"),
                "target_poor": s.scalar("SELECT SUM(CASE WHEN target_poor THEN 1 ELSE 0 END) "
                                        "FROM households"),
                "batches": s.rows("SELECT batch_id, status FROM import_batches ORDER BY 1"),
                "consistent": check["consistent"]}
    finally:
        s.close()


def _aggregates_equal_a_recomputation(url: str) -> None:
    s = Store(url)
    try:
        stored = {t: _sorted(s.query(f"SELECT * FROM {t}")) for t in AGGREGATES}
        refresh_all_aggregates(s)
        again = {t: _sorted(s.query(f"SELECT * FROM {t}")) for t in AGGREGATES}
    finally:
        s.close()
    for t in AGGREGATES:
        pd.testing.assert_frame_equal(stored[t], again[t], check_dtype=False, obj=t)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def _kill_points(phases: list[str]) -> dict[int, str]:
    """The first and the last call of every phase (1-based), and the very first call."""
    points: dict[int, str] = {}
    for phase in dict.fromkeys(phases):
        where = [i + 1 for i, p in enumerate(phases) if p == phase]
        points[where[0]] = phase
        points[where[-1]] = phase
    return dict(sorted(points.items()))


def test_a_killed_import_or_undo_leaves_all_or_nothing(any_demo_copy_url, tmp_path):
    url = any_demo_copy_url
    s = Store(url)
    try:
        file = _household_file(s, tmp_path / "households-94-2567.csv")
    finally:
        s.close()
    before = _state(url)
    assert before["consistent"]
    phases_file = tmp_path / "phases.txt"
    counted = _drive(url, file, 0, phases_file)
    assert counted.returncode == 0, counted.stderr
    phases = phases_file.read_text().split("\n")
    points = _kill_points(phases)
    assert {"reading", "checking", "writing", "committing", "refreshing"} <= set(points.values())
    for kill_at, phase in points.items():
        run = _drive(url, file, kill_at, tmp_path / "killed.txt")
        assert run.returncode == -9, (phase, run.stdout, run.stderr)
        assert (tmp_path / "killed.txt").read_text() == phase
        assert _state(url) == before, f"killed while {phase} (call {kill_at})"
    # The same file then imports in full, and its undo killed while refreshing changes nothing.
    done = _drive(url, file, 10**9, tmp_path / "none.txt")
    assert done.returncode == 0, done.stderr
    batch = int(done.stdout.split()[-1])
    after = _state(url)
    assert after["consistent"] and after["target_poor"] != before["target_poor"]
    assert after["batches"][-1] == (batch, "committed")
    _aggregates_equal_a_recomputation(url)
    undo_phases = tmp_path / "undo-phases.txt"
    assert _drive(url, file, 0, undo_phases, "--undo", str(batch)).returncode == 0
    undo_points = _kill_points(undo_phases.read_text().split("\n"))
    refreshing = [k for k, p in undo_points.items() if p == "refreshing"]
    assert refreshing
    run = _drive(url, file, refreshing[-1], tmp_path / "killed.txt", "--undo", str(batch))
    assert run.returncode == -9
    assert _state(url) == after
    _aggregates_equal_a_recomputation(url)
