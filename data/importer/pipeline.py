"""From a file to a preview: columns, cells, areas and duplicates checked; nothing written.

Columns are matched, cells parsed, areas resolved, rows checked, and duplicates
resolved by the chosen policy (``commit`` writes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from data.importer import parsing
from data.importer.areas import AreaMatcher
from data.importer.checks import run_checks
from data.importer.errors import ImportFailure, reason_text
from data.importer.mapping import Mapping, Shaped, apply_mapping
from data.importer.published import build_poverty_published
from data.importer.reading import ROW, RawTable, read_table
from data.importer.specs import (
    POLICIES,
    Field,
    ImportSpec,
    header_key,
    spec_for,
)
from data.importer.suggest import suggest_mapping
from data.scope import AccessScope
from data.store import Store

KEY = "__key"
EXISTING_ID = "__existing_id"
GOALS = "__goals"


@dataclass
class ImportPreview:
    """Everything a steward checks before committing, and what the commit writes."""

    kind: str
    file_name: str
    sha256: str
    file_bytes: int
    policy: str
    rows_read: int
    accepted: pd.DataFrame
    rejected: pd.DataFrame
    replaced: pd.DataFrame
    areas: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    existing_batch: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {"read": self.rows_read, "accepted": len(self.accepted),
                "rejected": len(self.rejected), "replaced": len(self.replaced)}

    def rejected_report(self, lang: str = "en") -> pd.DataFrame:
        """Rejected rows with their source line and a readable reason (for download)."""
        df = self.rejected.copy()
        reasons = [reason_text(c, d, lang) for c, d in zip(df["reason"], df["detail"],
                                                           strict=True)]
        out = pd.DataFrame({"row": df[ROW].to_numpy(), "reason": reasons})
        source = df.drop(columns=[ROW, "reason", "detail"], errors="ignore").rename(
            columns={"__year": "year", "__value": "value"})
        return pd.concat([out, source.reset_index(drop=True)], axis=1)


class _Rows:
    """Per-row rejection bookkeeping: the first reason found for a row is kept."""

    def __init__(self, index: pd.Index) -> None:
        self.reason = pd.Series(None, index=index, dtype=object)
        self.detail = pd.Series("", index=index, dtype=object)

    def flag(self, mask: pd.Series, code: str, detail: Any) -> None:
        mask = mask.fillna(False).astype(bool) & self.reason.isna()
        if not mask.any():
            return
        self.reason[mask] = code
        if callable(detail):  # built only when some row is flagged
            detail = detail()
        if isinstance(detail, pd.Series):
            self.detail[mask] = detail[mask].astype(str)
        else:
            self.detail[mask] = str(detail)

    @property
    def ok(self) -> pd.Series:
        return self.reason.isna()


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def preview_import(store: Store, scope: AccessScope, data: bytes, file_name: str, kind: str,
                   policy: str = "reject", mapping: Mapping | None = None,
                   raw: RawTable | None = None) -> ImportPreview:
    """Read, map, check and resolve a file for ``kind``; raises ImportFailure for a refused
    file (``unmapped`` when required fields have no source yet).

    Without ``mapping`` the suggested one is used (headers first, then values); the notes
    say which field came from where and why. ``raw``: the file as already read (by
    ``plan_import``), so that a large file is read once.
    """
    spec = spec_for(kind)
    if policy not in POLICIES:
        raise ImportFailure("unknown_policy", policy=policy)
    raw = raw if raw is not None else read_table(data, file_name)
    matcher = AreaMatcher.from_store(store)
    reasons: dict[str, str] = {}
    if mapping is None:
        mapping, suggestions, _profiles = suggest_mapping(raw.frame, spec, matcher)
        reasons = {s.field: s.reason for s in suggestions}
    shaped = apply_mapping(raw.frame, spec, mapping, file_name)
    frame = shaped.frame
    notes = _notes(raw, shaped, mapping, reasons)
    rows = _Rows(frame.index)
    values = _parse_fields(frame, spec, rows, shaped.columns)
    values.attrs["header_unit"] = shaped.units.get("value")
    _resolve_areas(matcher, spec, scope, frame, shaped.columns, values, rows)
    if matcher.approximate:
        notes["approximate_matches"] = {k: f"{v} {matcher.name.get(v, '')}"
                                        for k, v in matcher.approximate.items()}
    table = BUILDERS[kind](store, values, rows)
    table = _resolve_duplicates(store, spec, table, rows, policy)
    notes["checks"] = run_checks(store, spec, table, rows.reason, rows.detail, values)
    return _preview(store, spec, data, file_name, policy, frame, table, rows, notes)


def _notes(raw: RawTable, shaped: Shaped, mapping: Mapping,
           reasons: dict[str, str]) -> dict[str, Any]:
    return {"format": raw.file_format, "encoding": raw.encoding, "header_row": raw.header_row,
            "header_rows": raw.header_rows, "sheet": raw.sheet, "headers": raw.headers,
            "ignored_columns": shaped.ignored, "units": shaped.units,
            "columns": {**{k: v for k, v in shaped.columns.items() if not v.startswith("__")},
                        **shaped.measure_columns},
            "constants": shaped.constants, "mapping": mapping.to_dict(),
            "suggested_by": reasons, "hidden_characters": raw.hidden,
            **({"wide_years": shaped.wide_years, "wide_empty_cells": shaped.wide_empty}
               if shaped.wide_years else {})}


def _resolve_areas(matcher: AreaMatcher, spec: ImportSpec, scope: AccessScope,
                   frame: pd.DataFrame, columns: dict[str, str], values: pd.DataFrame,
                   rows: _Rows) -> None:
    area_fields = [f.name for f in spec.fields if f.kind == "area" and f.name in columns]
    if not area_fields:
        return
    cells = {name: frame[columns[name]] for name in area_fields}
    codes, reason, detail = matcher.resolve(cells, spec.area_levels, indented=True)
    for code in ("missing", "aggregate", "non_dopa", "area_unknown", "area_level"):
        rows.flag(reason == code, code, detail)
    values["area_code"] = codes
    prov = map_unique(codes, lambda c: c[:2] if isinstance(c, str) else "")
    values["province_code"] = prov
    if not scope.all_provinces:
        allowed = prov.isin(sorted(scope.provinces or ())) | codes.isna()
        rows.flag(~allowed, "out_of_scope", codes)


def _preview(store: Store, spec: ImportSpec, data: bytes, file_name: str, policy: str,
             frame: pd.DataFrame, table: pd.DataFrame, rows: _Rows,
             notes: dict[str, Any]) -> ImportPreview:
    ok = rows.ok
    accepted = table[ok].copy()
    replaced = accepted[accepted[EXISTING_ID].notna()][[KEY, EXISTING_ID]].copy() \
        if EXISTING_ID in accepted else accepted.iloc[0:0][[KEY]]
    shown = frame.rename(columns={c: c.removeprefix("__set_") for c in frame.columns
                                  if c.startswith("__set_")})
    rejected = shown.loc[~ok].copy()
    rejected.insert(0, "reason", rows.reason[~ok])
    rejected.insert(1, "detail", rows.detail[~ok])
    sha = file_sha256(data)
    if notes.get("constants"):
        # The same bytes with another year or indicator set for the whole file are another
        # import: the constants are part of what makes a batch "the same file twice".
        extra = json.dumps(notes["constants"], sort_keys=True, ensure_ascii=False)
        sha = file_sha256(data + b"\x00" + extra.encode("utf-8"))
    existing = store.scalar(
        "SELECT MIN(batch_id) FROM import_batches WHERE sha256 = ? AND kind = ? "
        "AND status = 'committed'", [sha, spec.kind])
    preview = ImportPreview(
        kind=spec.kind, file_name=file_name, sha256=sha, file_bytes=len(data), policy=policy,
        rows_read=len(frame), accepted=accepted, rejected=rejected, replaced=replaced,
        notes=notes, existing_batch=int(existing) if existing is not None else None)
    if "area_code" in accepted:
        preview.areas = sorted(accepted["area_code"].dropna().unique().tolist())
    year_col = spec.year_column or spec.date_year_column
    if year_col and year_col in accepted and len(accepted):
        col = accepted[year_col]
        years = col.dt.year if spec.date_year_column else col
        preview.years = sorted(int(y) for y in pd.Series(years).dropna().unique())
    return preview


# -- cells --------------------------------------------------------------------------------------
def _choice_lookup(f: Field) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, labels in (f.choices or {}).items():
        for label in (code, *labels):
            out[header_key(label)] = code
    return out


def _parse_unique(raw: pd.Series, f: Field) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values, bad, missing) for the distinct cells of one column."""
    text = parsing.clean_text(raw)
    missing = parsing.is_missing(text)
    if f.kind == "text":
        values: pd.Series = text.where(~missing, None)
        bad = pd.Series(False, index=text.index)
    elif f.kind in ("int", "float"):
        values, bad = parsing.parse_number(text)
        if f.kind == "int":
            bad = bad | (values.notna() & (values % 1 != 0))
    elif f.kind == "year":
        values, bad = parsing.parse_year(text)
    elif f.kind == "date":
        values, bad = parsing.parse_date(text)
    elif f.kind == "bool":
        values, bad = parsing.parse_bool(text)
        missing = values.isna() & ~bad
    elif f.kind == "choice":
        lookup = _choice_lookup(f)
        values = text.map(lambda v, lk=lookup: lk.get(header_key(v)) if v else None)
        bad = values.isna() & ~missing
    elif f.kind == "goals":
        values, bad = parsing.parse_goals(text)
    else:  # pragma: no cover - a spec error
        raise ValueError(f.kind)
    return values, bad.astype(bool), missing.astype(bool)


