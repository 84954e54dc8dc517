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
import pyarrow as pa
import pyarrow.compute as pc

from data.importer import parsing
from data.importer.areas import AreaMatcher
from data.importer.builders import BUILDERS, GOALS  # noqa: F401  (commit.py reads GOALS here)
from data.importer.checks import run_checks
from data.importer.errors import ImportFailure, reason_text
from data.importer.mapping import Mapping, Shaped, apply_mapping
from data.importer.parsing import map_unique
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


# The columns whose codes later stages of a kind read (parsing.Factors), by kind.
FACTORS = {"indicators": frozenset({
    "values.indicator", "values.unit", "values.disaggregation", "values.year",
    "values.area_code", "table.indicator_code", "table.disaggregation", "table.year",
    "table.area_code"})}


class _Rows:
    """Per-row rejection bookkeeping: the first reason found for a row is kept.

    Plain arrays underneath (a flag is a few vector operations on a hundred thousand rows,
    not a pandas alignment); ``reason``, ``detail`` and ``ok`` are Series on the file's index.
    """

    def __init__(self, index: pd.Index, kind: str = "") -> None:
        self.index = index
        self._reason = np.full(len(index), None, dtype=object)
        self._detail = _texts(len(index))
        self._free = np.ones(len(index), dtype=bool)
        # Each row's reason as a small integer too (-1: none): checks group rows by reason.
        self._code = np.full(len(index), -1, dtype=np.int16)
        self._codes: list[str] = []
        self.factors = parsing.Factors(len(index), FACTORS.get(kind, frozenset()))

    def _mask(self, mask: Any) -> np.ndarray:
        if isinstance(mask, pd.Series):
            if not mask.index.equals(self.index):
                mask = mask.reindex(self.index)
            if mask.dtype != bool:
                mask = mask.fillna(False).astype(bool)
            return mask.to_numpy(dtype=bool)
        return np.asarray(mask, dtype=bool)

    def flag(self, mask: Any, code: str, detail: Any) -> None:
        # The rows flagged, found once (each boolean mask below would look through every row).
        m = np.flatnonzero(self._mask(mask) & self._free)
        if not len(m):
            return
        self._free[m] = False
        self._reason[m] = code
        if code not in self._codes:
            self._codes.append(code)
        self._code[m] = self._codes.index(code)
        if callable(detail):  # built only when some row is flagged
            detail = detail()
        if isinstance(detail, pd.Series):
            if not detail.index.equals(self.index):
                detail = detail.reindex(self.index)
            picked = detail.to_numpy(dtype=object)[m] if detail.dtype == object else None
            if picked is None or pd.api.types.infer_dtype(picked, skipna=False) != "string":
                # Text already is its own text (one pass in C tells); anything else is
                # written as text by pandas.
                picked = detail.iloc[m].astype(str).to_numpy(dtype=object)
            self._detail[m] = picked
        elif isinstance(detail, tuple) or (isinstance(detail, np.ndarray)
                                           and detail.dtype == object):
            # Each row's detail already (a Series over it would copy the array first), or
            # (codes, distinct details): only the flagged rows' details are spread.
            picked = detail[1].take(detail[0][m]) if isinstance(detail, tuple) else detail[m]
            if pd.api.types.infer_dtype(picked, skipna=False) != "string":
                picked = pd.Series(picked, dtype=object).astype(str).to_numpy(dtype=object)
            self._detail[m] = picked
        else:
            self._detail[m] = str(detail)

    @property
    def reason(self) -> pd.Series:
        return pd.Series(self._reason, index=self.index, dtype=object)

    @property
    def detail(self) -> pd.Series:
        return pd.Series(self._detail, index=self.index, dtype=object)

    @property
    def ok(self) -> pd.Series:
        return pd.Series(self._free, index=self.index)

    def reason_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """(each row's reason as an index into the reasons, -1 for none; the reasons)."""
        return self._code, np.array(self._codes, dtype=object)

    @property
    def free(self) -> np.ndarray:
        """Rows without a reason yet, as a boolean array (no copy: do not change it)."""
        return self._free


