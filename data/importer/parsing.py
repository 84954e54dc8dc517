"""Vectorised parsing of text cells: Thai digits, thousands separators, BE/CE years, dates, yes/no."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
BE_OFFSET = 543
# Years outside this window (after BE->CE) are typing errors, not data.
MIN_YEAR, MAX_YEAR = 1990, 2100

_MISSING = {"", "-", "–", "—", "n/a", "na", "nan", "none", "null", ".", "..", "...", "ไม่มีข้อมูล"}
_TRUE = {"1", "true", "t", "yes", "y", "x", "✓", "✔", "ใช่", "มี", "จริง", "ตกเกณฑ์", "ไม่ผ่าน"}
_FALSE = {"0", "false", "f", "no", "n", "ไม่ใช่", "ไม่มี", "เท็จ", "ผ่าน", "ผ่านเกณฑ์"}

_THAI_MONTHS = {
    "ม.ค.": 1, "มกราคม": 1, "ก.พ.": 2, "กุมภาพันธ์": 2, "มี.ค.": 3, "มีนาคม": 3,
    "เม.ย.": 4, "เมษายน": 4, "พ.ค.": 5, "พฤษภาคม": 5, "มิ.ย.": 6, "มิถุนายน": 6,
    "ก.ค.": 7, "กรกฎาคม": 7, "ส.ค.": 8, "สิงหาคม": 8, "ก.ย.": 9, "กันยายน": 9,
    "ต.ค.": 10, "ตุลาคม": 10, "พ.ย.": 11, "พฤศจิกายน": 11, "ธ.ค.": 12, "ธันวาคม": 12,
}


def _clean_one(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return " ".join(str(v).translate(THAI_DIGITS).split())


def clean_text(s: pd.Series) -> pd.Series:
    """Trimmed text with Thai digits as Arabic digits and runs of whitespace as one space.

    Work is done once per distinct value: import columns repeat a few values a lot.
    """
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=False)
    cleaned = np.array([_clean_one(u) for u in uniques], dtype=object)
    return pd.Series(cleaned[codes] if len(cleaned) else np.array([], dtype=object),
                     index=s.index, dtype=object)


def factorize_text(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct cells as an object array) of a column; a missing cell is a value."""
    values = s.to_numpy(dtype=object) if s.dtype != object else s.to_numpy()
    if len(values) > 1000 and values.flags.c_contiguous:
        try:
            return _factorize_objects(values)
        except (TypeError, ValueError):  # an object array numpy will not expose as memory
            pass
    # Without missing cells (a file read as text has none) both ways give the same codes;
    # asking for missing cells as values costs a pass that looks for them first.
    codes, uniques = pd.factorize(values)
    if len(codes) and codes.min() < 0:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def _factorize_objects(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, use_na_sentinel=False)`` of a contiguous object array, by the
    cells' objects first: the CSV parser hands a repeated cell over as one object, so the
    objects' addresses (integers, hashed five times faster than text) group the cells; the
    few distinct objects are then factorised by value (equal texts held as two objects, and
    missing values, become one). Same codes and uniques, in order of first appearance."""
    addresses = np.frombuffer(values, dtype=np.intp)  # the array holds its objects alive
    by_object, _ = pd.factorize(addresses)
    # Where each object first appears: its code exceeds every code before it.
    before = np.maximum.accumulate(by_object)
    first = np.flatnonzero(by_object > np.concatenate(([-1], before[:-1])))
    codes, uniques = pd.factorize(values[first], use_na_sentinel=False)
    return codes[by_object], np.asarray(uniques, dtype=object)


class Factors:
    """Each column's distinct cells, worked out once per check and shared by its stages.

    ``get(name)`` gives (codes, uniques): row ``i`` holds ``uniques.iloc[codes[i]]``. A
    missing cell is a value of its own (as in ``factorize_text``), and ``uniques`` may hold a
    value twice where two cells of the file parse alike (``" 40"`` and ``"40"``): a stage that
    compares values makes them distinct first. Names are ``values.FIELD`` (parsed fields) and
    ``table.COLUMN`` (what a builder returns); a stage without an entry factorises itself.
    """

    def __init__(self, rows: int, keep: frozenset[str] | None = None) -> None:
        """``keep``: the names later stages read (others are not kept: a million-row file
        of twenty fields would hold their codes for nothing); None keeps every name."""
        self.rows = rows
        self.keep = keep
        self._by: dict[str, tuple[np.ndarray, pd.Series]] = {}
        # What a stage read from the store that a later stage of the same check reads too
        # (the indicator catalogue): read once per check.
        self.memo: dict[str, Any] = {}

    def put(self, name: str, codes: np.ndarray, uniques: Any) -> None:
        if self.keep is not None and name not in self.keep:
            return
        codes = np.asarray(codes)
        if len(codes) != self.rows:
            raise ValueError(f"{name}: {len(codes)} codes for {self.rows} rows")
        u = uniques if isinstance(uniques, pd.Series) else pd.Series(uniques, dtype=object)
        self._by[name] = (codes, u.reset_index(drop=True))

    def get(self, name: str) -> tuple[np.ndarray, pd.Series] | None:
        return self._by.get(name)

    def text(self, name: str, s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """(codes, uniques as objects) of the column ``name``, whose cells are ``s``: the
        entry when there is one (a value may then be there twice: fine for work done per
        distinct cell and spread by the codes), else ``factorize_text(s)``."""
        got = self._by.get(name)
        if got is None or len(s) != self.rows:
            return factorize_text(s)
        codes, u = got
        return codes, u.to_numpy(dtype=object)


def canonical(codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) with each value once (missing values as one): the uniques are
    factorised (a few), and the rows' codes follow."""
    u_codes, u_values = pd.factorize(uniques, use_na_sentinel=False)
    if len(u_values) == len(uniques):
        return codes, uniques
    return u_codes[codes], np.asarray(u_values, dtype=uniques.dtype)


