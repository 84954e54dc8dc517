"""Column mapping: where each field of an import comes from (a column, a constant, the file name).

A mapping is plain data (a recipe stores it as JSON); ``apply_mapping`` turns a file's text
cells into the columns the checks expect, and says which columns were left unused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data.importer import parsing
from data.importer.errors import ImportFailure
from data.importer.reading import ROW
from data.importer.specs import Field, ImportSpec, header_key

SOURCES = ("column", "constant", "filename")
YEAR_COLUMN = "__year"
VALUE_COLUMN = "__value"
MEASURE_COLUMN = "__measure"


@dataclass(frozen=True)
class Source:
    """One field's origin: a column of the file, a constant for the whole file, or the part
    of the file name that a pattern captures."""

    kind: str
    value: str

    def __post_init__(self) -> None:
        if self.kind not in SOURCES:
            raise ImportFailure("bad_mapping", detail=f"unknown source {self.kind!r}")

    def describe(self) -> str:
        return {"column": "{}", "constant": "= {}", "filename": "file name ~ {}"}[
            self.kind].format(self.value)


@dataclass(frozen=True)
class Mapping:
    """Field name -> source. ``wide``: columns headed by a year become rows (year, value)."""

    fields: dict[str, Source] = field(default_factory=dict)
    wide: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"fields": {k: {"kind": s.kind, "value": s.value}
                           for k, s in sorted(self.fields.items())}, "wide": self.wide}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        try:
            fields = {str(k): Source(str(v["kind"]), str(v["value"]))
                      for k, v in dict(data.get("fields", {})).items()}
        except (KeyError, TypeError, AttributeError) as exc:
            raise ImportFailure("bad_mapping", detail=str(exc)[:120]) from exc
        return cls(fields, bool(data.get("wide", True)))

    def with_field(self, name: str, source: Source | None) -> Mapping:
        fields = dict(self.fields)
        if source is None:
            fields.pop(name, None)
        else:
            fields[name] = source
        return Mapping(fields, self.wide)

    def columns(self) -> set[str]:
        return {s.value for s in self.fields.values() if s.kind == "column"}


# -- building a mapping -----------------------------------------------------------------------
def header_lookup(spec: ImportSpec) -> dict[str, Field]:
    lookup: dict[str, Field] = {}
    for f in spec.fields:
        for h in f.headers():
            lookup.setdefault(h, f)
    return lookup


def exact_mapping(headers: list[str], spec: ImportSpec) -> Mapping:
    """Fields whose header is one of their known names (Thai, English, aliases)."""
    lookup = header_lookup(spec)
    fields: dict[str, Source] = {}
    for col in headers:
        f = lookup.get(header_key(col))
        if f is not None and f.name not in fields:
            fields[f.name] = Source("column", col)
    return Mapping(fields)


def parse_assignments(items: list[str] | None, what: str) -> list[tuple[str, str]]:
    """``["LEFT=RIGHT", ...]`` from the command line; the first ``=`` splits."""
    out = []
    for item in items or []:
        left, sep, right = item.partition("=")
        if not sep or not left.strip():
            raise ImportFailure("bad_mapping", detail=f"{what} {item!r}: expected A=B")
        out.append((left.strip(), right.strip()))
    return out


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A file-name pattern: ``{}`` marks the part taken (``*`` any text), or a regular
    expression whose first group is taken (the whole match without a group)."""
    if "{}" in pattern:
        parts = [re.escape(p).replace(r"\*", ".*") for p in pattern.split("{}")]
        text = "(.+?)".join(parts)
        return re.compile(f"^{text}$" if not pattern.startswith("*") else text, re.IGNORECASE)
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ImportFailure("bad_mapping", detail=f"pattern {pattern!r}: {exc}") from exc


def filename_value(pattern: str, file_name: str) -> str | None:
    """The part of ``file_name`` (without folders) that ``pattern`` captures, or None."""
    name = re.split(r"[\\/]", file_name)[-1]
    regex = pattern_regex(pattern)
    m = None
    if "{}" in pattern:
        # A pattern without the extension matches the name without it.
        m = regex.search(re.sub(r"\.[A-Za-z0-9]+$", "", name))
    if m is None:
        m = regex.search(name)
    if m is None:
        return None
    return (m.group(1) if m.groups() else m.group(0)).strip()


# -- applying it ----------------------------------------------------------------------------
@dataclass
class Shaped:
    """The file's records as the checks read them: field -> column of ``frame``."""

    frame: pd.DataFrame
    columns: dict[str, str]
    ignored: list[str]
    units: dict[str, str]
    wide_years: list[int] = field(default_factory=list)
    wide_empty: int = 0
    constants: dict[str, str] = field(default_factory=dict)
    measure_columns: dict[str, str] = field(default_factory=dict)