def _texts(n: int) -> np.ndarray:
    """``n`` empty texts: the one "" object in every cell (``np.full(n, "", object)`` makes a
    new text object for each cell, ten times slower)."""
    out = np.empty(n, dtype=object)
    out.fill("")
    return out


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
    rows = _Rows(frame.index, kind)
    read = _read_codes(raw, shaped)
    values = _parse_fields(frame, spec, rows, shaped.columns, read)
    values.attrs["header_unit"] = shaped.units.get("value")
    _resolve_areas(matcher, spec, scope, frame, shaped.columns, values, rows, read)
    if matcher.approximate:
        notes["approximate_matches"] = {k: f"{v} {matcher.name.get(v, '')}"
                                        for k, v in matcher.approximate.items()}
    table = BUILDERS[kind](store, values, rows)
    table = _resolve_duplicates(store, spec, table, rows, policy)
    notes["checks"] = run_checks(store, spec, table, rows.reason, rows.detail, values,
                                 reason_codes=rows.reason_codes(), factors=rows.factors)
    return _preview(store, spec, data, file_name, policy, frame, table, rows, notes)


def _read_codes(raw: RawTable, shaped: Shaped) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The reader's codes of the columns of the mapped frame: the file's own columns keep
    their rows when no column became rows (a constant only adds a column)."""
    if shaped.wide_years or shaped.measure_columns or len(shaped.frame) != len(raw.frame):
        return {}
    return {col: got for col in shaped.frame.columns
            if (got := raw.column_codes(raw.frame, col)) is not None}


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
                   rows: _Rows,
                   read: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> None:
    """Each row's area resolved (``read``: the reader's codes of the file's columns, so that
    an area column is not factorised again)."""
    area_fields = [f.name for f in spec.fields if f.kind == "area" and f.name in columns]
    if not area_fields:
        return
    cells = {name: frame[columns[name]] for name in area_fields}
    known = {name: got for name in area_fields
             if (got := (read or {}).get(columns[name])) is not None}
    # Reasons and provinces are worked out once per distinct result, then spread to the rows.
    at, (code_u, reason_u, detail_u) = matcher.resolve_distinct(cells, spec.area_levels,
                                                                indented=True, factors=known)
    index = frame.index
    # The details are spread to the flagged rows only; the spread arrays are new: Series over
    # them, not copies (pandas copies an array given to a Series unless told not to).
    detail = (at, detail_u) if len(at) else detail_u
    for code in ("missing", "aggregate", "non_dopa", "area_unknown", "area_level"):
        hit = reason_u == code
        if hit.any():
            rows.flag(hit[at], code, detail)
    codes = pd.Series(code_u[at] if len(at) else code_u, index=index, dtype=object, copy=False)
    values["area_code"] = codes
    rows.factors.put("values.area_code", at if len(at) else np.zeros(0, dtype=np.intp), code_u)
    prov_u = np.array([c[:2] if isinstance(c, str) else "" for c in code_u], dtype=object)
    prov = pd.Series(prov_u[at] if len(at) else prov_u, index=index, dtype=object, copy=False)
    values["province_code"] = prov
    if not scope.all_provinces:
        allowed = set(scope.provinces or ())
        allowed_u = np.array([p in allowed or c is None or (isinstance(c, float) and c != c)
                              for p, c in zip(prov_u, code_u, strict=True)], dtype=bool)
        rows.flag(~allowed_u[at], "out_of_scope", codes)


def _preview(store: Store, spec: ImportSpec, data: bytes, file_name: str, policy: str,
             frame: pd.DataFrame, table: pd.DataFrame, rows: _Rows,
             notes: dict[str, Any]) -> ImportPreview:
    # Row selections by plain boolean arrays (the frames share the file's index: nothing to
    # align), and taken once: boolean selection gives new frames already (copy-on-write).
    ok = rows.free.copy()
    accepted = table[ok]
    if EXISTING_ID in table:
        found = ok & ~pd.isna(table[EXISTING_ID].to_numpy(dtype=object))
        replaced = table[[KEY, EXISTING_ID]][found]
    else:
        replaced = table.iloc[0:0][[KEY]]
    shown = frame.rename(columns={c: c.removeprefix("__set_") for c in frame.columns
                                  if c.startswith("__set_")})
    bad = ~ok
    rejected = shown[bad]
    for at, (name, cells) in enumerate((("reason", rows._reason), ("detail", rows._detail))):
        rejected.insert(at, name, pd.Series(cells[bad], index=rejected.index, dtype=object))
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
        preview.areas = sorted(a for a in _distinct(accepted, "area_code", ok, rows.factors)
                               if a is not None and a == a)
    year_col = spec.year_column or spec.date_year_column
    if year_col and year_col in accepted and len(accepted):
        if not spec.date_year_column and rows.factors.get(f"table.{year_col}") is not None:
            # The distinct years the accepted rows use, from the codes (not every row's).
            years = _distinct(accepted, year_col, ok, rows.factors)
        else:
            col = accepted[year_col]
            years = pd.unique(pd.Series(col.dt.year if spec.date_year_column else col))
        preview.years = sorted(int(y) for y in years if pd.notna(y))
    return preview


def _distinct(accepted: pd.DataFrame, col: str, ok: np.ndarray,
              factors: parsing.Factors) -> list[Any]:
    """The distinct values of an accepted column: from the codes of the table's column when
    a stage kept them (the values the accepted rows use), else from the cells."""
    got = factors.get(f"table.{col}")
    if got is None:
        return list(pd.unique(accepted[col].to_numpy(dtype=object)))
    codes, uniques = got
    used = np.bincount(codes[ok], minlength=len(uniques)) > 0
    return list(pd.unique(uniques.to_numpy(dtype=object)[used]))


# -- cells --------------------------------------------------------------------------------------
def _choice_lookup(f: Field) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, labels in (f.choices or {}).items():
        for label in (code, *labels):
            out[header_key(label)] = code
    return out


def _parse_unique(raw: pd.Series, f: Field) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values, bad, missing) for the distinct cells of one column."""
    if f.kind in ("int", "float"):
        # parse_number cleans the cells itself, and only those that are no plain number; a
        # missing cell is the one left without a value that is not bad.
        values, bad = parsing.parse_number(raw)
        missing = values.isna() & ~bad
        if f.kind == "int":
            bad = bad | (values.notna() & (values % 1 != 0))
        return values, bad.astype(bool), missing.astype(bool)
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
                  mapping: dict[str, str],
                  read: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> pd.DataFrame:
    """Each mapped field parsed once per distinct cell and spread to the rows by the codes
    (the reader's, ``read``, when it kept them); the codes and the parsed distinct values
    are kept for the later stages (``rows.factors``)."""
    # The parsed columns are put together once (a column added at a time rebuilds the
    # frame's index of columns each time); a field without a column gets its default after.
    columns: dict[str, pd.Series] = {}
    defaults: list[tuple[int, str, Any]] = []
    for f in spec.fields:
        if f.kind == "area":
            continue
        col = mapping.get(f.name)
        if col is None:
            defaults.append((len(columns) + len(defaults), f.name, f.default))
            continue
        got = (read or {}).get(col)
        codes, uniques = got if got is not None else parsing.factorize_text(frame[col])
        values, bad, missing = _parse_unique(pd.Series(uniques, dtype=object), f)
        code = {"int": "number", "float": "number", "year": "year", "date": "date",
                "bool": "bool", "choice": "choice", "goals": "choice"}.get(f.kind, "invalid")
        bad_u, missing_u = bad.to_numpy(dtype=bool), missing.to_numpy(dtype=bool)
        if bad_u.any():
            rows.flag(bad_u[codes], code, lambda f=f, c=col: f"{f.en}: " + frame[c].astype(str))
        if f.required and f.default is None and missing_u.any():
            rows.flag(missing_u[codes], "missing", f"{f.th} / {f.en}")
        if f.default is not None:
            values = values.where(~missing, f.default) if f.kind != "bool" else \
                values.fillna(f.default)
        # The parser's dtype is kept (text stays plain objects, not inferred as pandas strings).
        columns[f.name] = pd.Series(values.array.take(codes), index=frame.index,
                                    dtype=values.dtype)
        rows.factors.put(f"values.{f.name}", codes, values)
    out = pd.DataFrame(columns, index=frame.index, copy=False)
    for at, name, default in defaults:
        out.insert(at, name, default)
        rows.factors.put(f"values.{name}", np.zeros(len(frame), dtype=np.intp),
                         out[name].iloc[:1])
    return out


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


