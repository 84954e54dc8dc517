"""Suggested column mapping for an unfamiliar file: from its headers, then from its values.

Headers: each field's Thai and English names and aliases, common synonyms, a unit in
brackets, ``*_ID``/``*_CODE``/``รหัส*`` code columns and province/amphoe/tambon words.
Values: a column of 2-, 4-, 6- or 8-digit codes that are DOPA units, BE or CE years, numbers
(Thai digits and thousands separators included), and names of provinces or districts.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

import pandas as pd

from data.importer import parsing
from data.importer.areas import AreaMatcher, aggregate_kind
from data.importer.mapping import Mapping, Source, exact_mapping, header_lookup
from data.importer.reading import ROW
from data.importer.specs import ImportSpec, header_key

_SAMPLE = 400
LEVEL_WIDTH = {"province": 2, "district": 4, "subdistrict": 6, "village": 8}
# Level words in code and name headers, Thai and romanised (header_key form).
_LEVEL_WORDS = {
    "province": ("จังหวัด", "changwat", "province", "prov", "pv", "cwt", "adm1"),
    "district": ("อำเภอ", "เขต", "amphoe", "amphur", "amp", "district", "dist", "adm2"),
    "subdistrict": ("ตำบล", "แขวง", "tambon", "tambol", "tam", "subdistrict", "subdist", "adm3"),
    "village": ("หมู่บ้าน", "village", "vill", "moo", "muban"),
}
_CODE_WORDS = ("id", "code", "cd", "pcode", "รหัส", "no")
_NAME_WORDS = ("name", "ชื่อ", "th", "en", "nameth", "nameen")
# Extra header synonyms by field name, for any kind that has the field (header_key form).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "year": ("ปี", "year", "พศ", "ปีพศ", "ปีที่", "ปีข้อมูล", "yearbe", "yearce"),
    "value": ("ค่า", "value", "จำนวน", "ร้อยละ", "อัตรา", "rate", "amount", "count", "total",
              "ผลรวม", "ข้อมูล", "รวม", "ทั้งหมด", "ยอดรวม"),
    "unit": ("หน่วย", "unit", "units", "หน่วยนับ"),
    "indicator": ("ตัวชี้วัด", "indicator", "รายการ", "item", "ประเด็น", "measure"),
    "source": ("แหล่งที่มา", "ที่มา", "source", "แหล่งข้อมูล"),
}


@dataclass(frozen=True)
class ColumnProfile:
    """What a column's values look like (from a sample of its distinct values)."""

    column: str
    filled: float  # share of non-empty cells
    code_level: str | None = None  # every sampled value a DOPA code of this level
    local_numbers: bool = False  # 1-2 digit numbers (an amphoe/tambon number in a province)
    name_level: str | None = None  # most values name areas of this level
    years: bool = False  # four-digit years (BE or CE) in the accepted range
    be_years: bool = False
    numeric: bool = False
    thai_digits: bool = False


@dataclass(frozen=True)
class Suggestion:
    field: str
    source: Source
    reason: str  # header, synonym, code_values, name_values, year_values, number_values, similar


def profile_columns(frame: pd.DataFrame, matcher: AreaMatcher,
                    skip: set[str] | None = None) -> dict[str, ColumnProfile]:
    """Profiles of the columns (those in ``skip``, already mapped by their header, get an
    empty one: reading their values would tell nothing new)."""
    return {c: ColumnProfile(c, 1.0) if skip and c in skip else
            profile_column(c, frame[c], matcher) for c in frame.columns if c != ROW}


