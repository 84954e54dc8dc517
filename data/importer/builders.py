"""What each kind of import writes: the table built from parsed fields, with each kind's checks.

A builder takes the parsed fields (one row per file record) and flags the rows it refuses on
``rows``; the table it returns keeps the file's row index.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from data.importer.parsing import Factors, canonical
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


_DISAGGREGATIONS = {"": "total", "total": "total", "รวม": "total", "ทั้งหมด": "total",
                    "ชาย": "sex=male", "male": "sex=male", "หญิง": "sex=female",
                    "female": "sex=female", "sexmale": "sex=male", "sexfemale": "sex=female",
                    "sex=male": "sex=male", "sex=female": "sex=female"}
_LEVEL_OF_WIDTH = {2: "province", 4: "district", 6: "subdistrict", 8: "village"}


def _disaggregation_of(cell: object) -> str:
    k = header_key("total" if cell is None or (isinstance(cell, float) and cell != cell)
                   else str(cell))
    return _DISAGGREGATIONS.get(k, k)


def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and x != x)


_LOOKUPS: dict[tuple[tuple[Any, Any, Any], ...], dict[str, str]] = {}


def _indicator_lookup(labels: tuple[tuple[Any, Any, Any], ...]) -> dict[str, str]:
    """Header key of an indicator's code or name -> its code, from the catalogue's (code,
    Thai name, English name) rows; the last few catalogues' lookups are kept (the same
    catalogue is read by every check)."""
    got = _LOOKUPS.get(labels)
    if got is not None:
        return got
    lookup: dict[str, str] = {}
    for code, *names in labels:
        for label in (code, *names):
            if label:
                lookup.setdefault(header_key(label), code)
    if len(_LOOKUPS) >= 4:
        _LOOKUPS.clear()
    _LOOKUPS[labels] = lookup
    return lookup


def _build_indicators(store: Store, v: pd.DataFrame, rows: Rows) -> pd.DataFrame:
    """Every check runs on the distinct cells (a few indicators, units, area widths) and is
    spread to the rows by their codes: no per-row text work on a large file."""
    # The bounds too: the checks read them from here (``Factors.memo``), not again.
    cat = store.query("SELECT indicator_code, name_th, name_en, un_code, unit, levels, "
                      "lower_bound, upper_bound FROM sdg_indicators")
    lookup = _indicator_lookup(tuple(zip(cat["indicator_code"].tolist(), cat["name_th"].tolist(),
                                         cat["name_en"].tolist(), strict=True)))
    units = dict(zip(cat.indicator_code, cat.unit, strict=True))
    levels = dict(zip(cat.indicator_code, cat.levels, strict=True))
    factors = getattr(rows, "factors", None) or Factors(len(v))
    factors.memo["catalogue"] = cat
    ind_at, ind_u = factors.text("values.indicator", v["indicator"])
    code_u = np.array([lookup.get(header_key(x)) if isinstance(x, str) else None
                       for x in ind_u], dtype=object)
    code = pd.Series(code_u[ind_at], index=v.index, dtype=object)
    unknown_u = np.array([c is None and not _missing(x) for c, x in zip(code_u, ind_u,
                                                                        strict=True)])
    rows.flag(unknown_u[ind_at], "indicator_unknown", v["indicator"])
    # The unit each indicator has in the catalogue, per distinct indicator.
    exp_u = [units.get(c) if c is not None else None for c in code_u]
    has_exp_u = np.array([not _missing(u) for u in exp_u], dtype=bool)
    exp_key_u = np.array([_unit_key(u if isinstance(u, str) else "") for u in exp_u],
                         dtype=object)
    header_unit = v.attrs.get("header_unit")
    given = v["unit"] if "unit" in v else pd.Series(None, index=v.index, dtype=object)
    g_at, g_u = factors.text("values.unit", given)
    g_u = np.array([header_unit if header_unit and _missing(x) else x for x in g_u],
                   dtype=object)
    has_given_u = np.array([not _missing(x) for x in g_u], dtype=bool)
    has_unit = has_given_u[g_at] & has_exp_u[ind_at]
    if has_unit.any():
        g_key_u = np.array([_unit_key(str(x)) if not _missing(x) else "" for x in g_u],
                           dtype=object)
        # Compared once per pair of a distinct unit and a distinct indicator, then spread.
        differs = (g_key_u[:, None] != exp_key_u[None, :]).astype(bool).reshape(-1)
        mismatch = has_unit & differs[g_at * len(exp_key_u) + ind_at]

        def unit_detail() -> pd.Series:
            shown = pd.Series(g_u[g_at], index=v.index, dtype=object)
            return shown.astype(str) + " ≠ " + code.map(units).astype(str)

        rows.flag(mismatch, "unit", unit_detail)
    if "area_code" in v:
        _flag_area_levels(v, code, code_u, ind_at, levels, rows, factors)
    value = v["value"]
    pct = pd.Series((exp_key_u == "%")[ind_at], index=v.index)
    low = (value < 0).to_numpy()
    high = (value > 100).to_numpy()
    over = pct.to_numpy() & (low | high)
    rows.flag(over, "range", lambda: value[over].astype(str) + " %")
    under = ~pct.to_numpy() & has_exp_u[ind_at] & low
    rows.flag(under, "range", lambda: value[under].astype(str))
    factors.put("table.indicator_code", ind_at, code_u)
    return _indicator_table(v, code, factors)


def _indicator_table(v: pd.DataFrame, code: pd.Series, factors: Factors) -> pd.DataFrame:
    """What an indicator import writes; the codes of its key columns are kept for the later
    stages (duplicates, checks), which would otherwise factorise them again."""
    d_at, d_u = factors.text("values.disaggregation", v["disaggregation"])
    dis_u = np.array([_disaggregation_of(x) for x in d_u], dtype=object)
    dis = pd.Series(dis_u[d_at] if len(dis_u) else np.array([], dtype=object), index=v.index,
                    dtype=object)
    factors.put("table.disaggregation", d_at, dis_u)
    for name in ("area_code", "year"):
        got = factors.get(f"values.{name}")
        if got is not None:
            factors.put(f"table.{name}", *got)
    # The columns as they are (one block each; copy-on-write keeps them apart from ``v``).
    return pd.DataFrame({"indicator_code": code, "area_code": v.get("area_code"),
                         "year": v["year"], "disaggregation": dis, "value": v["value"]},
                        copy=False)


def _flag_area_levels(v: pd.DataFrame, code: pd.Series, code_u: np.ndarray,
                      ind_at: np.ndarray, levels: dict[str, str], rows: Rows,
                      factors: Factors) -> None:
    """Rows whose area is at a level the indicator is not published at (per distinct
    indicator and code width)."""
    # Each code once (the areas stage gives one per distinct cell: thousands of unknown
    # cells share the missing code): the per-code work below runs on the distinct codes.
    a_at, a_u = canonical(*factors.text("values.area_code", v["area_code"]))
    names = (None, "province", "district", "subdistrict", "village")
    lvl_u = np.array([names.index(_LEVEL_OF_WIDTH.get(len(x))) if isinstance(x, str)
                      and len(x) in _LEVEL_OF_WIDTH else 0 for x in a_u], dtype=np.int64)
    allowed = np.array([[not c or (lv or "") in str(levels.get(c, "")).split(",")
                         for lv in names] for c in code_u], dtype=bool).reshape(-1)
    verdict = allowed[ind_at * len(names) + lvl_u[a_at]]
    area_given = np.array([not _missing(x) for x in a_u], dtype=bool)[a_at]
    rows.flag(~verdict & area_given, "area_level",
              lambda: code.astype(str) + " @ " + v["area_code"].astype(str))


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