def _free_indicators(table: pd.DataFrame, free: np.ndarray,
                     factors: parsing.Factors) -> list[str]:
    """The indicator codes the rows still free hold."""
    at, u = factors.text("table.indicator_code", table["indicator_code"])
    used = np.bincount(at[free], minlength=len(u)) > 0 if len(at) else np.zeros(0, bool)
    return sorted({c for c, hit in zip(u.tolist(), used.tolist(), strict=True)
                   if hit and isinstance(c, str)})


def _existing_keys(store: Store, spec: ImportSpec, table: pd.DataFrame, free: np.ndarray,
                   factors: parsing.Factors) -> pd.DataFrame:
    """The stored keys the rows still free (``free``) may meet."""
    cols = list(spec.key) + ([spec.id_column] if spec.id_column else [])
    select = ", ".join(cols)
    if spec.kind == "indicators":
        codes = _free_indicators(table, free, factors)
        if not codes:
            return pd.DataFrame(columns=cols)
        # Text and integer columns only: read as plain arrays (no DataFrame conversion).
        got = store.arrays(f"SELECT {select} FROM sdg_values WHERE indicator_code = ANY(?)",
                           [codes])
        return pd.DataFrame({c: _stored_column(got[c]) for c in cols})
    table = table[free]
    if "province_code" in table and spec.kind != "partners":
        provs = sorted(table["province_code"].dropna().unique().tolist())
        return store.query(f"SELECT {select} FROM {spec.table} WHERE province_code = ANY(?)",
                           [provs])
    return store.query(f"SELECT {select} FROM {spec.table}")


