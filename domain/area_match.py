"""Match Thai/English area names and codes from outside files to current DOPA codes."""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

LEVELS = ("province", "district", "subdistrict")
CODE_LENGTH = {"province": 2, "district": 4, "subdistrict": 6}

# Reasons a match carries. A code is set for every reason in MATCHED.
MATCHED = ("code", "exact", "romanised", "tones", "truncated", "capital", "alias",
           "abolished_successor")
UNMATCHED = ("abolished", "ambiguous", "not_found", "empty", "invalid")

# Level words written before a name. Longer forms first: "กิ่งอำเภอ" before "อำเภอ".
_TH_WORDS = r"(?:จังหวัด|กิ่งอำเภอ|กิ่ง\s*อ\.|อำเภอ|ตำบล|แขวง|เขต|จ\.|อ\.|ต\.)\s*"
_EN_WORDS = (r"(?:changwat|province\s+of|king\s+amphoe|amphoe|amphur|amphor|amper|khet|tambon|"
             r"tambol|khwaeng|kwaeng|sub-?district|district|province|ampho|ch\.|a\.|t\.)\s+")
_EN_END = r"\s+(?:province|district|sub-?district|subdistrict|municipality)"
_TH_PREFIX = re.compile("^" + _TH_WORDS)
_EN_PREFIX = re.compile("^" + _EN_WORDS)
_EN_SUFFIX = re.compile(_EN_END + "$")
# What a text starts or ends with when these patterns can match it (the first letters of the
# level words, the last words of the suffixes): a text without is not searched.
_TH_FIRST = tuple("จกอตแเ")
_EN_FIRST = tuple("cpkatsd")
_EN_LAST = ("province", "district", "municipality")
_MARKS = re.compile(r"[\s.,'’‘`\-_()\[\]/\"ฯ]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")
# Tone marks, maitaikhu, thanthakhat, nikhahit and mai yamok: often mistyped or dropped.
_TH_TONES = re.compile("[\u0e47-\u0e4e]")
_THAI = re.compile("[\u0e00-\u0e7f]")

# Names people use for a province that are not its official name (normalised form -> code).
PROVINCE_ALIASES = {
    "กทม": "10", "กรุงเทพ": "10", "กรุงเทพฯ": "10", "bkk": "10", "krungthep": "10",
    "krungthepmahanakhon": "10", "bangkokmetropolis": "10",
    "อยุธยา": "14", "ayutthaya": "14", "ayudhya": "14", "ayuthaya": "14",
    "โคราช": "30", "korat": "30", "khorat": "30",
}
_CAPITAL = {"เมือง", "mueang", "muang", "meuang", "amphoemueang"}


@dataclass(frozen=True)
class AreaMatch:
    """Outcome of matching one name or code.

    ``code`` is the current DOPA code, or None. ``reason`` says how it was found (one of
    MATCHED) or why not (one of UNMATCHED). ``candidates`` lists the codes that fitted an
    ambiguous name, or the successors of an abolished area. ``abolished_code`` is the old code
    when the input named an abolished area.
    """

    code: str | None
    reason: str
    candidates: tuple[str, ...] = field(default=())
    abolished_code: str | None = None

    @property
    def matched(self) -> bool:
        return self.code is not None