def by_unique(s: pd.Series, fn):  # type: ignore[no-untyped-def]
    """Apply a parser (Series -> tuple of Series) to the distinct values only, then expand."""
    codes, uniques = factorize_text(s)
    parts = fn(pd.Series(uniques, dtype=object))
    # The parser's dtype is kept (text stays plain objects, not inferred as pandas strings).
    return tuple(pd.Series(p.array.take(codes), index=s.index, dtype=p.dtype) for p in parts)


def map_unique(s: pd.Series, fn: Any) -> pd.Series:
    """``s.map(fn)`` computed once per distinct value (a file repeats a few values a lot)."""
    codes, uniques = factorize_text(s)
    done = np.array([fn(u) for u in uniques], dtype=object)
    return pd.Series(done[codes] if len(done) else np.array([], dtype=object), index=s.index,
                     dtype=object)


def is_missing(s: pd.Series) -> pd.Series:
    return s.str.lower().isin(_MISSING)


def parse_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float values, bad mask): ``1,234.5``, ``๑๒๓``, ``12 %``, ``(1,000)`` and ``฿ 5`` parse.

    Missing cells are NaN and not bad; the caller decides whether they are required.
    Cells that are plain numbers already (most) are converted in one vector step; only the
    others go through the rules below.
    """
    plain = _plain_numbers(s)
    if plain is not None:
        if plain.notna().all():
            return plain, pd.Series(False, index=s.index)
        rest = plain.isna()
        values, bad = _parse_number_text(s[rest])
        plain[rest] = values
        return plain, pd.Series(False, index=s.index).mask(rest, bad).astype(bool)
    return _parse_number_text(s)


def _plain_numbers(s: pd.Series) -> pd.Series | None:
    """``pd.to_numeric`` of the cells (NaN where a cell is no plain number), or None when the
    conversion does not give plain numbers (huge integers: the full rules decide)."""
    if not len(s):
        return None
    try:
        got = pd.to_numeric(s.to_numpy(dtype=object), errors="coerce")
    except (TypeError, ValueError):
        return None
    if getattr(got, "dtype", None) is None or got.dtype.kind not in "fiu":
        return None
    return pd.Series(np.asarray(got, dtype="float64"), index=s.index)


def _parse_number_text(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    s = clean_text(s)
    missing = is_missing(s)
    t = s.str.replace(r"[\s฿%]|บาท", "", regex=True)
    neg = t.str.fullmatch(r"\(.*\)")
    t = t.str.strip("()")
    # A comma is a thousands separator only between groups of three digits: "2,5" (a decimal
    # comma?) or "1,1.0" is refused rather than read as 25 or 11.
    commas = t.str.contains(",", regex=False).fillna(False)
    grouped = t.str.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?").fillna(False)
    t = t.where(~commas | ~grouped, t.str.replace(",", "", regex=False))
    values = pd.to_numeric(t.where(~missing & ~(commas & ~grouped), None),
                           errors="coerce").astype("float64")
    values = values.where(~neg.fillna(False), -values)
    bad = values.isna() & ~missing
    return values, bad


def parse_year(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(CE years as nullable ints, bad mask): BE (2561, พ.ศ. 2561) and CE (2018, ค.ศ. 2018)."""
    s = clean_text(s)
    plain = _plain_years(s)
    if plain is not None:
        return plain
    missing = is_missing(s)
    digits = s.str.extract(r"(\d{4})", expand=False)
    y = pd.to_numeric(digits, errors="coerce")
    y = y.where(y < 2400, y - BE_OFFSET)
    ok = y.between(MIN_YEAR, MAX_YEAR)
    bad = ~ok & ~missing
    return y.where(ok).astype("Int64"), bad


