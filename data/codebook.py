"""The indicator codebook (migration 140): bounds, thresholds and their reasons per indicator,
read by the scoring, edited by data stewards with every change kept (who, when, old, new, why).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from data.audit import record_event
from data.scope import AccessScope
from data.store import Store

NUMBER_FIELDS = ("direction", "optimum", "lower_bound", "green_threshold", "red_threshold")
TEXT_FIELDS = ("optimum_reason", "optimum_source", "lower_reason", "lower_source",
               "green_reason", "green_source", "red_reason", "red_source", "imputation",
               "sdg_target", "owner_agency", "update_frequency")
FIELDS = NUMBER_FIELDS + TEXT_FIELDS
FREQUENCIES = ("monthly", "quarterly", "annual", "biennial", "triennial", "quinquennial",
               "irregular")
_COLUMNS = ", ".join(("indicator_code", *FIELDS, "updated_by", "updated_at"))
_lock = threading.Lock()


def has_codebook(store: Store) -> bool:
    return store.table_exists("indicator_codebook")


def load_codebook(store: Store, scope: AccessScope) -> pd.DataFrame:
    """Every codebook row (public reference data, like the catalogue)."""
    del scope
    if not has_codebook(store):
        return pd.DataFrame(columns=["indicator_code", *FIELDS, "updated_by", "updated_at"])
    return store.query(f"SELECT {_COLUMNS} FROM indicator_codebook ORDER BY indicator_code")


def scoring_bounds(row: Mapping[str, Any]) -> tuple[float, float]:
    """(lower_bound, upper_bound) as ``domain.sdg.normalise`` takes them, from a codebook row:
    the optimum scores 100 and the lower bound (the worst value) 0, whichever the direction."""
    optimum, worst = float(row["optimum"]), float(row["lower_bound"])
    return (worst, optimum) if float(row["direction"]) > 0 else (optimum, worst)


def apply_codebook(catalogue: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """The catalogue with each coded indicator's direction and bounds taken from its codebook
    row (``bounds_from`` says which), and the codebook's fields alongside as ``cb_<field>``."""
    out = catalogue.copy()
    at = out.indicator_code.map(
        pd.Series(range(len(codebook)), index=codebook.indicator_code.to_numpy())
    ) if len(codebook) else pd.Series(float("nan"), index=out.index)
    coded = at.notna().to_numpy()
    out["bounds_from"] = np.where(coded, "codebook", "catalogue").astype(object)
    rows = at[coded].astype(int).to_numpy()
    for f in FIELDS:
        column = np.full(len(out), None, dtype=object)
        if len(rows):
            column[coded] = codebook[f].to_numpy(dtype=object)[rows]
        out[f"cb_{f}"] = column
    if len(rows):
        direction = codebook.direction.to_numpy(dtype=float)[rows]
        optimum = codebook.optimum.to_numpy(dtype=float)[rows]
        worst = codebook.lower_bound.to_numpy(dtype=float)[rows]
        # The optimum scores 100, the lower bound 0, whichever the direction.
        lower = out.lower_bound.to_numpy(dtype=float).copy()
        upper = out.upper_bound.to_numpy(dtype=float).copy()
        lower[coded] = np.where(direction > 0, worst, optimum)
        upper[coded] = np.where(direction > 0, optimum, worst)
        sign = out.direction.to_numpy().copy()
        sign[coded] = np.where(direction > 0, 1, -1)
        out["lower_bound"], out["upper_bound"], out["direction"] = lower, upper, sign
    return out


def _clean(field: str, value: Any) -> Any:
    if field in NUMBER_FIELDS:
        if value is None or (isinstance(value, str) and not value.strip()):
            if field in ("direction", "optimum", "lower_bound"):
                raise ValueError(f"{field} is required")
            return None
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise ValueError(f"{field} must be a number")
        if field == "direction":
            if number not in (1.0, -1.0):
                raise ValueError("direction is +1 (higher is better) or -1 (lower is better)")
            return int(number)
        return number
    text = "" if value is None else " ".join(str(value).split())
    if field == "update_frequency" and text and text not in FREQUENCIES:
        raise ValueError(f"update frequency is one of {', '.join(FREQUENCIES)}")
    if len(text) > 500:
        raise ValueError(f"{field} is longer than 500 characters")
    return text or None


def _check(row: Mapping[str, Any]) -> None:
    """Bounds that can score: optimum and lower bound differ; thresholds lie between them and
    green is on the optimum's side of red."""
    optimum, worst = float(row["optimum"]), float(row["lower_bound"])
    d = int(row["direction"])
    if d * (optimum - worst) <= 0:
        raise ValueError("the optimum must be better than the lower bound in the indicator's "
                         "direction")
    green, red = row.get("green_threshold"), row.get("red_threshold")
    for name, v in (("green", green), ("red", red)):
        if v is not None and not (min(optimum, worst) <= float(v) <= max(optimum, worst)):
            raise ValueError(f"the {name} threshold lies outside the bounds")
    if green is not None and red is not None and d * (float(green) - float(red)) < 0:
        raise ValueError("the green threshold must be on the optimum's side of the red one")


