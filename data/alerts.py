"""Early-warning rules: stored rules, their evaluation over the store (after every import and
on a schedule), the alerts they raise and clear, and each user's inbox and acknowledgements."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data.area_filter import parse_area, rows_inside
from data.scope import AccessScope
from data.store import Store
from domain import alert_rules as R
from domain.neighbours import province_neighbours

log = logging.getLogger("warroom")
RULE_EDITORS = ("steward", "executive", "admin")


@dataclass(frozen=True)
class Rule:
    rule_id: int
    name: str
    kind: str
    params: dict[str, Any]
    area_code: str = ""
    severity: str = "warning"
    enabled: bool = True


# -- rules ------------------------------------------------------------------------------------
def load_rules(store: Store, scope: AccessScope, enabled_only: bool = False) -> list[Rule]:
    """Rules whose area the user may see (a province's rule only for its province's users)."""
    sql = ("SELECT rule_id, name, kind, params, area_code, severity, enabled FROM alert_rules"
           + (" WHERE enabled" if enabled_only else "") + " ORDER BY rule_id")
    rules = [Rule(int(r[0]), r[1], r[2], json.loads(r[3]), r[4] or "", r[5], bool(r[6]))
             for r in store.rows(sql)]
    return [r for r in rules if _area_visible(scope, r.area_code)]


def _area_visible(scope: AccessScope, area: str) -> bool:
    if not area:
        return scope.all_provinces
    a = parse_area(area)
    if a.level == "region":
        return scope.all_provinces or all(scope.can_see_province(p) for p in a.provinces)
    return scope.can_see_province(a.province)


def _known(store: Store) -> dict[str, set[str]]:
    from data.freshness import DATASETS

    return {"indicators": {r[0] for r in store.rows("SELECT indicator_code FROM sdg_indicators")},
            "datasets": set(DATASETS)}


def save_rule(store: Store, scope: AccessScope, name: str, kind: str, params: Mapping[str, Any],
              area_code: str = "", severity: str = "warning", rule_id: int | None = None) -> int:
    """Create (or with ``rule_id`` change) a rule; stewards, executives and administrators
    only, inside their own area. Raises ``domain.alert_rules.RuleError`` on bad parameters."""
    if not scope.has_role(*RULE_EDITORS):
        raise PermissionError("rules are defined by stewards and executives")
    if not _area_visible(scope, area_code):
        raise PermissionError(area_code)
    parse_area(area_code)  # a code that is no area raises ValueError
    if severity not in R.SEVERITIES:
        raise R.RuleError("alerts_err_severity", severity)
    name = " ".join(str(name).split())[:120]
    if not name:
        raise R.RuleError("alerts_err_name")
    clean = R.validate_params(kind, params, **_known(store))
    now = dt.datetime.now()
    with store.transaction():
        store.serialise("alert_rules")
        if rule_id is None:
            rule_id = int(store.scalar("SELECT COALESCE(MAX(rule_id), 0) + 1 FROM alert_rules"))
            store.execute(
                "INSERT INTO alert_rules (rule_id, name, kind, params, area_code, severity, "
                "enabled, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?)",
                [rule_id, name, kind, json.dumps(clean, sort_keys=True), area_code, severity,
                 scope.user, now])
        else:
            store.execute("UPDATE alert_rules SET name = ?, kind = ?, params = ?, area_code = ?, "
                          "severity = ?, updated_at = ? WHERE rule_id = ?",
                          [name, kind, json.dumps(clean, sort_keys=True), area_code, severity,
                           now, int(rule_id)])
    return int(rule_id)


def set_rule_enabled(store: Store, scope: AccessScope, rule_id: int, enabled: bool) -> None:
    """Switch a rule on or off; a rule switched off clears its open alerts (kept as history)."""
    if not scope.has_role(*RULE_EDITORS):
        raise PermissionError("rules are defined by stewards and executives")
    with store.transaction():
        store.execute("UPDATE alert_rules SET enabled = ?, updated_at = ? WHERE rule_id = ?",
                      [bool(enabled), dt.datetime.now(), int(rule_id)])
        if not enabled:
            store.execute("UPDATE alerts SET resolved_at = ? WHERE rule_id = ? "
                          "AND resolved_at IS NULL", [dt.datetime.now(), int(rule_id)])


# -- evaluation -------------------------------------------------------------------------------
@dataclass
class Inputs:
    """What the rules of one run read, each loaded once however many rules use it."""

    store: Store
    as_of: dt.date
    adjacency: Callable[[], Mapping[str, tuple[str, ...]]]
    _cache: dict[Any, Any] = field(default_factory=dict)

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    def series(self) -> pd.DataFrame:
        return self.get("series", lambda: self.store.query(
            "SELECT indicator_code, area_code, year, value FROM sdg_values "
            "WHERE length(area_code) = 2 AND area_code <> 'TH' AND disaggregation = 'total'"))

    def indicator(self, indicator: str) -> pd.DataFrame:
        """One indicator's series (area_code, year, value), split off once per run."""
        def load() -> pd.DataFrame:
            by = dict(tuple(self.series().groupby("indicator_code", sort=False)))
            return {k: g[["area_code", "year", "value"]] for k, g in by.items()}
        empty = pd.DataFrame(columns=["area_code", "year", "value"])
        return self.get("by_indicator", load).get(indicator, empty)

    def latest(self, indicator: str) -> pd.DataFrame:
        def load() -> pd.DataFrame:
            s = self.indicator(indicator)
            if s.empty:
                return pd.DataFrame(columns=["area_code", "value"])
            return s[s.year == s.year.max()][["area_code", "value"]]
        return self.get(("latest", indicator), load)

    def categories(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        def load() -> tuple[pd.DataFrame, pd.DataFrame]:
            from data.sdg import sdg_index_by_area

            year = self.store.scalar("SELECT MAX(year) FROM sdg_values")
            everything = AccessScope.everything()
            if year is None:
                empty = pd.DataFrame(columns=["area_code", "category"])
                return empty, empty
            return (sdg_index_by_area(self.store, everything, "province", int(year)),
                    sdg_index_by_area(self.store, everything, "province", int(year) - 1))
        return self.get("categories", load)

    def overdue(self, item: str) -> pd.DataFrame:
        from data.tracking import overdue_by_agency

        return self.get(("overdue", item), lambda: overdue_by_agency(
            self.store, AccessScope.everything(), item, "", self.as_of))

    def freshness(self) -> pd.DataFrame:
        from data.freshness import load_freshness

        return self.get("freshness", lambda: load_freshness(
            self.store, AccessScope.everything(), self.as_of))


def evaluate_rule(rule: Rule, inputs: Inputs) -> pd.DataFrame:
    """Findings of one rule (domain.alert_rules.FINDING_COLUMNS).

    A rule judged province by province is evaluated for the whole country once per run and
    distinct parameters, then narrowed to its area: rules that differ only in their area (one
    per province) cost one evaluation.
    """
    p, area = rule.params, rule.area_code
    if rule.kind == "overdue_agency":
        return _overdue_rule(p, area, inputs)
    key = ("found", rule.kind, json.dumps(p, sort_keys=True))
    return rows_inside(inputs.get(key, lambda: _national(rule.kind, p, inputs)), area)


def _national(kind: str, p: dict[str, Any], inputs: Inputs) -> pd.DataFrame:
    if kind == "threshold":
        return R.eval_threshold(inputs.latest(p["indicator"]), p["op"], p["value"])
    if kind == "decline":
        return R.eval_decline(inputs.indicator(p["indicator"]), p["years"],
                              p.get("movement", "falls"))
    if kind == "category_drop":
        now, before = inputs.categories()
        return R.eval_category_drop(now, before, p.get("steps", 1))
    if kind == "not_reported":
        f = inputs.freshness()
        return R.eval_not_reported(f[f.dataset == p["dataset"]], p["days"])
    if kind == "neighbour_deviation":
        return R.eval_neighbour_deviation(inputs.latest(p["indicator"]), inputs.adjacency(),
                                          p["gap"], p.get("relative", False))
    raise R.RuleError("alerts_err_kind", kind)


def _overdue_rule(p: dict[str, Any], area: str, inputs: Inputs) -> pd.DataFrame:
    """Overdue items of an agency: counted inside the rule's area (a national count is not
    the sum of its provinces' findings)."""
    counts = rows_inside(inputs.overdue(p["item"]), area, "province_code")
    found = R.eval_overdue_agency(counts, p["limit"], p.get("agency", ""),
                                  p.get("per_province", False))
    if area and not p.get("per_province", False):
        found = found.assign(area_code=area, subject=found.subject + "|" + area)
    return found


@dataclass
class RunResult:
    rules: int = 0
    raised: int = 0
    resolved: int = 0
    failed: list[int] = field(default_factory=list)
    seconds: float = 0.0


def evaluate_rules(store: Store, trigger: str, *, rules: list[Rule] | None = None,
                   as_of: dt.date | None = None,
                   adjacency: Callable[[], Mapping[str, tuple[str, ...]]] | None = None,
                   writer: Store | None = None) -> RunResult:
    """Evaluate every enabled rule (or ``rules``) over ``store`` and record what they raise
    and clear in ``writer`` (default the store itself), with the run, in one transaction.

    A rule that fails is logged and counted; the others still run and its alerts stay as
    they were (a failure is not a clearance).
    """
    from data.tracking import load_as_of

    started = time.perf_counter()
    writer = writer or store
    rules = rules if rules is not None else load_rules(
        writer, AccessScope.everything(), enabled_only=True)
    inputs = Inputs(store, as_of or load_as_of(store), adjacency or province_neighbours)
    found: dict[int, pd.DataFrame] = {}
    result = RunResult(rules=len(rules))
    for rule in rules:
        try:
            found[rule.rule_id] = evaluate_rule(rule, inputs)
        except Exception:  # noqa: BLE001 - one broken rule must not silence the others
            log.exception("alert rule %s failed", rule.rule_id)
            result.failed.append(rule.rule_id)
    result.raised, result.resolved = _record(writer, found, trigger, result, started)
    result.seconds = time.perf_counter() - started
    return result


def _record(store: Store, found: dict[int, pd.DataFrame], trigger: str, result: RunResult,
            started: float) -> tuple[int, int]:
    now = dt.datetime.now()
    with store.transaction():
        store.serialise("alerts")
        ids = [int(r) for r in found]
        open_ = store.query("SELECT alert_id, rule_id, subject, value, reference FROM alerts "
                            "WHERE resolved_at IS NULL AND rule_id = ANY(?)", [ids]) if ids \
            else pd.DataFrame({"alert_id": [], "rule_id": [], "subject": [], "value": [],
                               "reference": []})
        frames = [f.assign(rule_id=r) for r, f in found.items() if len(f)]
        new = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=[*R.FINDING_COLUMNS, "rule_id"])
        key_new = set(zip(new.rule_id.astype(int), new.subject, strict=True))
        key_open = dict(zip(zip(open_.rule_id.astype(int), open_.subject, strict=True),
                            open_.alert_id.astype(int), strict=True))
        was = {int(a): (_num(v), _num(r)) for a, v, r in zip(
            open_.alert_id, open_.value, open_.reference, strict=True)}
        gone = [a for k, a in key_open.items() if k not in key_new]
        kept = new[[(int(r), s) in key_open for r, s in zip(new.rule_id, new.subject,
                                                              strict=True)]]
        fresh = new[[(int(r), s) not in key_open for r, s in zip(new.rule_id, new.subject,
                                                                   strict=True)]]
        if gone:
            store.execute("UPDATE alerts SET resolved_at = ? WHERE alert_id = ANY(?)",
                          [now, gone])
        if len(kept):
            seen = [key_open[(int(r), s)] for r, s in zip(kept.rule_id, kept.subject,
                                                          strict=True)]
            store.execute("UPDATE alerts SET last_seen_at = ? WHERE alert_id = ANY(?)",
                          [now, seen])
            moved = [(a, _num(v), _num(ref)) for a, v, ref in zip(
                seen, kept.value, kept.reference, strict=True) if was[a] != (_num(v), _num(ref))]
            _update_values(store, moved)
        if len(fresh):
            first = int(store.scalar("SELECT COALESCE(MAX(alert_id), 0) + 1 FROM alerts"))
            rows = pd.DataFrame({
                "alert_id": range(first, first + len(fresh)),
                "rule_id": fresh.rule_id.astype(int).to_numpy(),
                "subject": fresh.subject.astype(str).to_numpy(),
                "area_code": fresh.area_code.fillna("").astype(str).to_numpy(),
                "province_code": fresh.area_code.fillna("").astype(str).str[:2].to_numpy(),
                "value": pd.to_numeric(fresh.value, errors="coerce").to_numpy(),
                "reference": pd.to_numeric(fresh.reference, errors="coerce").to_numpy(),
                "raised_at": now, "last_seen_at": now})
            store.insert_df("alerts", rows)
        run_id = int(store.scalar("SELECT COALESCE(MAX(run_id), 0) + 1 FROM alert_runs"))
        store.execute(
            "INSERT INTO alert_runs (run_id, trigger_name, started_at, seconds, rules, raised, "
            "resolved, failed, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, trigger[:200], now, time.perf_counter() - started, result.rules,
             len(fresh), len(gone), len(result.failed),
             ",".join(map(str, result.failed)) or None])
    return len(fresh), len(gone)