def _parse_fields(frame: pd.DataFrame, spec: ImportSpec, rows: _Rows,
                  mapping: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for f in spec.fields:
        if f.kind == "area":
            continue
        col = mapping.get(f.name)
        if col is None:
            out[f.name] = f.default
            continue
        values, bad, missing = parsing.by_unique(
            frame[col], lambda u, f=f: _parse_unique(u, f))
        code = {"int": "number", "float": "number", "year": "year", "date": "date",
                "bool": "bool", "choice": "choice", "goals": "choice"}.get(f.kind, "invalid")
        if bad.any():
            rows.flag(bad, code, lambda f=f, c=col: f"{f.en}: " + frame[c].astype(str))
        if f.required and f.default is None:
            rows.flag(missing, "missing", f"{f.th} / {f.en}")
        if f.default is not None:
            values = values.where(~missing, f.default) if f.kind != "bool" else \
                values.fillna(f.default)
        out[f.name] = values
    return out


# -- kinds --------------------------------------------------------------------------------------
_UNIT_SYNONYMS = {"%": "%", "ร้อยละ": "%", "percent": "%", "percentage": "%", "pct": "%",
                  "เปอร์เซ็นต์": "%"}


def _unit_key(unit: object) -> str:
    if not isinstance(unit, str):
        return ""
    k = header_key(unit)
    return _UNIT_SYNONYMS.get(k, _UNIT_SYNONYMS.get(unit.strip(), k))


def map_unique(s: pd.Series, fn: Any) -> pd.Series:
    """``s.map(fn)`` computed once per distinct value (a file repeats a few values a lot)."""
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=False)
    done = np.array([fn(u) for u in uniques], dtype=object)
    return pd.Series(done[codes] if len(done) else np.array([], dtype=object), index=s.index,
                     dtype=object)