def save_codebook_entry(store: Store, scope: AccessScope, indicator_code: str,
                        changes: Mapping[str, Any], reason: str) -> int:
    """Set fields of one indicator's codebook row (created when missing); every changed field
    goes into the history with the reason, and the change onto the audit log.

    Stewards and administrators only; returns the number of fields changed.
    """
    if not scope.has_role("steward", "admin"):
        raise PermissionError("the codebook belongs to data stewards")
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValueError("say why the codebook changes")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown codebook fields: {sorted(unknown)}")
    if not store.scalar("SELECT COUNT(*) FROM sdg_indicators WHERE indicator_code = ?",
                        [indicator_code]):
        raise ValueError(f"unknown indicator {indicator_code!r}")
    clean = {f: _clean(f, v) for f, v in changes.items()}
    with _lock, store.transaction():
        store.serialise("indicator_codebook")
        old = store.query(f"SELECT {_COLUMNS} FROM indicator_codebook WHERE indicator_code = ?",
                          [indicator_code])
        before: dict[str, Any] = {f: (None if _missing(v) else v) for f, v in
                                  (old.iloc[0].to_dict() if len(old) else {}).items()}
        after = {f: before.get(f) for f in FIELDS} | clean
        for f in ("direction", "optimum", "lower_bound"):
            if after.get(f) is None:
                raise ValueError(f"{f} is required")
        _check(after)
        changed = [f for f in FIELDS if _text(before.get(f)) != _text(after.get(f))]
        if not changed:
            return 0
        now = dt.datetime.now()
        store.execute("DELETE FROM indicator_codebook WHERE indicator_code = ?",
                      [indicator_code])
        store.execute(
            f"INSERT INTO indicator_codebook ({_COLUMNS}) VALUES "
            f"({', '.join('?' for _ in range(len(FIELDS) + 3))})",
            [indicator_code, *(after[f] for f in FIELDS), scope.user, now])
        next_id = int(store.scalar(
            "SELECT COALESCE(MAX(change_id), 0) + 1 FROM indicator_codebook_history"))
        for offset, f in enumerate(changed):
            store.execute(
                "INSERT INTO indicator_codebook_history (change_id, indicator_code, field, "
                "old_value, new_value, reason, changed_by, changed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [next_id + offset, indicator_code, f, _text(before.get(f)),
                 _text(after.get(f)), reason, scope.user, now])
    record_event(store, scope.user, "codebook_change", None,
                 f"{indicator_code}: {', '.join(changed)}")
    return len(changed)


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _text(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def load_codebook_history(store: Store, scope: AccessScope,
                          indicator_code: str | None = None) -> pd.DataFrame:
    """Changes to the codebook, newest first (one indicator's, or all)."""
    del scope
    cols = ("change_id, indicator_code, field, old_value, new_value, reason, changed_by, "
            "changed_at")
    if not has_codebook(store):
        return pd.DataFrame(columns=[c.strip() for c in cols.split(",")])
    where, args = ("WHERE indicator_code = ?", [indicator_code]) if indicator_code else ("", [])
    return store.query(f"SELECT {cols} FROM indicator_codebook_history {where} "
                       "ORDER BY change_id DESC", args)


def demo_codebook(catalogue: pd.DataFrame, who: str = "demo") -> pd.DataFrame:
    """Demo codebook rows from a catalogue, after SDSN's conventions (docs/methods.md):
    optimum = the catalogue's best bound (a technical optimum such as 0 % or 100 %), lower
    bound = its worst bound (SDSN: the 2.5th percentile of observed values), green = the 2030
    target, red = halfway between green and the lower bound. Demo values, not official ones."""
    rows = []
    for r in catalogue.itertuples(index=False):
        if pd.isna(r.goal):
            continue
        d = 1 if r.direction > 0 else -1
        optimum = float(r.upper_bound if d > 0 else r.lower_bound)
        worst = float(r.lower_bound if d > 0 else r.upper_bound)
        green = float(r.target_2030) if pd.notna(r.target_2030) else None
        if green is not None:
            green = min(max(green, min(optimum, worst)), max(optimum, worst))
        red = None if green is None else (green + worst) / 2
        target = r.un_code.rsplit(".", 1)[0] if isinstance(r.un_code, str) else None
        rows.append({
            "indicator_code": r.indicator_code, "direction": d, "optimum": optimum,
            "lower_bound": worst, "green_threshold": green, "red_threshold": red,
            "optimum_reason": "Technical optimum or the best value any province reaches "
                              "(SDSN convention)",
            "optimum_source": "SDSN Sustainable Development Report, methodology",
            "lower_reason": "Worst value seen among provinces, rounded (SDSN: 2.5th "
                            "percentile of the observed values)",
            "lower_source": f"Demo data; {r.source}",
            "green_reason": None if green is None else
            "The indicator's 2030 target: at or beyond it the goal is met for this indicator "
            "(SDSN: green = SDG achievement)",
            "green_source": None if green is None else
            f"SDG target {target or '-'}; the 2030 value in the War Room catalogue "
            f"({r.source})",
            "red_reason": None if red is None else
            "Demo convention: halfway from the green threshold to the lower bound, so red "
            "means the area has covered less than half the way to the target (SDSN sets each "
            "red threshold from the literature and expert review)",
            "red_source": None if red is None else
            "SDSN Sustainable Development Report, methodology (dashboard thresholds); "
            "midpoint rule of the demo data",
            "imputation": "None: a missing value stays missing (SDSN imputes only "
                          "exceptionally)",
            "sdg_target": target, "owner_agency": r.source, "update_frequency": "annual",
            "updated_by": who, "updated_at": dt.datetime(2024, 1, 1),
        })
    return pd.DataFrame(rows)