def _update_values(store: Store, moved: list[tuple[int, float | None, float | None]]) -> None:
    """New values of alerts still open, in a few statements (one per 1,000 alerts): an
    UPDATE per alert took seconds for a few thousand on DuckDB."""
    for start in range(0, len(moved), 1000):
        chunk = moved[start:start + 1000]
        rows = ", ".join("(CAST(? AS BIGINT), CAST(? AS DOUBLE PRECISION), "
                         "CAST(? AS DOUBLE PRECISION))" for _ in chunk)
        store.execute(
            f"UPDATE alerts SET value = v.value, reference = v.reference FROM (VALUES {rows}) "
            "AS v (alert_id, value, reference) WHERE alerts.alert_id = v.alert_id",
            [x for row in chunk for x in row])


def _num(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def after_import(store: Store, batch_id: int | None) -> RunResult | None:
    """The step after an import's commit (or undo) returns: note the provinces the batch
    reported and evaluate the rules. Never raises: a rule failure must not fail an import."""
    try:
        if batch_id is not None:
            from data.freshness import record_import_provinces

            record_import_provinces(store, int(batch_id))
        return evaluate_rules(store, f"import {batch_id}")
    except Exception:  # noqa: BLE001 - the import stands; the server log has the error
        log.exception("alert evaluation after import %s failed", batch_id)
        return None