def _disaggregation(text: pd.Series) -> pd.Series:
    k = map_unique(text.fillna("total").astype(str), header_key)
    mapping = {"": "total", "total": "total", "รวม": "total", "ทั้งหมด": "total",
               "ชาย": "sex=male", "male": "sex=male", "หญิง": "sex=female",
               "female": "sex=female", "sexmale": "sex=male", "sexfemale": "sex=female",
               "sex=male": "sex=male", "sex=female": "sex=female"}
    return map_unique(k, lambda v: mapping.get(v, v))


def _build_indicators(store: Store, v: pd.DataFrame, rows: _Rows) -> pd.DataFrame:
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


def _build_catalogue(store: Store, v: pd.DataFrame, rows: _Rows) -> pd.DataFrame:
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


def _build_households(store: Store, v: pd.DataFrame, rows: _Rows) -> pd.DataFrame:
    from data.catalogue import DEPRIVATION_COLUMNS

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


def _build_partners(store: Store, v: pd.DataFrame, rows: _Rows) -> pd.DataFrame:
    return pd.DataFrame({"name": v["name"], "name_en": v["name_en"], "sector": v["sector"],
                         "home_province": v.get("area_code")})


def _goal_lists(v: pd.DataFrame) -> pd.Series:
    if "goals" not in v:
        return pd.Series([[] for _ in range(len(v))], index=v.index, dtype=object)
    return v["goals"].map(lambda g: g if isinstance(g, list) else [])


def _build_activities(store: Store, v: pd.DataFrame, rows: _Rows) -> pd.DataFrame:
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


def _build_plan_projects(store: Store, v: pd.DataFrame, rows: _Rows) -> pd.DataFrame:
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


