"""Consistency checks of an import, shown in the preview and the report (warnings, not rejections).

Children against their parent and against a national row (gap in %), areas that are not
DOPA units, duplicate areas, values outside the indicator's bounds and years outside the
range an indicator has. Rows are rejected elsewhere; these say what looks wrong in what
would be committed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from data.importer.parsing import Factors
from data.importer.specs import ImportSpec, header_key
from data.store import Store

# A gap between the sum of the children and their parent above this share (in %) is a warning.
GAP_WARN_PCT = 5.0
_LIST = 50  # values listed per check; the count is always complete
# Units whose values add up over areas (counts and money); rates and shares do not.
_ADDITIVE = re.compile(
    r"^(คน|ราย|ครัวเรือน|หลังคาเรือน|บาท|ล้านบาท|พันบาท|แห่ง|หลัง|ราย|people|persons|person|"
    r"households|household|baht|millionbaht|thousandbaht|cases|count|number|จำนวน)$")
# What is compared, per kind: group columns and the value column.
_GROUPS = {"indicators": (("indicator_code", "year", "disaggregation"), "value"),
           "poverty_published": (("measure", "year"), "value")}


def additive_unit(unit: object) -> bool:
    return isinstance(unit, str) and bool(_ADDITIVE.match(header_key(unit)))


def run_checks(store: Store, spec: ImportSpec, table: pd.DataFrame, reason: pd.Series,
               detail: pd.Series, values: pd.DataFrame,
               threshold: float = GAP_WARN_PCT,
               reason_codes: tuple[np.ndarray, np.ndarray] | None = None,
               factors: Factors | None = None) -> dict[str, Any]:
    """``reason_codes``: each row's reason as an index into the reasons (-1 for none), when
    the caller kept them; ``factors``: the columns' codes worked out by earlier stages."""
    # Row masks from the distinct reasons (a handful), spread to the rows by code.
    if reason_codes is None:
        r_at, r_u = pd.factorize(reason.to_numpy(dtype=object), use_na_sentinel=True)
    else:
        r_at, r_u = reason_codes
    r_u = np.asarray(r_u, dtype=object)
    ok = r_at < 0
    factors = factors or Factors(len(table))

    def having(*codes: str) -> np.ndarray:
        hit = np.isin(r_u, list(codes))
        return hit[r_at] & ~ok if len(r_u) else np.zeros(len(r_at), dtype=bool)

    dup_codes = ["dup_file_replace", "dup_file_keep", "dup_file_reject"]
    out: dict[str, Any] = {"threshold_pct": threshold,
                           "non_dopa": _listed(detail[having("non_dopa")]),
                           "duplicates": _listed(detail[having(*dup_codes)])}
    if spec.kind in _GROUPS and "area_code" in table:
        keys, value = _GROUPS[spec.kind]
        additive = _additive_rows(store, spec, table, factors)
        live_mask = ok & additive
        live = table[live_mask] if live_mask.any() else table.iloc[0:0]
        out["hierarchy"] = _hierarchy(store, live, keys, value, threshold)
        aggregate = having("aggregate")
        national = aggregate.copy()
        if aggregate.any():
            national[aggregate] = detail[aggregate].astype(str).str.startswith(
                "national").to_numpy(dtype=bool)
        nat_mask = national & additive
        out["national"] = _national(table[nat_mask], live, keys, value, threshold) \
            if nat_mask.any() and len(live) else []
    if spec.kind == "indicators":
        out.update(_indicator_ranges(store, table, ok, factors))
    out["warnings"] = sum(1 for r in out.get("hierarchy", []) + out.get("national", [])
                          if r["warn"]) + sum(
        int(out[k]["rows"]) for k in ("non_dopa", "duplicates", "bounds", "years") if k in out)
    return out


def _listed(cells: pd.Series) -> dict[str, Any]:
    values = cells.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) not in ("string", "empty"):
        values = cells.astype(str).to_numpy(dtype=object)
    # Text is its own text: its distinct values in order of first appearance, without
    # converting every cell to pandas' string type and back.
    distinct = pd.unique(values)
    return {"rows": int(len(values)), "distinct": int(len(distinct)),
            "values": distinct[:_LIST].tolist()}