def normalise_area_name(text: object) -> str:
    """One comparable form of a Thai or English area name.

    Unicode NFC, zero-width characters dropped, lower case, the level word removed (จังหวัด,
    จ., อำเภอ, อ., กิ่งอำเภอ, เขต, ตำบล, ต., แขวง, Changwat, Amphoe, Khet, Tambon, Khwaeng, and a
    trailing "Province"/"District"), then spaces, dots, hyphens, apostrophes, brackets and ฯ.
    ``"จ. เชียงใหม่"`` and ``"เชียงใหม่"`` give the same form, as do ``"Phang-nga"`` and
    ``"Phangnga"``. Missing values give "".
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    if isinstance(text, str):
        return _normalise_text(text)
    return _normalise_text(str(text))


@lru_cache(maxsize=65536)
def _normalise_text(text: str) -> str:
    """``normalise_area_name`` of a text, once per distinct text (a file's cell is tried at
    several levels, and files repeat names)."""
    s = unicodedata.normalize("NFC", text)
    s = _ZERO_WIDTH.sub("", s)
    # Sara am typed as nikhahit + sara aa looks the same but compares differently.
    s = s.replace("\u0e4d\u0e32", "\u0e33").strip().lower()
    for _ in range(2):  # "อำเภอ เขต..." style doubled words
        s = _TH_PREFIX.sub("", s)
        s = _EN_PREFIX.sub("", s)
    s = _EN_SUFFIX.sub("", s)
    return _MARKS.sub("", s)


def normalise_area_names(texts: list[str]) -> list[str]:
    """``normalise_area_name`` of each text. What works character by character (NFC, zero
    widths, sara am, case, marks) is done in one pass over all of them joined by NUL (a
    starter without case, no space, no mark: it keeps the texts apart); the level words only
    where a text starts or ends with what one of them does."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != max(0, len(texts) - 1):  # a text holding NUL: one by one
        return [_normalise_text(t) for t in texts]
    s = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", joined))
    out = []
    for t in s.replace("\u0e4d\u0e32", "\u0e33").lower().split("\x00"):
        t = t.strip()
        for _ in range(2):
            if t.startswith(_TH_FIRST):
                t = _TH_PREFIX.sub("", t)
            if t.startswith(_EN_FIRST):
                t = _EN_PREFIX.sub("", t)
        out.append(_EN_SUFFIX.sub("", t) if t.endswith(_EN_LAST) else t)
    return _MARKS.sub("", "\x00".join(out)).split("\x00") if texts else []


def forget_names() -> None:
    """Empty the cache of normalised names (a benchmark of a file never seen starts cold)."""
    _normalise_text.cache_clear()


def romanisation_key(normalised: str) -> str:
    """Fold common spelling variants of romanised Thai (Muang/Mueang, Nakorn/Nakhon, ...).

    Used only as a second try after an exact normalised match failed, and only a unique fit
    counts, so the folding may be rough.
    """
    s = re.sub(r"[^a-z]", "", normalised)
    for old, new in (("sri", "si"), ("sr", "s"), ("tch", "ch"), ("dh", "th"), ("j", "ch"),
                     ("ph", "p"), ("th", "t"), ("kh", "k"), ("ch", "c"), ("ue", "u"), ("eu", "u"),
                     ("ua", "u"), ("ou", "u"), ("oo", "u"), ("orn", "on"), ("aew", "aeo"),
                     ("y", "i"), ("v", "w"), ("bh", "b"), ("gh", "g")):
        s = s.replace(old, new)
    # Runs of one letter as one (only a-z are left): no regular expression template per run.
    return "".join(ch for ch, _run in itertools.groupby(s))


def thai_key(normalised: str) -> str:
    """The normalised Thai name without tone marks and silent-letter marks."""
    return _TH_TONES.sub("", normalised)


def _is_thai(text: str) -> bool:
    return bool(_THAI.search(text))


class _Index:
    """Names of one level of the registry, keyed several ways."""

    def __init__(self, rows: list[tuple[str, str, str]]):
        self.codes = [r[0] for r in rows]
        self.code_set = set(self.codes)
        self.exact: dict[str, list[str]] = {}
        self.roman: dict[str, list[str]] = {}
        self.tones: dict[str, list[str]] = {}
        # (normalised Thai, code) per province, for names cut short
        self.names: dict[str, list[tuple[str, str]]] = {}
        for code, name_th, name_en in rows:
            th = normalise_area_name(name_th)
            en = normalise_area_name(name_en)
            for key in {th, en} - {""}:
                self.exact.setdefault(key, []).append(code)
            if en:
                self.roman.setdefault(romanisation_key(en), []).append(code)
            if th:
                self.tones.setdefault(thai_key(th), []).append(code)
                self.names.setdefault(code[:2], []).append((th, code))
        # Every Thai name in order, for the names a prefix starts (a bisection, not a scan).
        self.sorted_names = sorted(p for part in self.names.values() for p in part)
        self.sorted_keys = [n for n, _ in self.sorted_names]

    def starting_with(self, prefix: str) -> list[str]:
        """Codes of the Thai names that start with ``prefix``."""
        at = bisect.bisect_left(self.sorted_keys, prefix)
        out = []
        while at < len(self.sorted_keys) and self.sorted_keys[at].startswith(prefix):
            out.append(self.sorted_names[at][1])
            at += 1
        return out


