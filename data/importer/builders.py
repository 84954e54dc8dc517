"""What each kind of import writes: the table built from parsed fields, with each kind's checks.

A builder takes the parsed fields (one row per file record) and flags the rows it refuses on
``rows``; the table it returns keeps the file's row index.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from data.importer.parsing import map_unique
from data.importer.published import build_poverty_published
from data.importer.specs import header_key
from data.store import Store

GOALS = "__goals"


class Rows(Protocol):
    """The rejection bookkeeping a builder flags rows on (pipeline._Rows)."""

    def flag(self, mask: pd.Series, code: str, detail: Any) -> None: ...


_UNIT_SYNONYMS = {"%": "%", "ร้อยละ": "%", "percent": "%", "percentage": "%", "pct": "%",
                  "เปอร์เซ็นต์": "%"}


def _unit_key(unit: object) -> str:
    if not isinstance(unit, str):
        return ""
    k = header_key(unit)
    return _UNIT_SYNONYMS.get(k, _UNIT_SYNONYMS.get(unit.strip(), k))


def _disaggregation(text: pd.Series) -> pd.Series:
    k = map_unique(text.fillna("total").astype(str), header_key)
    mapping = {"": "total", "total": "total", "รวม": "total", "ทั้งหมด": "total",
               "ชาย": "sex=male", "male": "sex=male", "หญิง": "sex=female",
               "female": "sex=female", "sexmale": "sex=male", "sexfemale": "sex=female",
               "sex=male": "sex=male", "sex=female": "sex=female"}
    return map_unique(k, lambda v: mapping.get(v, v))


def _build_indicators(store: Store, v: pd.DataFrame, rows: Rows) -> pd.DataFrame:
    cat = store.query("SELECT indicator_code, name_th, name_en, un_code, unit, levels "
                      "FROM sdg_indicators")
    lookup: dict[str, str] = {}
    for r in cat.itertuples(index=False):
        for label in (r.indicator_code, r.name_th, r.name_en):
            if label:
                lookup.setdefault(header_key(label), r.indicator_code)
    code = map_unique(v["indicator"], lambda x: lookup.get(header_key(x)) if isinstance(x, str)
                      else None)
    rows.flag(code.isna() & v["indicator"].notna(), "indicator_unknown", v["indicator"])
    units = dict(zip(cat.indicator_code, cat.unit, strict=True))
    levels = dict(zip(cat.indicator_code, cat.levels, strict=True))
    header_unit = v.attrs.get("header_unit")
    given = v["unit"] if "unit" in v else pd.Series(None, index=v.index)
    if header_unit:
        given = given.fillna(header_unit)
    expected = code.map(units)
    has_unit = given.notna() & expected.notna()
    if has_unit.any():
        mismatch = has_unit & (map_unique(given.fillna("").astype(str), _unit_key)
                               != map_unique(expected.fillna("").astype(str), _unit_key))
        rows.flag(mismatch, "unit", lambda: given.astype(str) + " ≠ " + expected.astype(str))
    if "area_code" in v:
        lvl = v["area_code"].fillna("").astype(str).str.len().map(
            {2: "province", 4: "district", 6: "subdistrict", 8: "village"})
        pair = code.fillna("").astype(str) + "@" + lvl.fillna("").astype(str)
        verdict = {p: (not p.split("@")[0]) or p.split("@")[1] in
                   str(levels.get(p.split("@")[0], "")).split(",") for p in pair.unique()}
        rows.flag(~pair.map(verdict).astype(bool) & v["area_code"].notna(), "area_level",
                  lambda: code.astype(str) + " @ " + v["area_code"].astype(str))
    value = v["value"]
    pct = map_unique(expected, _unit_key) == "%"
    rows.flag(pct & ((value < 0) | (value > 100)), "range", lambda: value.astype(str) + " %")
    rows.flag(~pct & expected.notna() & (value < 0), "range", lambda: value.astype(str))
    out = pd.DataFrame({"indicator_code": code, "area_code": v.get("area_code"),
                        "year": v["year"], "disaggregation": _disaggregation(v["disaggregation"]),
                        "value": value})
    return out


def _build_catalogue(store: Store, v: pd.DataFrame, rows: Rows) -> pd.DataFrame:
    """Indicators with the metadata scoring needs: bounds, direction, target, levels."""
    code = v["indicator_code"].fillna("").astype(str).str.strip()
    rows.flag(~code.str.fullmatch(r"[A-Za-z0-9_.\-]{1,64}") & (code != ""), "invalid",
              "indicator code " + code)
    rows.flag(v["goal"].notna() & ~v["goal"].between(1, 17), "range",
              lambda: "goal " + v["goal"].astype(str))
    rows.flag(v["lower_bound"].notna() & v["upper_bound"].notna() &
              (v["lower_bound"] >= v["upper_bound"]), "invalid",
              lambda: "lower bound ≥ upper bound: " + v["lower_bound"].astype(str) + " ≥ "
              + v["upper_bound"].astype(str))
    rows.flag(v["decimals"].notna() & ~v["decimals"].between(0, 4), "range",
              lambda: "decimals " + v["decimals"].astype(str))
    # An SDG indicator is scored between its bounds; a measure without a goal is not scored.
    sdg = v["goal"].notna()
    rows.flag(sdg & (v["lower_bound"].isna() | v["upper_bound"].isna()), "missing",
              "ค่าต่ำสุด/สูงสุดของช่วงคะแนน / lower and upper bound (SDG indicator)")
    return pd.DataFrame({
        "indicator_code": code, "goal": v["goal"], "un_code": v["un_code"],
        "name_th": v["name_th"], "name_en": v["name_en"], "unit": v["unit"],
        "direction": v["direction"].map({"higher": 1, "lower": -1}),
        "lower_bound": v["lower_bound"], "upper_bound": v["upper_bound"],
        "target_2030": v["target_2030"], "source": v["source"], "levels": v["levels"],
        "in_index": v["in_index"].astype(bool) & sdg, "decimals": v["decimals"],
        "base_year": v["base_year"]})


def _build_households(store: Store, v: pd.DataFrame, rows: Rows) -> pd.DataFrame:
    from domain.catalogue import DEPRIVATION_COLUMNS

    code = v["area_code"].astype(object)
    rows.flag(v["members"].notna() & (v["members"] < 1), "range",
              lambda: "members " + v["members"].astype(str))
    income = v["income_per_head"]
    rows.flag(income.notna() & (income < 0), "range", lambda: "income " + income.astype(str))
    c = code.fillna("").astype(str)
    out = pd.DataFrame({
        "house_code": v["house_code"], "survey_year": v["survey_year"], "village_code": code,
        "subdistrict_code": c.str[:6], "district_code": c.str[:4], "province_code": c.str[:2],
        "members": v["members"], "income_per_head": income,
        "welfare_card": v["welfare_card"], "target_poor": v["target_poor"]})
    for col in DEPRIVATION_COLUMNS:
        out[col] = v[col].fillna(False)
    return out


def _build_partners(store: Store, v: pd.DataFrame, rows: Rows) -> pd.DataFrame:
    return pd.DataFrame({"name": v["name"], "name_en": v["name_en"], "sector": v["sector"],
                         "home_province": v.get("area_code")})


def _goal_lists(v: pd.DataFrame) -> pd.Series:
    if "goals" not in v:
        return pd.Series([[] for _ in range(len(v))], index=v.index, dtype=object)
    return v["goals"].map(lambda g: g if isinstance(g, list) else [])


def _build_activities(store: Store, v: pd.DataFrame, rows: Rows) -> pd.DataFrame:
    partners = store.query("SELECT partner_id, name, name_en, home_province FROM partners")
    by_name: dict[str, list[tuple[int, str]]] = {}
    for r in partners.itertuples(index=False):
        for label in (r.name, r.name_en, str(r.partner_id)):
            if isinstance(label, str) and label:
                by_name.setdefault(header_key(label), []).append((int(r.partner_id),
                                                                  r.home_province))
    prov = v.get("province_code", pd.Series("", index=v.index))

    def pick(name: Any, province: str) -> int | None:
        if not isinstance(name, str):
            return None
        found = by_name.get(header_key(name), [])
        ids = {pid for pid, _ in found}
        if len(ids) == 1:
            return next(iter(ids))
        local = {pid for pid, p in found if p == province}
        return next(iter(local)) if len(local) == 1 else None

    pid = pd.Series([pick(n, p) for n, p in zip(v["partner"], prov, strict=True)],
                    index=v.index, dtype="Int64")
    rows.flag(pid.isna() & v["partner"].notna(), "partner_unknown", v["partner"])
    rows.flag(v["ended_on"].notna() & v["started_on"].notna() &
              (v["ended_on"] < v["started_on"]), "invalid", "ended_on < started_on")
    for col in ("beneficiaries", "budget"):
        rows.flag(v[col] < 0, "range", lambda c=col: f"{c} " + v[c].astype(str))
    return pd.DataFrame({
        "partner_id": pid, "area_code": v.get("area_code"), "province_code": prov,
        "title": v["title"], "started_on": v["started_on"], "ended_on": v["ended_on"],
        "beneficiaries": v["beneficiaries"], "budget": v["budget"], "status": v["status"],
        GOALS: _goal_lists(v)})


def _build_plan_projects(store: Store, v: pd.DataFrame, rows: Rows) -> pd.DataFrame:
    rows.flag(v["end_date"].notna() & v["start_date"].notna() &
              (v["end_date"] < v["start_date"]), "invalid", "end_date < start_date")
    rows.flag((v["progress_pct"] < 0) | (v["progress_pct"] > 100), "range",
              lambda: "progress " + v["progress_pct"].astype(str))
    for col in ("budget_planned", "budget_spent", "beneficiaries"):
        rows.flag(v[col] < 0, "range", lambda c=col: f"{c} " + v[c].astype(str))
    last = v["last_update"]
    if not isinstance(last.dtype, np.dtype) or last.dtype.kind != "M":
        last = pd.to_datetime(last, errors="coerce")
    return pd.DataFrame({
        "area_code": v.get("area_code"), "province_code": v.get("province_code"),
        "fiscal_year": v["fiscal_year"], "name_th": v["name_th"], "name_en": v["name_en"],
        "agency": v["agency"], "budget_planned": v["budget_planned"],
        "budget_spent": v["budget_spent"], "start_date": v["start_date"],
        "end_date": v["end_date"], "status": v["status"], "progress_pct": v["progress_pct"],
        "beneficiaries": v["beneficiaries"], "last_update": last, GOALS: _goal_lists(v)})


def _build_debt_cases(store: Store, v: pd.DataFrame, rows: Rows) -> pd.DataFrame:
    rows.flag(v["debt_amount"] <= 0, "range", lambda: "debt " + v["debt_amount"].astype(str))
    for col in ("amount_reduced", "amount_refinanced"):
        rows.flag(v[col] < 0, "range", lambda c=col: f"{c} " + v[c].astype(str))
    for col in ("mediation_on", "outcome_on"):
        rows.flag(v[col].notna() & (v[col] < v["registered_on"]), "invalid",
                  f"{col} < registered_on")
    return pd.DataFrame({
        "area_code": v.get("area_code"), "province_code": v.get("province_code"),
        "registered_on": v["registered_on"], "debt_amount": v["debt_amount"],
        "creditor_type": v["creditor_type"], "stage": v["stage"],
        "mediation_on": v["mediation_on"], "outcome_on": v["outcome_on"],
        "amount_reduced": v["amount_reduced"], "amount_refinanced": v["amount_refinanced"],
        "house_code": v["house_code"], "case_no": v["case_no"]})


BUILDERS = {
    "poverty_published": build_poverty_published,
    "indicator_catalogue": _build_catalogue, "indicators": _build_indicators, "households": _build_households,
    "partners": _build_partners, "activities": _build_activities,
    "plan_projects": _build_plan_projects, "debt_cases": _build_debt_cases,
}
