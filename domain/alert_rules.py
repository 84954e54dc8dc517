"""Early-warning rules: what each kind of rule takes, how it is checked, and what it finds.

Every evaluator is a plain function from small frames (already read and scoped) to findings:
one row per subject that breaks the rule, with columns ``subject`` (what the alert is about,
stable between runs), ``area_code``, ``value`` and ``reference`` (what it was compared with).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

RULE_KINDS = ("threshold", "decline", "category_drop", "overdue_agency", "not_reported",
              "neighbour_deviation")
SEVERITIES = ("info", "warning", "critical")
FINDING_COLUMNS = ["subject", "area_code", "value", "reference"]
CATEGORY_ORDER = ("aspirant", "performer", "front_runner", "achiever")


class RuleError(ValueError):
    """A rule whose parameters do not make sense; ``key`` names the message (a locale key)."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail


def _number(params: Mapping[str, Any], name: str, *, minimum: float | None = None,
            integer: bool = False) -> float:
    raw = params.get(name)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise RuleError("alerts_err_number", name) from None
    if not math.isfinite(value) or (minimum is not None and value < minimum):
        raise RuleError("alerts_err_number", name)
    if integer and value != int(value):
        raise RuleError("alerts_err_number", name)
    return int(value) if integer else value


def validate_params(kind: str, params: Mapping[str, Any], *, indicators: set[str] | None = None,
                    datasets: set[str] | None = None) -> dict[str, Any]:
    """The rule's parameters, checked and normalised; raises ``RuleError``."""
    if kind not in RULE_KINDS:
        raise RuleError("alerts_err_kind", str(kind))
    out: dict[str, Any] = {}
    if kind in ("threshold", "decline", "neighbour_deviation"):
        code = str(params.get("indicator") or "")
        if not code or (indicators is not None and code not in indicators):
            raise RuleError("alerts_err_indicator", code)
        out["indicator"] = code
    if kind == "threshold":
        op = params.get("op")
        if op not in ("below", "above"):
            raise RuleError("alerts_err_op", str(op))
        out.update(op=op, value=_number(params, "value"))
    elif kind == "decline":
        out["years"] = _number(params, "years", minimum=1, integer=True)
        movement = params.get("movement", "falls")
        if movement not in ("falls", "rises"):
            raise RuleError("alerts_err_op", str(movement))
        out["movement"] = movement
    elif kind == "category_drop":
        out["steps"] = _number(params, "steps", minimum=1, integer=True) \
            if params.get("steps") is not None else 1
    elif kind == "overdue_agency":
        item = params.get("item", "assistance")
        if item not in ("assistance", "debt", "project"):
            raise RuleError("alerts_err_item", str(item))
        out.update(item=item, agency=str(params.get("agency") or ""),
                   limit=_number(params, "limit", minimum=0, integer=True),
                   per_province=bool(params.get("per_province", False)))
    elif kind == "not_reported":
        dataset = str(params.get("dataset") or "")
        if not dataset or (datasets is not None and dataset not in datasets):
            raise RuleError("alerts_err_dataset", dataset)
        out.update(dataset=dataset, days=_number(params, "days", minimum=1, integer=True))
    elif kind == "neighbour_deviation":
        out.update(gap=_number(params, "gap", minimum=0),
                   relative=bool(params.get("relative", False)))
    return out