# A key column with at most this many distinct texts in the file is numbered by its position
# in a list (one expression); a longer one by a join (a hash table). Each join costs the
# database about a millisecond to plan, a position in a short list next to nothing.
_POSITION_TEXTS = 32
# A filter's values up to this many are written as an IN list (a plain filter); more as
# ``= ANY(?)``, which DuckDB plans as a join.
_IN_LIST_VALUES = 64


def _in_filter(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    """``column IN (?, ...)`` for a few values, ``column = ANY(?)`` for many."""
    if len(values) <= _IN_LIST_VALUES:
        return f"{column} IN ({', '.join('?' * len(values))})", list(values)
    return f"{column} = ANY(?)", [values]


def _stored_key_ids(store: Store, spec: ImportSpec, table: pd.DataFrame,
                    parts: list[tuple[np.ndarray, np.ndarray]], free: np.ndarray,
                    factors: parsing.Factors) -> np.ndarray | None:
    """The ids (as ``_key_ids`` numbers them) of the stored indicator values that can meet a
    row still free, matched in the database: each key column's text (as ``key_parts``
    writes it, NULL as "") is numbered by its position among the file's distinct texts of
    that column, so only stored keys whose every part the file holds come back, and as
    those positions (small integers; no stored text is read back and hashed again). Only
    the free rows' indicators and years are read. None when the ids would not fit one
    number (``_key_ids`` then renumbers) or the kind is not an indicator import."""
    if spec.kind != "indicators" or spec.id_column or not parts:
        return None
    sizes = [max(1, len(texts)) for _codes, texts in parts]
    if int(np.prod(sizes, dtype=object)) >= 2 ** 62:
        return None
    codes = _free_indicators(table, free, factors)
    if not codes:
        return np.zeros(0, dtype=np.int64)
    where = [_in_filter("v.indicator_code", codes)]
    years = _used(factors.get("table.year"), free)
    if years is not None and len(years) and not pd.isna(years).any():
        where.append(_in_filter("v.year", sorted({int(y) for y in years})))
    picks, joins, pick_params, join_params = [], [], [], []
    for i, (col, (_codes, texts)) in enumerate(zip(spec.key, parts, strict=True)):
        text = f"COALESCE(CAST(v.{col} AS TEXT), '')"
        listed = [str(t) for t in texts]
        if len(listed) <= _POSITION_TEXTS:
            picks.append(f"array_position(CAST(? AS TEXT[]), {text}) AS k{i}")
            pick_params.append(listed)
        else:
            picks.append(f"k{i}.n AS k{i}")
            joins.append(f"JOIN unnest(CAST(? AS TEXT[])) WITH ORDINALITY AS k{i}(t, n) "
                         f"ON {text} = k{i}.t")
            join_params.append(listed)
    params = [v for _sql, values in where for v in values]
    got = store.arrays(
        f"SELECT {', '.join(picks)} FROM {spec.table} v {' '.join(joins)} "
        f"WHERE {' AND '.join(sql for sql, _values in where)}",
        [*pick_params, *join_params, *params])
    # A text the file does not hold has no position (NULL, read as NaN): that key cannot match.
    known = np.ones(len(got["k0"]), dtype=bool)
    for i in range(len(parts)):
        k = got[f"k{i}"]
        if k.dtype.kind == "f":
            known &= ~np.isnan(k)
    ids = np.zeros(int(known.sum()), dtype=np.int64)
    for i, size in enumerate(sizes):
        ids = ids * size + (np.asarray(got[f"k{i}"][known], dtype=np.int64) - 1)
    return ids


def _used(got: tuple[np.ndarray, pd.Series] | None, rows: np.ndarray) -> np.ndarray | None:
    """The distinct values a factorised column (codes, uniques) holds on ``rows``, or None
    when no stage kept its codes."""
    if got is None:
        return None
    codes, uniques = got
    present = np.bincount(codes[rows], minlength=len(uniques)) > 0 if len(codes) else \
        np.zeros(len(uniques), dtype=bool)
    return uniques.to_numpy(dtype=object)[present]


def _text_codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, texts): each cell's key text (as ``key_parts`` writes it) as a code into the
    distinct texts. The text is written once per distinct cell, not once per row."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if s.dtype == object:
        if pd.api.types.infer_dtype(uniques, skipna=False) not in ("string", "empty"):
            # Mixed Python objects (1 and 1.0 hash alike but are written differently): per row.
            codes, uniques = pd.factorize(key_parts(s.to_frame("c"), ("c",))[0].to_numpy(
                dtype=object))
            return codes.astype(np.int64), np.asarray(uniques, dtype=object)
        text = np.asarray(uniques, dtype=object)  # text is its own key text
    else:
        text = key_parts(pd.Series(uniques, dtype=s.dtype).to_frame("c"), ("c",))[0].to_numpy(
            dtype=object)
    # Distinct cells may be written alike (1.001 and 1.0 as "1.00"): codes of the texts.
    tcodes, texts = pd.factorize(np.append(text, ""))
    return tcodes[codes].astype(np.int64, copy=False), np.asarray(texts, dtype=object)