def _build_debt_cases(store: Store, v: pd.DataFrame, rows: _Rows) -> pd.DataFrame:
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


# -- keys and duplicates ------------------------------------------------------------------------
def key_parts(df: pd.DataFrame, columns: tuple[str, ...]) -> list[pd.Series]:
    """Each key column as text, written the same way for file rows and stored rows."""
    parts = []
    for col in columns:
        s = df[col]
        if s.dtype.kind == "M" or str(s.dtype).startswith("datetime"):
            t = pd.to_datetime(s, errors="coerce").dt.strftime("%Y-%m-%d")
        elif s.dtype.kind == "f":
            t = map_unique(s, lambda x: "" if pd.isna(x) else f"{x:.2f}")
        elif s.dtype.kind in "iu" or str(s.dtype) in ("Int64", "Int32"):
            t = s.astype("Int64").astype("string")
        else:
            first = s.dropna().iloc[0] if s.notna().any() else None
            if isinstance(first, dt.date):
                t = pd.to_datetime(s, errors="coerce").dt.strftime("%Y-%m-%d")
            else:
                t = s.astype("string")
        parts.append(t.fillna("").astype(str))
    return parts


def _joined(parts: list[pd.Series], mask: np.ndarray | None = None) -> pd.Series:
    picked = [p[mask] if mask is not None else p for p in parts]
    out = picked[0]
    for p in picked[1:]:
        out = out + "|" + p
    return out


def key_text(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """One text key per row, built the same way for file rows and stored rows."""
    if not columns:
        return pd.Series("", index=df.index)
    return _joined(key_parts(df, columns))


def _existing_keys(store: Store, spec: ImportSpec, table: pd.DataFrame) -> pd.DataFrame:
    cols = list(spec.key) + ([spec.id_column] if spec.id_column else []) + ["batch_id"]
    select = ", ".join(cols)
    if spec.kind == "indicators":
        codes = sorted(table["indicator_code"].dropna().unique().tolist())
        if not codes:
            return pd.DataFrame(columns=cols)
        return store.query(f"SELECT {select} FROM sdg_values WHERE indicator_code = ANY(?)",
                           [codes])
    if "province_code" in table and spec.kind != "partners":
        provs = sorted(table["province_code"].dropna().unique().tolist())
        return store.query(f"SELECT {select} FROM {spec.table} WHERE province_code = ANY(?)",
                           [provs])
    return store.query(f"SELECT {select} FROM {spec.table}")


def _resolve_duplicates(store: Store, spec: ImportSpec, table: pd.DataFrame, rows: _Rows,
                        policy: str) -> pd.DataFrame:
    """Keys repeated in the file and keys already stored, by ``policy``.

    Keys are compared as tuples of their columns (hashed in C); the joined text key is
    written only for the rows that need it (duplicates and replaced rows).
    """
    table = table.copy()
    parts = key_parts(table, spec.key)
    keys = pd.MultiIndex.from_arrays(parts)
    table[KEY] = pd.Series("", index=table.index, dtype=object)
    ok = rows.ok.to_numpy()
    keep = {"replace": "last", "keep": "first", "reject": False}[policy]
    dup = np.zeros(len(table), dtype=bool)
    dup[ok] = keys[ok].duplicated(keep=keep)
    if dup.any():
        table.loc[dup, KEY] = _joined(parts, dup).to_numpy()
        rows.flag(pd.Series(dup, index=table.index), f"dup_file_{policy}", table[KEY])
    existing = _existing_keys(store, spec, table[rows.ok])
    table[EXISTING_ID] = pd.Series(pd.NA, index=table.index, dtype=object)
    if existing.empty:
        return table
    stored = pd.MultiIndex.from_arrays(key_parts(existing, spec.key))
    hit = keys.isin(stored) & rows.ok.to_numpy()
    if not hit.any():
        return table
    table.loc[hit, KEY] = _joined(parts, hit).to_numpy()
    if policy == "replace":
        ident = (existing[spec.id_column].to_numpy(dtype=object) if spec.id_column else
                 _joined(key_parts(existing, spec.key)).to_numpy(dtype=object))
        found = pd.Series(ident, index=stored)
        found = found[~found.index.duplicated()]
        table.loc[hit, EXISTING_ID] = found.reindex(keys[hit]).to_numpy()
    else:
        rows.flag(pd.Series(hit, index=table.index), f"dup_store_{policy}", table[KEY])
    return table