def _additive_rows(store: Store, spec: ImportSpec, table: pd.DataFrame,
                   factors: Factors) -> np.ndarray:
    if spec.kind != "indicators":
        return np.ones(len(table), dtype=bool)
    cat = factors.memo.get("catalogue")
    # The catalogue the builder read (a unit read as NaN or None is no unit alike), else read.
    units = dict(zip(cat["indicator_code"], cat["unit"], strict=True)) if cat is not None \
        else dict(store.rows("SELECT indicator_code, unit FROM sdg_indicators"))
    at, codes = factors.text("table.indicator_code", table["indicator_code"])
    add = np.array([isinstance(c, str) and additive_unit(units.get(c)) for c in codes],
                   dtype=bool)
    return add[at] if len(add) else np.zeros(len(table), dtype=bool)


def _key(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.Series:
    out = frame[keys[0]].astype(str)
    for k in keys[1:]:
        out = out + " · " + frame[k].astype(str)
    return out


def _hierarchy(store: Store, live: pd.DataFrame, keys: tuple[str, ...], value: str,
               threshold: float) -> list[dict[str, Any]]:
    """Each parent in the file against the sum of its children in the file."""
    if live.empty:
        return []
    code = live["area_code"].astype(str)
    frame = pd.DataFrame({"code": code, "parent": code.str[:-2].where(code.str.len() > 2),
                          "key": _key(live, keys), "value": live[value].astype(float)})
    children = frame[frame.parent.notna()].groupby(["parent", "key"]).agg(
        children_sum=("value", "sum"), children=("code", "nunique")).reset_index()
    parents = frame[["code", "key", "value"]].rename(
        columns={"code": "parent", "value": "parent_value"})
    both = children.merge(parents, on=["parent", "key"])
    if both.empty:
        return []
    expected = dict(store.rows(
        "SELECT parent_code, COUNT(*) FROM areas WHERE parent_code = ANY(?) GROUP BY 1",
        [sorted(both.parent.unique().tolist())]))
    both["expected"] = both.parent.map(expected).fillna(0).astype(int)
    return _gaps(both.rename(columns={"children_sum": "sum"}), "parent_value", threshold)


def _national(national: pd.DataFrame, live: pd.DataFrame, keys: tuple[str, ...], value: str,
              threshold: float) -> list[dict[str, Any]]:
    """The file's national row against the sum of its province rows."""
    if national.empty or live.empty:
        return []
    provinces = live[live["area_code"].astype(str).str.len() == 2]
    sums = pd.DataFrame({"key": _key(provinces, keys),
                         "value": provinces[value].astype(float)}).groupby("key").agg(
        sum=("value", "sum"), children=("value", "size")).reset_index()
    nat = pd.DataFrame({"key": _key(national, keys),
                        "national_value": national[value].astype(float)}).drop_duplicates("key")
    both = sums.merge(nat, on="key")
    both["parent"] = "TH"
    both["expected"] = 77
    return _gaps(both, "national_value", threshold)


def _gaps(both: pd.DataFrame, reference: str, threshold: float) -> list[dict[str, Any]]:
    ref = both[reference].astype(float)
    gap = (both["sum"] - ref) / ref.where(ref != 0) * 100.0
    both = both.assign(gap_pct=gap.round(2), warn=gap.abs().fillna(0) > threshold,
                       _size=-gap.abs().fillna(0))
    both = both.sort_values(["warn", "_size"], ascending=[False, True])
    return [{"parent": r.parent, "key": r.key, "reference": float(getattr(r, reference)),
             "sum": float(r.sum), "children": int(r.children), "expected": int(r.expected),
             "gap_pct": None if pd.isna(r.gap_pct) else float(r.gap_pct), "warn": bool(r.warn)}
            for r in both.itertuples(index=False)]


def _indicator_ranges(store: Store, table: pd.DataFrame, ok: np.ndarray,
                      factors: Factors) -> dict[str, Any]:
    """Values beyond the catalogue's bounds and years outside the indicator's stored range
    (of the rows that would be committed: ``ok``)."""
    at, u = factors.text("table.indicator_code", table["indicator_code"])
    at = at[ok]
    present = np.bincount(at, minlength=len(u)) > 0
    codes = sorted({c for c, p in zip(u.tolist(), present.tolist(), strict=True)
                    if p and isinstance(c, str)})
    if not codes:
        return {"bounds": {"rows": 0, "examples": []}, "years": {"rows": 0, "years": []}}
    spans = _bounds_and_spans(store, codes, factors)

    def per_code(column: int) -> np.ndarray:
        """A catalogue column for each distinct indicator of the file (NaN when absent)."""
        nan = float("nan")
        got = np.array([spans[c][column] if isinstance(c, str) and c in spans else nan
                        for c in u], dtype=float)
        return got[at] if len(got) else np.zeros(0)

    lo, hi = per_code(0), per_code(1)
    v = table["value"].astype(float).to_numpy()[ok]
    beyond = (~np.isnan(lo) & (v < lo)) | (~np.isnan(hi) & (v > hi))
    hit = np.flatnonzero(beyond)[:_LIST]
    # The indicator and area of the listed rows only (not of every row).
    listed = np.flatnonzero(ok)[hit]
    ind = table["indicator_code"].to_numpy(dtype=object)[listed]
    area = table["area_code"].to_numpy(dtype=object)[listed]
    examples = [f"{c} {a}: {v[i]:g} ∉ [{lo[i] if lo[i] == lo[i] else float('-inf'):g}, "
                f"{hi[i] if hi[i] == hi[i] else float('inf'):g}]"
                for i, c, a in zip(hit, ind, area, strict=True)]
    year = _years(table, factors)[ok]
    outside = year > dt.date.today().year
    first, last = per_code(2), per_code(3)
    outside |= (~np.isnan(first) & (year < first - 1)) | (~np.isnan(last) & (year > last + 1))
    return {"bounds": {"rows": int(beyond.sum()), "examples": examples},
            "years": {"rows": int(outside.sum()),
                      "years": sorted(int(y) for y in pd.unique(year[outside & ~np.isnan(year)]))}}


def _bounds_and_spans(store: Store, codes: list[str],
                      factors: Factors) -> dict[str, tuple[float, float, float, float]]:
    """Each of ``codes`` (those in the catalogue) -> (lower bound, upper bound, first and
    last stored year), NaN where there is none. The bounds from the catalogue the builder
    read when it did, else read with the spans."""
    def num(x: Any) -> float:
        return float("nan") if x is None or pd.isna(x) else float(x)

    cat = factors.memo.get("catalogue")
    if cat is None:
        rows = store.rows(
            "SELECT c.indicator_code, c.lower_bound, c.upper_bound, s.first, s.last "
            "FROM sdg_indicators c LEFT JOIN (SELECT indicator_code, MIN(year) AS first, "
            "MAX(year) AS last FROM sdg_values WHERE indicator_code = ANY(?) GROUP BY 1) s "
            "ON s.indicator_code = c.indicator_code WHERE c.indicator_code = ANY(?)",
            [codes, codes])
        return {r[0]: (num(r[1]), num(r[2]), num(r[3]), num(r[4])) for r in rows}
    wanted = set(codes)
    spans = {r[0]: (r[1], r[2]) for r in store.rows(
        "SELECT indicator_code, MIN(year), MAX(year) FROM sdg_values "
        "WHERE indicator_code = ANY(?) GROUP BY 1", [codes])}
    nan = float("nan")
    return {c: (num(lo), num(hi), *(num(y) for y in spans.get(c, (nan, nan))))
            for c, lo, hi in zip(cat["indicator_code"], cat["lower_bound"], cat["upper_bound"],
                                 strict=True) if c in wanted}


def _years(table: pd.DataFrame, factors: Factors) -> np.ndarray:
    """Each row's year as a float (NaN when missing): from the distinct years an earlier
    stage kept, else from the column."""
    got = factors.get("table.year")
    if got is None or len(got[0]) != len(table):
        return table["year"].astype(float).to_numpy()
    codes, uniques = got
    return uniques.astype(float).to_numpy()[codes]