def profile_column(name: str, values: pd.Series, matcher: AreaMatcher) -> ColumnProfile:
    cells = values.to_numpy(dtype=object)
    share = float((cells != "").mean()) if len(cells) else 0.0
    # The distinct values only (a sample of them): a column repeats a few values a lot.
    distinct = [str(v).strip() for v in pd.unique(cells)[:_SAMPLE * 2]]
    sample = pd.Series([v for v in distinct if v][:_SAMPLE], dtype=object)
    if sample.empty:
        return ColumnProfile(name, share)
    thai = bool(sample.str.contains("[๐-๙]", regex=True).any())
    clean = parsing.clean_text(sample)
    digits = clean[clean.str.fullmatch(r"\d+")]
    if len(digits) == len(clean):
        widths = set(digits.str.len())
        if len(widths) == 1 and (w := next(iter(widths))) in (2, 4, 6, 8):
            level = {v: k for k, v in LEVEL_WIDTH.items()}[w]
            known = sum(1 for c in digits if matcher.level.get(matcher.unpad(c)) == level
                        or matcher.level.get(matcher.unpad(c)) is not None and c.endswith("00"))
            # Two-digit numbers are province codes only under a header that says so (77 of
            # the 90 two-digit numbers are province codes).
            level_hint, what = header_level(name)
            hinted = w > 2 or level_hint is not None
            # A header that says "code" needs half the values to be units (files mix in
            # totals and registration offices); otherwise most of them.
            share_needed = 0.5 if what == "code" else 0.8
            if hinted and known >= share_needed * len(digits):
                return ColumnProfile(name, share, code_level=level, thai_digits=thai)
        if widths <= {1, 2} and len(digits) > 1:
            return ColumnProfile(name, share, local_numbers=True, numeric=True,
                                 thai_digits=thai)
    years, bad = parsing.parse_year(clean)
    if len(clean) and not bad.any() and clean.str.fullmatch(r"(?:\D{0,6}\s?)?\d{4}").all():
        be = bool((pd.to_numeric(clean.str.extract(r"(\d{4})")[0]) >= 2400).all())
        return ColumnProfile(name, share, years=True, be_years=be, thai_digits=thai)
    numbers, bad = parsing.parse_number(clean)
    if not bad.any() and numbers.notna().any():
        return ColumnProfile(name, share, numeric=True, thai_digits=thai)
    return ColumnProfile(name, share, name_level=_name_level(clean, matcher), thai_digits=thai)


def _name_level(values: pd.Series, matcher: AreaMatcher) -> str | None:
    # National, regional and subtotal rows name no area of a level: left out of the count.
    sample = [v for v in values.head(80).tolist() if not aggregate_kind(v)][:60]
    if not sample:
        return None
    for level in ("province", "district", "subdistrict"):
        hits = sum(1 for v in sample if matcher.match_one(v, level) is not None)
        if hits >= max(1, 0.6 * len(sample)):
            return level
    return None


def header_level(header: str) -> tuple[str | None, str | None]:
    """(level, 'code' or 'name') that a header speaks of: ``PROV_ID``, ``รหัสอำเภอ``, ``AMP_NAME``."""
    words = [w for w in re.split(r"[\s_.\-/()]+", str(header).lower()) if w]
    key = header_key(header)
    level = None
    for lv, names in _LEVEL_WORDS.items():
        if any(w in names for w in words) or any(key.startswith(n) or key.endswith(n)
                                                 for n in names if len(n) > 3):
            level = lv
            break
    if level is None and not key.startswith("รหัส"):
        return None, None
    is_code = any(w in _CODE_WORDS for w in words) or key.startswith("รหัส") or \
        key.endswith(("id", "code", "pcode"))
    if any(w in _NAME_WORDS for w in words) or key.startswith("ชื่อ"):
        is_code = False
    return level, "code" if is_code else "name"


