"""The poverty queries and the aggregate refresh on DuckDB and PostgreSQL: each engine against a
plain loop over the household rows (the oracle), then the two engines against each other."""

from __future__ import annotations

import pandas as pd
import pytest

from data import poverty as P
from data.scope import AccessScope
from data.store import Store
from domain import catalogue
from domain import poverty as pv

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("exact_counts")]

EVERYTHING = AccessScope.everything()
PATTANI = AccessScope(user="u", roles=frozenset({"provincial"}), provinces=frozenset({"94"}),
                      household_provinces=frozenset({"94"}))
WEIGHTS = pv.nested_weights({"income": 2}).key()


@pytest.fixture(scope="module")
def both(demo_db, pg_demo_url):
    duck = Store(f"duckdb:///{demo_db}", read_only=True)
    pg = Store(pg_demo_url, read_only=True)
    yield duck, pg
    duck.close()
    pg.close()


def _village(store: Store) -> str:
    return store.scalar(
        "SELECT village_code FROM households WHERE province_code = '94' AND target_poor "
        "AND survey_year = 2024 GROUP BY village_code ORDER BY COUNT(*) DESC, village_code "
        "LIMIT 1")


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    for col in df.columns:
        if df[col].dtype.kind in "iufb":
            df[col] = df[col].astype("float64").round(6)
        else:
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


@pytest.mark.parametrize("area", ["", "R:SB", "94", "9401", "940101", "village"])
@pytest.mark.parametrize("weights", [None, WEIGHTS])
def test_drilldown_parity(both, area, weights):
    duck, pg = both
    area = _village(duck) if area == "village" else area
    for scope in (EVERYTHING, PATTANI):
        a = P.poverty_by_child(duck, scope, area, 2024, 0.25, weights)
        b = P.poverty_by_child(pg, scope, area, 2024, 0.25, weights)
        pd.testing.assert_frame_equal(_norm(a), _norm(b), check_dtype=False, rtol=1e-9)
    a, b = P.poverty_trend(duck, EVERYTHING, area, 0.25, weights), \
        P.poverty_trend(pg, EVERYTHING, area, 0.25, weights)
    pd.testing.assert_frame_equal(_norm(a), _norm(b), check_dtype=False, rtol=1e-9)


def test_pipeline_households_and_years_parity(both):
    duck, pg = both
    village = _village(duck)
    pd.testing.assert_frame_equal(_norm(P.assistance_pipeline(duck, EVERYTHING, "94", 2024)),
                                  _norm(P.assistance_pipeline(pg, EVERYTHING, "94", 2024)),
                                  check_dtype=False)
    a = P.load_target_households(duck, PATTANI, village, 2024)
    b = P.load_target_households(pg, PATTANI, village, 2024)
    assert len(a) > 0
    pd.testing.assert_frame_equal(_norm(a), _norm(b), check_dtype=False)
    assert P.load_poverty_years(duck, PATTANI) == P.load_poverty_years(pg, PATTANI)


# -- the oracle: a plain loop over households, weights written out by hand -----------------
FLAGS = [i.column for i in catalogue.POVERTY_INDICATORS]
DIMS = {c: c.split("_")[1] for c in FLAGS}  # d_<dimension>_<indicator>


def _hand_weights(dimension_weights: dict[str, float]) -> dict[str, float]:
    """Each dimension's share of the total, split equally among its indicators."""
    dims = sorted(set(DIMS.values()))
    share = {d: dimension_weights.get(d, 1.0) for d in dims}
    total = sum(share.values())
    size = {d: sum(1 for c in FLAGS if DIMS[c] == d) for d in dims}
    return {c: share[DIMS[c]] / total / size[DIMS[c]] for c in FLAGS}


def _households(store: Store, province: str, year: int | None = None) -> pd.DataFrame:
    sql = f"SELECT survey_year, village_code, members, {', '.join(FLAGS)} FROM households " \
          "WHERE province_code = ?"
    params: list = [province]
    if year is not None:
        sql += " AND survey_year = ?"
        params.append(year)
    return store.query(sql, params)