@lru_cache(maxsize=4)
def _default_registry_rows() -> dict[str, tuple[tuple[str, str, str], ...]]:
    from domain.areas import registry_frame

    return _rows_by_level(registry_frame())


def _rows_by_level(registry: pd.DataFrame) -> dict[str, tuple[tuple[str, str, str], ...]]:
    out: dict[str, tuple[tuple[str, str, str], ...]] = {}
    for level in LEVELS:
        part = registry[registry["level"] == level]
        out[level] = tuple(zip(part["code"].astype(str), part["name_th"].fillna(""),
                               part["name_en"].fillna(""), strict=True))
    return out


@lru_cache(maxsize=8)
def _index_for(rows: tuple[tuple[str, str, str], ...]) -> _Index:
    return _Index(list(rows))


@lru_cache(maxsize=8)
def _default_index(level: str) -> _Index:
    """The geothai list's index of a level (keyed by the level: hashing the registry's rows
    on every call cost more than matching a name)."""
    return _index_for(_default_registry_rows()[level])


@lru_cache(maxsize=1)
def _abolished_by_level() -> dict[str, tuple[tuple[str, str, str, tuple[str, ...]], ...]]:
    try:
        from geothai.abolished import abolished_areas
    except ImportError:  # an older geothai without the abolished list
        return {level: () for level in LEVELS}
    out: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {lv: [] for lv in LEVELS}
    for a in abolished_areas():
        if a.level in out:
            out[a.level].append((a.code, a.name_th, a.name_en or "", tuple(a.successors)))
    return {k: tuple(v) for k, v in out.items()}


def abolished_codes(level: str) -> dict[str, tuple[str, ...]]:
    """Abolished DOPA codes of a level and the current codes that succeeded each."""
    return {code: succ for code, _th, _en, succ in _abolished_by_level().get(level, ())}


def current_codes(level: str, *, registry: pd.DataFrame | None = None) -> frozenset[str]:
    """Current DOPA codes of a level (from ``registry``, by default the geothai list)."""
    rows = (_default_registry_rows() if registry is None else _rows_by_level(registry))[level]
    return frozenset(r[0] for r in rows)


def _within(codes: list[str], parent: str | None) -> list[str]:
    if not parent:
        return codes
    return [c for c in codes if c.startswith(parent)]


def _unique(found: list[str]) -> list[str]:
    return sorted(set(found))