def suggest_mapping(frame: pd.DataFrame, spec: ImportSpec, matcher: AreaMatcher,
                    ) -> tuple[Mapping, list[Suggestion], dict[str, ColumnProfile]]:
    """The best mapping we can propose, each choice with its reason, and the column profiles."""
    headers = [c for c in frame.columns if c != ROW]
    exact = exact_mapping(headers, spec)
    province = exact.fields.get("province")
    if province is not None and province.kind == "column" and \
            lower_names(frame[province.value], matcher):
        # A "province" header over district or subdistrict names: the values decide below.
        exact = exact.with_field("province", None)
    chosen: list[Suggestion] = [Suggestion(k, s, "header") for k, s in exact.fields.items()]
    used = set(exact.columns())
    profiles = profile_columns(frame, matcher, skip=used)
    names = {f.name for f in spec.fields}

    @functools.cache
    def lower(column: str) -> str | None:
        return lower_names(frame[column], matcher)

    def take(field: str, column: str, reason: str) -> None:
        if field == "province" and reason != "code_values" and lower(column):
            return  # district or subdistrict names are never the province field
        if field in names and field not in {s.field for s in chosen} and column not in used:
            chosen.append(Suggestion(field, Source("column", column), reason))
            used.add(column)

    _suggest_areas(spec, headers, profiles, take, lower)
    for fname, words in SYNONYMS.items():
        for col in headers:
            if header_key(col) in words and parsing.year_of_header(col) is None:
                take(fname, col, "synonym")
    _suggest_similar(spec, headers, take)
    wide = spec.wide and any(parsing.year_of_header(c) is not None for c in headers
                             if c not in used)
    if "year" in names and not wide:
        for col in headers:
            if profiles[col].years:
                take("year", col, "year_values")
    if "value" in names and not wide:
        numeric = [c for c in headers if c not in used and profiles[c].numeric
                   and not profiles[c].years]
        if len(numeric) == 1:
            take("value", numeric[0], "number_values")
    mapping = Mapping({s.field: s.source for s in chosen})
    return mapping, chosen, profiles


def lower_names(values: pd.Series, matcher: AreaMatcher) -> str | None:
    """'district' or 'subdistrict' when a column's names are mostly names of that level
    rather than of provinces (a header may say "province" over them), else None."""
    distinct = [str(v).strip() for v in pd.unique(values.to_numpy(dtype=object))[:_SAMPLE * 2]]
    clean = parsing.clean_text(pd.Series([v for v in distinct if v][:_SAMPLE], dtype=object))
    sample = [v for v in clean.head(80).tolist() if not aggregate_kind(v)][:60]
    # A few names say little (a cut row may happen to be a subdistrict's name).
    if len(sample) < 5 or any(v.isdigit() for v in sample):
        return None
    hits = {level: sum(1 for v in sample if matcher.match_one(v, level) is not None)
            for level in ("province", "district", "subdistrict")}
    lower = max(("district", "subdistrict"), key=lambda lv: hits[lv])
    # Subdistrict names often name several places (no single code): 40 % is telling.
    if hits[lower] >= 0.4 * len(sample) and hits["province"] < 0.25 * len(sample):
        return lower
    return None


def _suggest_areas(spec: ImportSpec, headers: list[str], profiles: dict[str, ColumnProfile],
                   take, lower) -> None:  # type: ignore[no-untyped-def]
    fields = {f.name for f in spec.fields if f.kind == "area"}
    if not fields:
        return
    codes = {}
    for col in headers:
        p = profiles[col]
        level, what = header_level(col)
        if p.code_level:
            codes.setdefault(p.code_level, col)
        elif p.local_numbers and what == "code" and level:
            codes.setdefault(f"local_{level}", col)
        elif p.name_level and (what in (None, "name")):
            field = p.name_level if p.name_level in fields else None
            if field:
                take(field, col, "name_values")
        elif what == "name" and level in fields:
            if level == "province" and (below := lower(col)):
                # District or subdistrict names under a province header: their own level.
                if below in fields:
                    take(below, col, "name_values")
                continue
            take(level, col, "header")
    deepest = [lv for lv in ("village", "subdistrict", "district", "province") if lv in codes]
    if deepest and "area" in fields:
        take("area", codes[deepest[0]], "code_values")
    elif deepest and deepest[0] in fields:
        take(deepest[0], codes[deepest[0]], "code_values")
    elif "province" in codes and "province" in fields:
        take("province", codes["province"], "code_values")
    for level in ("district", "subdistrict"):
        if f"local_{level}" in codes and level in fields:
            take(level, codes[f"local_{level}"], "code_values")


def _suggest_similar(spec: ImportSpec, headers: list[str], take) -> None:  # type: ignore[no-untyped-def]
    """Headers close to a field's names (a letter off, a word added): a weaker suggestion."""
    lookup = header_lookup(spec)
    keys = list(lookup)
    for col in headers:
        key = header_key(col)
        if len(key) < 3 or parsing.year_of_header(col) is not None:
            continue
        close = difflib.get_close_matches(key, keys, n=1, cutoff=0.84)
        if close:
            take(lookup[close[0]].name, col, "similar")