def _oracle(rows: pd.DataFrame, key, k: float, weights: dict[str, float]) -> dict:
    """population, poor, H, A and MPI per group, one household at a time."""
    out: dict = {}
    for r in rows.to_dict("records"):
        score = sum(w for c, w in weights.items() if r[c])
        people = int(r["members"])
        t = out.setdefault(key(r), {"population": 0, "poor": 0, "score_poor": 0.0})
        t["population"] += people
        if score >= k - 1e-9:
            t["poor"] += people
            t["score_poor"] += people * score
    for t in out.values():
        t["h"] = t["poor"] / t["population"]
        t["a"] = t["score_poor"] / t["poor"] if t["poor"] else 0.0
        t["mpi"] = t["h"] * t["a"]
    return out


def _check(got: pd.DataFrame, code_col: str, want: dict) -> None:
    assert len(want) > 1 and sum(t["poor"] for t in want.values()) > 0
    got = got.set_index(code_col)
    assert sorted(str(c) for c in got.index) == sorted(str(c) for c in want)
    for code, t in want.items():
        row = got.loc[code]
        assert row["population"] == t["population"], code
        assert row["poor"] == t["poor"], code
        for m in ("h", "a", "mpi"):
            assert row[m] == pytest.approx(t[m], rel=1e-9, abs=1e-12), (code, m)


@pytest.mark.parametrize("engine", [0, 1], ids=["duckdb", "postgresql"])
# Cut-offs low enough for the demo's households to have poor people in each area.
@pytest.mark.parametrize(("area", "k", "dims"), [
    ("94", 0.1, {}), ("94", 0.15, {"income": 2}), ("9401", 0.05, {}),
    ("9401", 0.05, {"income": 2})])
def test_drilldown_equals_the_household_loop(both, engine, area, k, dims):
    store = both[engine]
    weights = None if not dims else pv.nested_weights(dims).key()
    got = P.poverty_by_child(store, EVERYTHING, area, 2024, k, weights)
    rows = _households(store, "94", 2024)
    rows = rows[rows.village_code.str.startswith(area)]
    want = _oracle(rows, lambda r: r["village_code"][:len(area) + 2], k, _hand_weights(dims))
    _check(got, "code", want)


@pytest.mark.parametrize("engine", [0, 1], ids=["duckdb", "postgresql"])
def test_trend_equals_the_household_loop(both, engine):
    store = both[engine]
    got = P.poverty_trend(store, PATTANI, "94", 0.1, None)
    want = _oracle(_households(store, "94"), lambda r: int(r["survey_year"]), 0.1,
                   _hand_weights({}))
    _check(got.assign(year=got.year.astype(int)), "year", want)


@pytest.mark.parametrize("engine", [0, 1], ids=["duckdb", "postgresql"])
def test_weights_by_pattern_equal_the_household_loop(both, engine):
    """Changed weights over a region's provinces and a province's years come from the
    deprivation patterns by province (poverty_patterns), not from the village profiles: the
    same figures as the household loop."""
    from domain.areas import REGIONS_NESDC

    store = both[engine]
    dims = {"health": 2, "access": 0.5}
    weights = pv.nested_weights(dims).key()
    border = next(r for r in REGIONS_NESDC if r.code == "SB")
    rows = pd.concat([_households(store, p, 2024) for p in border.provinces])
    got = P.poverty_by_child(store, EVERYTHING, "R:SB", 2024, 0.2, weights)
    _check(got, "code", _oracle(rows, lambda r: r["village_code"][:2], 0.2, _hand_weights(dims)))
    got = P.poverty_trend(store, EVERYTHING, "94", 0.2, weights)
    want = _oracle(_households(store, "94"), lambda r: int(r["survey_year"]), 0.2,
                   _hand_weights(dims))
    _check(got.assign(year=got.year.astype(int)), "year", want)


def _patterns(store: Store, year: int) -> pd.DataFrame:
    return _norm(store.query(
        "SELECT province_key, target_poor, flag_bits, households, people FROM "
        "poverty_patterns WHERE survey_year = ? ORDER BY province_key, target_poor, flag_bits",
        [year]))