@lru_cache(maxsize=4)
def _abolished_names(level: str) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Normalised Thai and English names of abolished areas -> (code, successors)."""
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for code, name_th, name_en, succ in _abolished_by_level().get(level, ()):
        for key in {normalise_area_name(name_th), normalise_area_name(name_en)} - {""}:
            index.setdefault(key, []).append((code, succ))
    return {k: tuple(v) for k, v in index.items()}


def _abolished_match(level: str, name: str, parent: str | None,
                     current: set[str]) -> AreaMatch | None:
    hits = [(code, succ) for code, succ in _abolished_names(level).get(name, ())
            if not parent or code.startswith(parent)]
    if len(hits) != 1:
        return None
    return _abolished_result(hits[0][0], hits[0][1], current)


def _abolished_result(code: str, successors: tuple[str, ...], current: set[str]) -> AreaMatch:
    live = tuple(s for s in successors if s in current)
    if len(live) == 1:
        return AreaMatch(live[0], "abolished_successor", live, abolished_code=code)
    return AreaMatch(None, "abolished", live, abolished_code=code)


def _match_one(name_raw: object, level: str, parent: str | None, index: _Index,
               current: set[str]) -> AreaMatch:
    name = normalise_area_name(name_raw)
    if not name:
        return AreaMatch(None, "empty")
    if level == "province" and name in PROVINCE_ALIASES:
        return AreaMatch(PROVINCE_ALIASES[name], "alias")
    found = _within(index.exact.get(name, []), parent)
    if len(found) == 1:
        # Without a parent, the name may be an abolished area elsewhere rather than this one.
        olds = () if parent else tuple(
            code for code, succ in _abolished_names(level).get(name, ()) if found[0] not in succ)
        if olds:
            return AreaMatch(None, "ambiguous", (found[0], *olds))
        return AreaMatch(found[0], "exact")
    if len(found) > 1:
        return AreaMatch(None, "ambiguous", tuple(_unique(found)))
    if level == "district" and parent and len(parent) == 2 and name in _CAPITAL:
        capital = f"{parent}01"
        if capital in current:
            return AreaMatch(capital, "capital")
    if _is_thai(name):
        found = _within(index.tones.get(thai_key(name), []), parent)
        if len(found) == 1:
            return AreaMatch(found[0], "tones")
        # Official DBFs cut Thai names at 50 bytes (16 characters): a long cut name is a
        # prefix of exactly one full name.
        if len(name) >= 8 and not found:
            if parent:
                pool = index.names.get(parent[:2], [])
                found = _within([c for n, c in pool if n.startswith(name)], parent)
            else:
                found = index.starting_with(name)
            if len(found) == 1:
                return AreaMatch(found[0], "truncated")
    else:
        found = _within(index.roman.get(romanisation_key(name), []), parent)
        if len(found) == 1:
            return AreaMatch(found[0], "romanised")
    if len(found) > 1:
        return AreaMatch(None, "ambiguous", tuple(_unique(found)))
    old = _abolished_match(level, name, parent, current)
    if old is not None:
        return old
    return AreaMatch(None, "not_found")


def match_area_names(
    names: Sequence[object],
    level: str,
    parent_codes: Sequence[str | None] | None = None,
    *,
    registry: pd.DataFrame | None = None,
) -> list[AreaMatch]:
    """Match names (Thai or English, any common spelling) to current DOPA codes of one level.

    Args:
        names: One name per row; None/NaN/"" give reason "empty".
        level: "province", "district" or "subdistrict".
        parent_codes: Optional, one per row: a DOPA code the match must start with (a province
            code for a district; a province or district code for a subdistrict). Needed to tell
            apart the many subdistricts that share a name.
        registry: Areas to match against (columns code, level, name_th, name_en), by default
            ``domain.areas.registry_frame()`` (the DOPA list from geothai).

    Returns:
        One AreaMatch per name, in order. Tries, in turn: the exact normalised name, a province
        alias (กทม, Korat, ...), "เมือง"/"Mueang" for the capital district, Thai without tone
        marks, a Thai name cut short by a DBF field, folded romanisation, and finally abolished
        areas (a single current successor is returned as the code). Only a unique fit counts.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    if parent_codes is not None and len(parent_codes) != len(names):
        raise ValueError("parent_codes must have one entry per name")
    if registry is None:
        index = _default_index(level)
    else:
        index = _index_for(_rows_by_level(registry)[level])
    current = index.code_set
    out = []
    for i, name in enumerate(names):
        parent = parent_codes[i] if parent_codes is not None else None
        out.append(_match_one(name, level, _clean_parent(parent), index, current))
    return out


def _clean_parent(parent: object) -> str | None:
    """A parent code as given: a P-code ("TH50") or a number; a missing one None/NaN/""."""
    parent = (re.sub(r"^TH[-_ ]?", "", str(parent).strip().upper()) or None
              if parent not in (None, "") and parent == parent else None)
    if parent and parent.endswith(".0"):
        parent = parent[:-2]
    return parent