def _key_codes(table: pd.DataFrame, col: str,
               factors: parsing.Factors) -> tuple[np.ndarray, np.ndarray]:
    """``_text_codes(table[col])`` from the column's codes kept by an earlier stage (the key
    text written once per distinct value, the rows' codes taken over), else from the cells."""
    got = factors.get(f"table.{col}")
    s = table[col]
    if got is None or len(got[0]) != len(s):
        return _text_codes(s)
    codes, uniques = got
    uniques = pd.Series(uniques.to_numpy(dtype=object) if s.dtype == object else uniques.array,
                        dtype=s.dtype)
    if s.dtype == object:
        if pd.api.types.infer_dtype(uniques, skipna=True) not in ("string", "empty"):
            return _text_codes(s)  # mixed Python objects: as _text_codes does them
        # Text is its own key text, a missing value "" (what key_parts writes); every cell
        # that is no text is a missing one (the test above), found in one compiled pass.
        text = uniques.to_numpy(dtype=object, copy=True)
        text[pd.isna(text)] = ""
    elif str(s.dtype) == "Int64":
        # An integer is written as its digits (as key_parts writes it), a missing one as "";
        # a few distinct years written in Python, not through pandas' string conversion.
        text = np.array(["" if v is pd.NA else str(int(v)) for v in uniques.array],
                        dtype=object)
    else:
        text = key_parts(uniques.to_frame("c"), ("c",))[0].to_numpy(dtype=object)
    tcodes, texts = pd.factorize(np.append(text, ""))
    return tcodes[codes].astype(np.int64, copy=False), np.asarray(texts, dtype=object)