def _findings(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def eval_threshold(values: pd.DataFrame, op: str, limit: float) -> pd.DataFrame:
    """Areas whose latest value is below (or above) ``limit``. ``values``: area_code, value."""
    v = values.dropna(subset=["value"])
    hit = v[v.value < limit] if op == "below" else v[v.value > limit]
    return _findings([{"subject": a, "area_code": a, "value": float(x), "reference": limit}
                      for a, x in zip(hit.area_code, hit.value, strict=True)])


def eval_decline(series: pd.DataFrame, years: int, movement: str = "falls") -> pd.DataFrame:
    """Areas whose value fell (or rose) in each of the last ``years`` year-on-year steps.

    ``series``: area_code, year, value. The steps must be between consecutive years of the
    area's latest data: a missing year breaks the run (nothing is assumed about it).
    """
    sign = -1.0 if movement == "falls" else 1.0
    s = series.dropna(subset=["value"]).sort_values(["area_code", "year"])
    tail = s.groupby("area_code", sort=True).tail(years + 1)
    by = tail.groupby("area_code", sort=True)
    step = (by.year.diff() == 1) & (sign * by.value.diff() > 0)
    steps = step.groupby(tail.area_code, sort=True).sum()
    size = by.size()
    hit = steps.index[(steps == years) & (size == years + 1)]
    first, last = by.value.first(), by.value.last()
    return _findings([{"subject": a, "area_code": a, "value": float(last[a]),
                       "reference": float(first[a])} for a in hit])


def category_rank(category: Any) -> float:
    """Position of an SDG index category, worst 0 to best 3 (NaN for no category)."""
    return float(CATEGORY_ORDER.index(category)) if category in CATEGORY_ORDER else math.nan


def eval_category_drop(now: pd.DataFrame, before: pd.DataFrame, steps: int = 1) -> pd.DataFrame:
    """Areas whose SDG index category is at least ``steps`` lower than before.

    ``now``/``before``: area_code, category. ``value``/``reference`` are category ranks
    (0 aspirant ... 3 achiever). An area without a category in either year is not judged.
    """
    m = now[["area_code", "category"]].merge(before[["area_code", "category"]],
                                             on="area_code", suffixes=("", "_before"))
    m["rank"] = m.category.map(category_rank)
    m["rank_before"] = m.category_before.map(category_rank)
    hit = m[(m.rank_before - m["rank"]) >= steps]
    return _findings([{"subject": a, "area_code": a, "value": r, "reference": b}
                      for a, r, b in zip(hit.area_code, hit["rank"], hit.rank_before,
                                         strict=True)])


def eval_overdue_agency(counts: pd.DataFrame, limit: int, agency: str = "",
                        per_province: bool = False) -> pd.DataFrame:
    """Agencies (optionally per province) with more than ``limit`` overdue items.

    ``counts``: agency, province_code, overdue. ``agency`` limits the rule to one agency.
    """
    c = counts if not agency else counts[counts.agency == agency]
    keys = ["agency", "province_code"] if per_province else ["agency"]
    total = c.groupby(keys, as_index=False, sort=True).overdue.sum()
    hit = total[total.overdue > limit]
    rows = []
    for rec in hit.itertuples(index=False):
        province = rec.province_code if per_province else ""
        subject = f"{rec.agency}|{province}" if per_province else rec.agency
        rows.append({"subject": subject, "area_code": province, "value": float(rec.overdue),
                     "reference": float(limit)})
    return _findings(rows)


def eval_not_reported(freshness: pd.DataFrame, days: int) -> pd.DataFrame:
    """Provinces that have not reported for more than ``days`` days (or never).

    ``freshness``: province_code, days_since (NaN = never reported).
    """
    f = freshness
    hit = f[f.days_since.isna() | (f.days_since > days)]
    return _findings([{"subject": p, "area_code": p,
                       "value": None if pd.isna(d) else float(d), "reference": float(days)}
                      for p, d in zip(hit.province_code, hit.days_since, strict=True)])


def eval_neighbour_deviation(values: pd.DataFrame, adjacency: Mapping[str, tuple[str, ...]],
                             gap: float, relative: bool = False) -> pd.DataFrame:
    """Provinces whose value differs from the mean of their neighbours' values by more than
    ``gap`` (in the indicator's unit, or in percent of the neighbours' mean when
    ``relative``). A province none of whose neighbours has a value is not judged.
    """
    v = dict(zip(values.area_code, values.value.astype(float), strict=True))
    rows = []
    for area in sorted(v):
        x = v[area]
        around = [v[n] for n in adjacency.get(area, ()) if n in v and not math.isnan(v[n])]
        if math.isnan(x) or not around:
            continue
        mean = float(np.mean(around))
        diff = abs(x - mean)
        if relative:
            if mean == 0:
                continue
            diff = 100.0 * diff / abs(mean)
        if diff > gap:
            rows.append({"subject": area, "area_code": area, "value": x, "reference": mean})
    return _findings(rows)