@lru_cache(maxsize=8)
def _keys_of(levels: tuple[str, ...]) -> tuple[frozenset[str], list[str]]:
    """Every key a name of these levels is found by (exact, tone-free, romanised, abolished,
    alias) in one set, and the Thai names of all the levels in one sorted list (for names
    cut short: one bisection instead of one per level)."""
    keys: set[str] = set(PROVINCE_ALIASES) if "province" in levels else set()
    indexes = tuple(_default_index(level) for level in levels)
    for index, level in zip(indexes, levels, strict=True):
        keys |= index.exact.keys() | index.tones.keys() | index.roman.keys()
        keys |= _abolished_names(level).keys()
    names = sorted(set().union(*(index.sorted_keys for index in indexes)))
    return frozenset(keys), names


def could_match(name: object, levels: tuple[str, ...] = LEVELS) -> bool:
    """False when ``match_area_names`` finds no code for ``name`` at any of ``levels``
    without a parent: no key of any kind fits it, and no name starts with it. A few set
    lookups, so that a name that is no area is turned away without trying each level."""
    return _could_match(normalise_area_name(name), tuple(levels))


def could_match_many(names: list[str], levels: tuple[str, ...] = LEVELS) -> list[bool]:
    """``could_match`` of each of many texts, normalised together."""
    keys, sorted_names = _keys_of(tuple(levels))
    return [_could_match_in(n, keys, sorted_names) for n in normalise_area_names(names)]


def _could_match(n: str, levels: tuple[str, ...]) -> bool:
    return _could_match_in(n, *_keys_of(levels))


def _could_match_in(n: str, keys: frozenset[str], names: list[str]) -> bool:
    """``could_match`` of a normalised name, given ``_keys_of`` its levels."""
    if not n:
        return False
    if n in keys:
        return True
    if _is_thai(n):
        if thai_key(n) in keys:
            return True
        # A level's ``starting_with(n)`` finds a name: the names starting with ``n`` follow
        # one another in the sorted list, from where ``n`` would go.
        at = bisect.bisect_left(names, n) if len(n) >= 8 else len(names)
        return at < len(names) and names[at].startswith(n)
    return romanisation_key(n) in keys


def match_area_name(name: object, level: str, parent: str | None = None) -> AreaMatch:
    """``match_area_names`` of one name against the default registry (the DOPA list from
    geothai), without building lists: an importer asks for one distinct cell at a time."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    index = _default_index(level)
    return _match_one(name, level, _clean_parent(parent), index, index.code_set)


def clean_area_code(value: object, level: str) -> str | None:
    """A DOPA code of the level from a file's code cell (``TH10``, ``10``, 10.0, ``TH-10``)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip().upper()
    s = re.sub(r"^TH[-_ ]?", "", s)
    if not s.isdigit():
        return None
    return s if len(s) == CODE_LENGTH[level] else None


def match_area_codes(
    codes: Sequence[object],
    level: str,
    *,
    registry: pd.DataFrame | None = None,
) -> list[AreaMatch]:
    """Check codes (``TH`` prefix allowed) against the current DOPA list of one level.

    A current code gives reason "code"; an abolished code with one current successor gives that
    successor ("abolished_successor"); other abolished codes give None ("abolished", with the
    successors as candidates); a well-formed unknown code "not_found"; anything else "invalid".
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    rows = (_default_registry_rows() if registry is None else _rows_by_level(registry))[level]
    current = {r[0] for r in rows}
    old = abolished_codes(level)
    out = []
    for raw in codes:
        code = clean_area_code(raw, level)
        if code is None:
            empty = raw is None or (isinstance(raw, float) and raw != raw) or str(raw).strip() == ""
            out.append(AreaMatch(None, "empty" if empty else "invalid"))
        elif code in current:
            out.append(AreaMatch(code, "code"))
        elif code in old:
            out.append(_abolished_result(code, old[code], current))
        else:
            out.append(AreaMatch(None, "not_found"))
    return out