def apply_mapping(frame: pd.DataFrame, spec: ImportSpec, mapping: Mapping,
                  file_name: str) -> Shaped:
    """The mapped frame; raises ``unmapped`` naming the required fields still without a source."""
    known = {f.name for f in spec.fields}
    unknown = sorted(set(mapping.fields) - known)
    if unknown:
        raise ImportFailure("bad_mapping", detail=f"{spec.kind} has no field {', '.join(unknown)}")
    missing_cols = sorted(c for c in mapping.columns() if c not in frame.columns)
    if missing_cols:
        raise ImportFailure("bad_mapping", detail="no column " + ", ".join(missing_cols))
    columns: dict[str, str] = {}
    units: dict[str, str] = {}
    constants: dict[str, str] = {}
    added: dict[str, str] = {}
    for name, src in mapping.fields.items():
        if src.kind == "column":
            columns[name] = src.value
            unit = parsing.unit_of_header(src.value)
            if unit:
                units[name] = unit
            continue
        value = src.value if src.kind == "constant" else filename_value(src.value, file_name)
        if value is None:
            raise ImportFailure("bad_mapping",
                                detail=f"{name}: the file name {file_name} does not match "
                                       f"{src.value}")
        col = f"__set_{name}"
        added[col] = value
        columns[name] = col
        constants[name] = value
    used = set(columns.values())
    measure_cols = {name: columns.pop(name) for name in spec.measures if name in columns}
    year_cols: dict[str, int] = {}
    if spec.wide and mapping.wide and "year" not in columns and not measure_cols:
        for col in frame.columns:
            if col == ROW or col in used:
                continue
            year = parsing.year_of_header(col)
            if year is not None and year not in year_cols.values():
                year_cols[col] = year
                unit = parsing.unit_of_header(col)
                if unit:
                    units.setdefault("value", unit)
    ignored = [c for c in frame.columns if c != ROW and c not in used and c not in year_cols]
    if added:
        frame = frame.assign(**added)
    shaped = Shaped(frame, columns, ignored, units, constants=constants)
    if measure_cols:
        _melt_measures(shaped, measure_cols)
    elif year_cols:
        _melt_years(shaped, year_cols)
    _check_required(spec, shaped.columns)
    return shaped


def _melt_years(shaped: Shaped, year_cols: dict[str, int]) -> None:
    """One column per year becomes one row per (record, year); empty cells are no rows."""
    if "value" in shaped.columns:
        # A "value" column next to year columns is not expected; the years win.
        shaped.ignored.append(shaped.columns.pop("value"))
    keep = list(dict.fromkeys([*shaped.columns.values(), ROW]))
    frame = shaped.frame
    long = frame[keep + list(year_cols)].melt(id_vars=keep, var_name="__year_col",
                                              value_name=VALUE_COLUMN)
    long[YEAR_COLUMN] = long["__year_col"].map(year_cols).astype(str)
    empty = parsing.is_missing(parsing.clean_text(long[VALUE_COLUMN]))
    shaped.wide_years = sorted(year_cols.values())
    shaped.wide_empty = int(empty.sum())
    long = long[~empty].sort_values([ROW, YEAR_COLUMN], kind="stable").reset_index(drop=True)
    shaped.frame = long.drop(columns=["__year_col"])
    shaped.columns["year"] = YEAR_COLUMN
    shaped.columns["value"] = VALUE_COLUMN


def _melt_measures(shaped: Shaped, measure_cols: dict[str, str]) -> None:
    """One column per measure becomes one row per (record, measure); empty cells are no rows."""
    for name in ("measure", "value"):
        if name in shaped.columns:
            shaped.ignored.append(shaped.columns.pop(name))
    keep = list(dict.fromkeys([*shaped.columns.values(), ROW]))
    by_column = {col: name for name, col in measure_cols.items()}
    long = shaped.frame[keep + list(by_column)].melt(id_vars=keep, var_name="__measure_col",
                                                     value_name=VALUE_COLUMN)
    long[MEASURE_COLUMN] = long["__measure_col"].map(by_column)
    empty = parsing.is_missing(parsing.clean_text(long[VALUE_COLUMN]))
    long = long[~empty].sort_values([ROW], kind="stable").reset_index(drop=True)
    shaped.frame = long.drop(columns=["__measure_col"])
    shaped.columns["measure"] = MEASURE_COLUMN
    shaped.columns["value"] = VALUE_COLUMN
    shaped.measure_columns = measure_cols


def missing_fields(spec: ImportSpec, columns: dict[str, str]) -> list[Field]:
    """Required fields without a source (an area field is enough for the area)."""
    missing = [f for f in spec.fields if f.required and f.kind != "area"
               and f.name not in columns]
    area_fields = [f for f in spec.fields if f.kind == "area"]
    required_area = [f for f in area_fields if f.required]
    if required_area:
        missing += [f for f in required_area if f.name not in columns]
    elif area_fields and not any(f.name in columns for f in area_fields):
        missing.append(area_fields[0])
    return missing


def _check_required(spec: ImportSpec, columns: dict[str, str]) -> None:
    missing = missing_fields(spec, columns)
    if missing:
        raise ImportFailure("unmapped", columns=", ".join(f"{f.th} / {f.en}" for f in missing),
                            fields=[f.name for f in missing])