def _key_ids(parts: list[tuple[np.ndarray, np.ndarray]], existing: pd.DataFrame | None,
             columns: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """One integer per distinct key text, the same for file rows and stored rows.

    ``parts``: each key column's (codes, texts) of the file rows (``_text_codes``). Returns
    the file rows' ids and the stored rows' ids (-1 where a stored key holds a text the file
    has nowhere, so it cannot match).
    """
    n = len(parts[0][0]) if parts else 0
    m = 0 if existing is None else len(existing)
    ids = np.zeros(n + m, dtype=np.int64)
    absent = np.zeros(m, dtype=bool)
    # The codes of the columns as the digits of one number when it fits in 62 bits (no
    # hashing); otherwise renumbered after each column.
    radix = int(np.prod([max(1, len(t)) for _, t in parts], dtype=object)) < 2 ** 62
    for col, (fc, ftexts) in zip(columns, parts, strict=True):
        both = fc
        if m:
            sc, stexts = _text_codes(existing[col])  # type: ignore[index]
            sc = pd.Index(ftexts).get_indexer(stexts)[sc]
            absent |= sc < 0
            both = np.concatenate([fc, np.where(sc < 0, 0, sc)])
        ids = ids * max(1, len(ftexts)) + both
        if not radix:
            ids, _ = pd.factorize(ids)
    stored = np.where(absent, -1, ids[n:]) if m else np.array([], dtype=np.int64)
    return ids[:n].astype(np.int64), stored.astype(np.int64)


def _key_text_of(parts: list[tuple[np.ndarray, np.ndarray]], mask: np.ndarray) -> np.ndarray:
    """The joined key text ("a|b|c") of the rows in ``mask`` only."""
    if not parts:
        return np.array([""] * int(mask.sum()), dtype=object)
    # Joined in Arrow: each column's distinct texts converted once, taken by the rows'
    # codes and joined in one compiled pass (a Python join per row cost 1 us a row). The
    # rows are found once (a boolean mask applied to each column costs a pass over all rows).
    at = np.flatnonzero(mask)
    pieces = [pa.array(texts, type=pa.string()).take(pa.array(codes.take(at)))
              for codes, texts in parts]
    joined = pc.binary_join_element_wise(*pieces, "|") if len(pieces) > 1 else pieces[0]
    return joined.to_numpy(zero_copy_only=False).astype(object, copy=False)


def _stored_column(values: np.ndarray) -> pd.Series:
    """A stored key column read by ``Store.arrays`` with the dtype ``Store.query`` gives it:
    text as objects, and an integer column holding NULLs (NaN there) as nullable integers."""
    if values.dtype.kind in "OUS":
        return pd.Series(values, dtype=object)
    if values.dtype.kind == "f":
        known = values[~np.isnan(values)]
        if len(known) and np.all(known == np.round(known)):
            return pd.Series(values).astype("Int64")
    return pd.Series(values)


def _dense_bound(ids: np.ndarray, stored: np.ndarray) -> int:
    """One more than the largest key id when ids are small enough to count in an array
    (a few times the rows), else 0: then they are hashed."""
    top = max(int(ids.max()) if len(ids) else -1, int(stored.max()) if len(stored) else -1)
    if top < 0 or (len(ids) and int(ids.min()) < 0):
        return 0
    return top + 1 if top < 8 * (len(ids) + len(stored)) + 65536 else 0


def _file_and_stored_ids(store: Store, spec: ImportSpec, table: pd.DataFrame,
                         parts: list[tuple[np.ndarray, np.ndarray]], rows: _Rows,
                         ) -> tuple[np.ndarray, np.ndarray, pd.DataFrame | None]:
    """(file rows' key ids, stored keys' ids (-1: cannot match), the stored keys when they
    were read as a frame). The stored keys are read first, for the rows before repeats in
    the file are flagged: at most a few more stored keys, which can only meet rows already
    flagged (left alone by the caller)."""
    stored = _stored_key_ids(store, spec, table, parts, rows.free, rows.factors)
    if stored is not None:
        return _key_ids(parts, None, spec.key)[0], stored, None
    existing = _existing_keys(store, spec, table, rows.free, rows.factors)
    if not parts:
        return (np.zeros(len(table), dtype=np.int64), np.zeros(len(existing), dtype=np.int64),
                existing)
    # File and stored keys get their ids in one pass.
    ids, stored = _key_ids(parts, existing if not existing.empty else None, spec.key)
    return ids, stored, existing


def _repeated(ids: np.ndarray, ok: np.ndarray, policy: str, dense: int) -> np.ndarray:
    """Rows in ``ok`` whose key id repeats there, the ones ``policy`` gives up."""
    keep = {"replace": "last", "keep": "first", "reject": False}[policy]
    dup = np.zeros(len(ids), dtype=bool)
    if dense and keep is False:
        # Ids are small numbers (the columns' codes as digits): counted, not hashed.
        seen = np.bincount(ids[ok], minlength=dense)
        dup[ok] = seen[ids[ok]] > 1
    else:
        dup[ok] = pd.Series(ids[ok]).duplicated(keep=keep).to_numpy()
    return dup


def _resolve_duplicates(store: Store, spec: ImportSpec, table: pd.DataFrame, rows: _Rows,
                        policy: str) -> pd.DataFrame:
    """Keys repeated in the file and keys already stored, by ``policy``.

    Keys are compared as integer ids of their texts (each column's text written once per
    distinct cell); the joined text key is written only for the rows that need it
    (duplicates and replaced rows).
    """
    index = table.index
    key_col = _texts(len(table))
    existing_id = np.full(len(table), pd.NA, dtype=object)
    parts = [_key_codes(table, col, rows.factors) for col in spec.key]
    ids, stored, existing = _file_and_stored_ids(store, spec, table, parts, rows)
    dense = _dense_bound(ids, stored)
    dup = _repeated(ids, rows.free.copy(), policy, dense)
    if dup.any():
        key_col[dup] = _key_text_of(parts, dup)
        rows.flag(dup, f"dup_file_{policy}", key_col)
    hit = _stored_hits(ids, stored, rows.free, dense)
    if hit is not None:
        key_col[hit] = _key_text_of(parts, hit)
        if policy == "replace":
            if spec.id_column and existing is not None:
                valid = stored >= 0
                ident = pd.Series(existing[spec.id_column].to_numpy(dtype=object)[valid],
                                  index=stored[valid])
                ident = ident[~ident.index.duplicated()]
                found = ident.reindex(ids[hit]).to_numpy(dtype=object)
            else:
                # The stored key's text is the file row's own (that is what matched).
                found = key_col[hit]
            existing_id[hit] = found
        else:
            rows.flag(hit, f"dup_store_{policy}", key_col)
    # The two columns are added once, when their cells are known.
    table = table.copy(deep=False)
    # The arrays are not changed after: Series over them, not copies.
    table[KEY] = pd.Series(key_col, index=index, dtype=object, copy=False)
    table[EXISTING_ID] = pd.Series(existing_id, index=index, dtype=object, copy=False)
    return table


def _stored_hits(ids: np.ndarray, stored: np.ndarray, free: np.ndarray,
                 dense: int) -> np.ndarray | None:
    """The rows still free whose key is stored (None when there is none)."""
    if not len(stored):
        return None
    valid = stored >= 0
    if dense:
        known = np.zeros(dense, dtype=bool)
        known[stored[valid]] = True
        hit = known[ids] & free
    else:
        hit = pd.Series(ids).isin(stored[valid]).to_numpy() & free
    return hit if hit.any() else None