def _plain_years(s: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """``parse_year`` of cleaned cells that are all four ASCII digits (the usual year
    column, a dozen distinct cells): the same rules without pandas' text methods; None for
    any other cells."""
    cells = s.tolist()
    if not cells or not all(isinstance(c, str) and len(c) == 4 and c.isascii() and c.isdigit()
                            for c in cells):
        return None
    years = [int(c) for c in cells]
    years = [y - BE_OFFSET if y >= 2400 else y for y in years]
    ok = [MIN_YEAR <= y <= MAX_YEAR for y in years]
    values = pd.Series(pd.array([y if k else None for y, k in zip(years, ok, strict=True)],
                                dtype="Int64"), index=s.index)
    return values, pd.Series([not k for k in ok], index=s.index, dtype=bool)


def be_to_ce(year: int) -> int:
    return year - BE_OFFSET if year >= 2400 else year


def parse_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(datetime64 values, bad mask): ISO dates, d/m/yyyy (BE or CE), ``5 ม.ค. 2567``."""
    s = clean_text(s)
    missing = is_missing(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    # ISO yyyy-mm-dd (optionally with a time): year may be BE.
    iso = s.str.extract(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
    dmy = s.str.extract(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
    parts = pd.DataFrame({"y": iso[0].fillna(dmy[2]), "m": iso[1].fillna(dmy[1]),
                          "d": iso[2].fillna(dmy[0])})
    thai = s.str.extract(r"^(\d{1,2})\s*([ก-๙.]+)\s*(\d{4})$")
    if thai[1].notna().any():
        month = thai[1].str.strip().map(_THAI_MONTHS)
        parts["y"] = parts["y"].fillna(thai[2])
        parts["m"] = parts["m"].fillna(month.astype("string").str.replace(r"\.0$", "", regex=True))
        parts["d"] = parts["d"].fillna(thai[0])
    y = pd.to_numeric(parts["y"], errors="coerce")
    y = y.where(y < 2400, y - BE_OFFSET)
    m = pd.to_numeric(parts["m"], errors="coerce")
    d = pd.to_numeric(parts["d"], errors="coerce")
    ok = y.between(MIN_YEAR, MAX_YEAR) & m.between(1, 12) & d.between(1, 31)
    if ok.any():
        built = pd.to_datetime(
            pd.DataFrame({"year": y[ok], "month": m[ok], "day": d[ok]}).astype(int),
            errors="coerce")
        out.loc[ok] = built
    bad = out.isna() & ~missing
    return out, bad


def parse_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    s = clean_text(s).str.lower()
    missing = is_missing(s) & ~s.isin(_TRUE | _FALSE)
    values = pd.Series(pd.NA, index=s.index, dtype="boolean")
    values[s.isin(_TRUE)] = True
    values[s.isin(_FALSE)] = False
    bad = values.isna() & ~missing
    return values, bad


def parse_goals(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Lists of (goal, target) from ``1, 3.2; SDG 17`` ; bad when a goal is not 1-17."""
    s = clean_text(s)
    parsed: list[list[tuple[int, str]]] = []
    bad: list[bool] = []
    cache: dict[str, tuple[list[tuple[int, str]], bool]] = {}
    for text in s.tolist():
        if text not in cache:
            items = re.findall(r"(\d{1,2})(?:\.(\w{1,3}))?", re.sub(r"(?i)sdgs?|เป้าหมาย|ที่", " ", text))
            goals = [(int(g), f"{g}.{t}" if t else "") for g, t in items]
            cache[text] = (goals, any(not 1 <= g <= 17 for g, _ in goals))
        goals, is_bad = cache[text]
        parsed.append(goals)
        bad.append(is_bad)
    return pd.Series(parsed, index=s.index, dtype=object), pd.Series(bad, index=s.index)


def year_of_header(text: str) -> int | None:
    """The CE year a wide-table column stands for (``2561``, ``ปี 2561``, ``พ.ศ.2561``, ``2018``)."""
    t = re.sub(r"\(.*?\)|\[.*?\]", " ", str(text).translate(THAI_DIGITS)).strip().lower()
    m = re.fullmatch(r"(?:ปี|พ\.?ศ\.?|ค\.?ศ\.?|year|y|fy|ปีงบประมาณ)?\s*(\d{4})\s*(?:be|ce)?", t)
    if not m:
        return None
    y = be_to_ce(int(m.group(1)))
    return y if MIN_YEAR <= y <= MAX_YEAR else None


def unit_of_header(text: str) -> str | None:
    """The unit written in brackets in a header: ``ร้อยละ (%)`` -> ``%``."""
    m = re.search(r"[(\[]([^()\[\]]+)[)\]]\s*$", str(text))
    return m.group(1).strip() if m else None


def to_python(v: object) -> object:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
        return None
    return v