def _expected_patterns(store: Store, year: int) -> pd.DataFrame:
    """poverty_patterns from the household rows, with pandas."""
    rows = store.query(f"SELECT province_code, members, target_poor, {', '.join(FLAGS)} "
                       "FROM households WHERE survey_year = ?", [year])
    rows["province_key"] = rows.province_code.astype(int)
    rows["flag_bits"] = sum(rows[c].astype(int) * 2 ** i for i, c in enumerate(FLAGS))
    return rows.groupby(["province_key", "target_poor", "flag_bits"], as_index=False).agg(
        households=("members", "size"), people=("members", "sum"))


# -- the refresh, on a copy of each engine's own --------------------------------------------
def _rollup(store: Store, year: int, level: str) -> pd.DataFrame:
    df = store.query("SELECT * FROM poverty_rollup WHERE survey_year = ? AND unit_level = ? "
                     "ORDER BY unit_code, score_units, target_poor", [year, level])
    return _norm(df)


def _expected_province_rollup(store: Store, year: int) -> pd.DataFrame:
    """The province rows of poverty_rollup from the household rows, with pandas: people by
    province, integer score (60ths, default weights) and target-poor flag."""
    units = {c: round(60 * w) for c, w in _hand_weights({}).items()}
    rows = store.query(f"SELECT province_code, members, target_poor, {', '.join(FLAGS)} "
                       "FROM households WHERE survey_year = ?", [year])
    rows["score_units"] = sum(rows[c].astype(int) * u for c, u in units.items())
    for c in FLAGS:
        rows[f"p_{c}"] = rows.members * rows[c].astype(int)
    for d in sorted(set(DIMS.values())):
        any_dim = rows[[c for c in FLAGS if DIMS[c] == d]].any(axis=1)
        rows[f"p_any_{d}"] = rows.members * any_dim.astype(int)
    sums = {f"p_{c}": (f"p_{c}", "sum") for c in FLAGS}
    sums |= {f"p_any_{d}": (f"p_any_{d}", "sum") for d in sorted(set(DIMS.values()))}
    return rows.groupby(["province_code", "score_units", "target_poor"], as_index=False).agg(
        households=("members", "size"), people=("members", "sum"), **sums)


def test_refresh_rebuilds_the_rollup_from_the_households(any_demo_copy_url):
    """Damage the 2024 aggregates, refresh 2024: its rows come back as computed from the
    households (province level, every column) and as they were (every level); 2023 untouched."""
    from data.store import open_store

    store = open_store(any_demo_copy_url)
    try:
        before = {(y, lv): _rollup(store, y, lv) for y in (2023, 2024)
                  for lv in ("province", "district", "subdistrict")}
        profiles = store.scalar("SELECT COUNT(*) FROM poverty_profiles WHERE survey_year = 2024")
        with store.transaction():
            store.execute("UPDATE poverty_rollup SET people = 0, households = 0 "
                          "WHERE survey_year = 2024 AND unit_level = 'province'")
            store.execute("DELETE FROM poverty_rollup WHERE survey_year = 2024 "
                          "AND unit_level = 'district'")
            store.execute("DELETE FROM poverty_profiles WHERE survey_year = 2024")
            store.execute("DELETE FROM poverty_patterns WHERE survey_year = 2024")
            store.execute("UPDATE poverty_patterns SET people = 0 WHERE survey_year = 2023")
        P.refresh_poverty_aggregates(store, years=[2024])
        assert store.scalar("SELECT SUM(people) FROM poverty_patterns WHERE survey_year = "
                            "2023") == 0  # a year not refreshed is left as it was
        pd.testing.assert_frame_equal(_patterns(store, 2024), _norm(_expected_patterns(
            store, 2024)), check_dtype=False)
        for key, frame in before.items():
            assert len(frame) > 0
            pd.testing.assert_frame_equal(_rollup(store, *key), frame, check_dtype=False)
        assert store.scalar("SELECT COUNT(*) FROM poverty_profiles WHERE survey_year = 2024") \
            == profiles > 0
        got = _rollup(store, 2024, "province")
        want = _norm(_expected_province_rollup(store, 2024))
        got = got.drop(columns=["survey_year", "unit_level", "parent_code", "unit_code"])
        pd.testing.assert_frame_equal(got[list(want.columns)], want, check_dtype=False)
    finally:
        store.close()
