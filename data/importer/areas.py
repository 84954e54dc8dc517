"""Match a file's area column to DOPA codes and recognise national and subtotal rows.

Codes, Thai or English names and romanisations are matched; national, regional and
subtotal rows are recognised so that they are not imported as areas.
"""

from __future__ import annotations

import copy
import difflib
import functools
import itertools
import operator
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.importer.parsing import THAI_DIGITS, factorize_text
from data.store import Store
from domain.area_match import LEVELS as SHARED_LEVELS
from domain.area_match import could_match, could_match_many, forget_names
from domain.area_match import match_area_name as shared_match

# Administrative prefixes written before names (longest first so "กิ่งอำเภอ" wins over "อำเภอ").
_PREFIXES_TH = ("กิ่งอำเภอ", "จังหวัด", "อำเภอ", "ตำบล", "แขวง", "เขต", "หมู่บ้าน", "บ้าน",
                "จ.", "อ.", "ต.")
_PREFIXES_EN = ("changwat", "amphoe", "amphur", "amphur", "king amphoe", "tambon", "khwaeng",
                "khet", "province of", "province", "district", "subdistrict", "sub-district",
                "chang wat", "muang", "mueang")
_SUFFIXES_EN = ("province", "district", "subdistrict", "sub-district", "city")

# The Thai prefixes by their first letter, each with its place among them.
_TH_BY_FIRST = {ch: tuple((i, p) for i, p in enumerate(_PREFIXES_TH) if p[0] == ch)
                for ch in {p[0] for p in _PREFIXES_TH}}
_EN_STARTS = tuple(p + end for p in _PREFIXES_EN for end in (" ", "."))
_ANY_PREFIX = _PREFIXES_TH + _EN_STARTS
_ANY_SUFFIX = tuple(" " + suffix for suffix in _SUFFIXES_EN)

# Common spellings that differ from the DOPA romanisation (normalised keys).
_ALIASES = {
    "กทม": "10", "กรุงเทพ": "10", "กรุงเทพฯ": "10", "กรุงเทพมหานคร": "10", "bangkok": "10",
    "krungthep": "10", "krungthepmahanakhon": "10", "bkk": "10",
    "bungkan": "38", "buengkan": "38", "bungkarn": "38",
    "phangnga": "82", "pangnga": "82",
    "korat": "30", "khorat": "30", "โคราช": "30",
    "ayutthaya": "14", "ayudhya": "14", "ayuthaya": "14", "อยุธยา": "14",
    "chiangmai": "50", "chiengmai": "50",
    "nongkhai": "43", "nongkai": "43",
    "lopburi": "16", "lopbury": "16",
    "prachinburi": "25", "prachinbury": "25",
    "chonburi": "20", "cholburi": "20",
    "suratthani": "84", "surat": "84",
    "nakhonsithammarat": "80", "nakhonsrithammarat": "80",
    "phuket": "83", "puket": "83",
    "ubon": "34", "ubonratchathani": "34", "ubonrajathani": "34",
    "udon": "41", "udonthani": "41", "udorn": "41",
    "sisaket": "33", "srisaket": "33",
    "roiet": "45", "roi-et": "45",
}

# A cell that is a code: digits, optionally with the COD-AB "TH" prefix.
_CODE = re.compile(r"(?:TH[-_ ]?)?(\d+)", re.IGNORECASE)
_CODE_LEVEL = {2: "province", 4: "district", 6: "subdistrict", 8: "village"}
# Names are compared with near misses only at these levels (77 and 928 names); subdistricts
# only under a known district or province, villages never (75,000 names).
_FUZZY_LEVELS = ("province", "district")
# Local-government units and registration offices are not DOPA administrative areas; files
# of the registration office or of municipalities mix them with districts.
_LOCAL_WORDS = re.compile(
    r"เทศบาล|ท้องถิ่น|สำนักทะเบียน|อบต|องค์การบริหารส่วน|เมืองพัทยา|municipal|thesaban|"
    r"tessaban|registration office|pattaya city|\btao\b|subdistrict administrative",
    re.IGNORECASE)

_NATIONAL = {"ประเทศไทย", "ทั้งประเทศ", "ทั่วประเทศ", "ทั่วราชอาณาจักร", "ราชอาณาจักร",
             "thailand", "national", "wholekingdom", "kingdom", "country", "nationwide", "th",
             "00", "0"}
_TOTAL_STARTS = ("รวม", "ยอดรวม", "ผลรวม", "ทั้งหมด", "total", "grandtotal", "subtotal")
_TOTAL_ALONE = ("sum", "all", "overall")
_REGION_STARTS = ("ภาค", "region")
_REGION_NAMES = ("north", "northern", "northeast", "northeastern", "central", "south",
                 "southern", "east", "eastern", "west", "western", "bangkokandvicinity",
                 "กรุงเทพและปริมณฑล", "กรุงเทพฯและปริมณฑล", "southernborder")
_TOTAL = re.compile(f"^({'|'.join(_TOTAL_STARTS)})|^({'|'.join(_TOTAL_ALONE)})$")
_REGION = re.compile(f"^({'|'.join(_REGION_STARTS)})|^({'|'.join(_REGION_NAMES)})"
                     "(region|thailand)?$")
# The first letters of the keys of totals and regions ("r:" too): a key that starts with
# none of them is neither, without the patterns.
_AGGREGATE_FIRST = frozenset(w[0] for w in (*_TOTAL_STARTS, *_TOTAL_ALONE, *_REGION_STARTS,
                                             *_REGION_NAMES, "r:"))


@functools.lru_cache(maxsize=65536)
def normalise_area_name(name: str) -> str:
    """A comparison key: no administrative prefix, spacing, dots, hyphens or case."""
    s = str(name).translate(THAI_DIGITS).strip().lower()
    s = _SPACES.sub(" ", s)
    return _MARKS.sub("", _without_words(s))


def normalise_area_names(names: list[str]) -> list[str]:
    """``normalise_area_name`` of each of many texts: what does not depend on where a text
    starts or ends is done in one pass over all of them joined by NUL (which no pattern
    matches, no space or case touches; a text holding one is done alone)."""
    joined = "\x00".join(names)
    if joined.count("\x00") != max(0, len(names) - 1):
        return [normalise_area_name(n) for n in names]
    if _THAI_DIGIT.search(joined):  # ``translate`` costs as much when there is none
        joined = joined.translate(THAI_DIGITS)
    # Runs of spaces as one, then trimmed: as trimmed, then runs as one.
    words = []
    for t in _SPACES.sub(" ", joined.lower()).split("\x00"):
        t = t.strip()
        words.append(_without_words(t) if t.startswith(_ANY_PREFIX) or t.endswith(_ANY_SUFFIX)
                     else t)
    return _MARKS.sub("", "\x00".join(words)).split("\x00") if names else []


def _without_words(s: str) -> str:
    """A lower-case trimmed name without its administrative prefixes and suffix."""
    # Most names start with no prefix: one test of them all before the loop below.
    changed = s.startswith(_ANY_PREFIX)
    while changed:
        s, changed = _without_thai(s)
        # Only when one of its prefixes starts the name (one test of them all).
        for p in _PREFIXES_EN if s.startswith(_EN_STARTS) else ():
            if s.startswith(p + " ") or s.startswith(p + "."):
                s = s[len(p) + 1:].strip()
                changed = True
    if s.endswith(_ANY_SUFFIX):
        for suffix in _SUFFIXES_EN:
            if s.endswith(" " + suffix):
                s = s[: -len(suffix) - 1].strip()
    return s


def _without_thai(s: str) -> tuple[str, bool]:
    """The Thai prefixes tried in their order, each on the name as those before it left it
    (and removed unless it is the whole name); only those starting with the name's first
    letter are tried. The name, and whether one was removed."""
    changed = False
    after = 0
    while True:
        for i, p in _TH_BY_FIRST.get(s[:1], ()):
            if i >= after and s.startswith(p):
                break
        else:
            return s, changed
        if len(s) > len(p):
            s = s[len(p):].strip()
            changed = True
        after = i + 1


_SPACES = re.compile(r"\s+")
_THAI_DIGIT = re.compile("[\u0e50-\u0e59]")
_MARKS = re.compile(r"[\s.\-'’_,()]")


def _indented(cells: np.ndarray) -> bool:
    """False when no cell starts with a space, a tab, an ideographic or no-break space (no
    cell is indented: one search of them all joined by NUL; a cell holding a NUL before
    such a space only makes this True, and the cells are then looked at one by one)."""
    return _INDENT.search("\x00" + "\x00".join(cells)) is not None


_INDENT = re.compile("\x00[ \u3000\u00a0\t]")


def _stride(uniques: list[np.ndarray], i: int) -> int:
    """The weight of column ``i`` in the combined code of several factorised columns."""
    out = 1
    for u in uniques[i + 1:]:
        out *= max(1, len(u))
    return out


def _coded(cells: dict[str, str], value: str) -> str:
    """How a unit that is no DOPA unit is listed: its code, then its name when the file
    gives one in a mapped name column (``4098 ท้องถิ่นเทศบาลเมืองชุมแพ``), else the cell."""
    code = cells.get("area", "")
    names = [v for k, v in cells.items() if k != "area" and v and v != code]
    return " ".join([code, *names]) if code and names else value


def _sharing(postings: list[tuple[np.ndarray, frozenset[int]]], need: int,
             size: int) -> list[int]:
    """Names (ascending numbers) found in at least ``need`` of the posting lists. Such a name
    is in one of the ``len(postings) - need + 1`` shortest lists at least: when these are
    short, only their names are counted (set lookups); else all lists are counted at once."""
    postings = sorted(postings, key=lambda p: len(p[1]))
    first = postings[:len(postings) - need + 1]
    if sum(len(p[1]) for p in first) <= 64:
        pool = set().union(*(p[1] for p in first))
        return sorted(i for i in pool if sum(i in p[1] for p in postings) >= need)
    counts = np.bincount(np.concatenate([p[0] for p in postings]), minlength=size)
    return np.flatnonzero(counts >= need).tolist()


def _pairs(key: str) -> set[str]:
    """The letter pairs of ``key`` (``key[i:i + 2]`` for each ``i``), joined in C."""
    return set(map(operator.add, key, key[1:]))


@functools.lru_cache(maxsize=65536)
def loose_key(key: str) -> str:
    """A looser key for romanisations: ``Bueng Kan``/``Bungkan``, ``Chiang``/``Chieng``."""
    s = key
    for a, b in _LOOSER:
        s = s.replace(a, b)
    return collapse_runs(s)


def loose_keys(keys: list[str]) -> list[str]:
    """``loose_key`` of each of many keys, replaced and collapsed all at once (joined by NUL:
    no spelling replaced holds one, and a NUL is no run of the letters around it)."""
    joined = "\x00".join(keys)
    if joined.count("\x00") != max(0, len(keys) - 1):
        return [loose_key(k) for k in keys]
    for a, b in _LOOSER:
        joined = joined.replace(a, b)
    return _RUNS.sub(r"\1", joined).split("\x00") if keys else []


_LOOSER = (("ue", "u"), ("oe", "o"), ("ie", "i"), ("ph", "p"), ("th", "t"), ("kh", "k"),
           ("ch", "c"), ("aa", "a"), ("uu", "u"), ("y", "i"), ("rr", "r"), ("w", "v"))
_RUN = re.compile(r"(.)\1")
# ``collapse_runs`` of texts joined by NUL: runs of anything but line breaks and NUL.
_RUNS = re.compile("([^\n\x00])\\1+")


def collapse_runs(s: str) -> str:
    """``re.sub(r"(.)\\1+", r"\\1", s)``: each run of one character as one (a line break
    is not ``.``, so its runs stay), without the regular expression's template per match."""
    if not _RUN.search(s):
        return s
    return "".join(ch if ch != "\n" else "".join(run) for ch, run in itertools.groupby(s))


def forget_cells() -> None:
    """Empty the caches of cell texts (normalised names, looser keys): a benchmark of a file
    never seen before starts with them empty."""
    normalise_area_name.cache_clear()
    loose_key.cache_clear()
    forget_names()


def aggregate_kind(value: str) -> str | None:
    """'national', 'regional' or 'subtotal' when a row names a total rather than an area."""
    if value.isdigit():  # a code: only 0/00 stand for the whole country
        return "national" if value.strip("0") == "" else None
    return _kind_of_key(normalise_area_name(value))


def _kind_of_key(key: str) -> str | None:
    """``aggregate_kind`` of a text that is no number, by its normalised key."""
    if not key:
        return None
    if key in _NATIONAL:
        return "national"
    if key[0] not in _AGGREGATE_FIRST:
        return None
    if _TOTAL.match(key):
        return "subtotal"
    if _REGION.match(key) or key.startswith("r:"):
        return "regional"
    return None


@dataclass
class AreaMatcher:
    """Resolves cells to area codes, one lookup per distinct value (files repeat names a lot)."""

    areas: pd.DataFrame
    approximate: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store) -> AreaMatcher:
        """A matcher for one file: the registry and its name indexes are built once per store
        (reference data no import changes), the list of approximate matches is the file's own."""
        def load(s: Store) -> AreaMatcher:
            return cls(s.query("SELECT code, level, name_th, name_en, parent_code, "
                               "province_code FROM areas"))

        shared = store.reference("import_area_matcher", load)
        own = copy.copy(shared)
        own.approximate = {}
        own._last_pairs = (None, set())
        own._candidates = {}
        own._anywhere = {}
        return own

    def __post_init__(self) -> None:
        codes = self.areas.code.astype(object).tolist()
        self.codes = set(codes)
        self.level = dict(zip(codes, self.areas.level.astype(object), strict=True))
        self.name = dict(zip(codes, self.areas.name_th.astype(object), strict=True))
        # level -> (parent or "*", key) -> [codes]; built per level on first use (villages are
        # many and most files never name them).
        self._index: dict[str, dict[tuple[str, str], list[str]]] = {}
        self._loose: dict[str, dict[tuple[str, str], list[str]]] = {}
        self._keys: dict[tuple[str, str], list[str]] = {}
        self._names: dict[tuple[str, str], tuple[list[str], dict[
            str, tuple[np.ndarray, frozenset[int]]]]] = {}
        # The letter pairs of the last name tried by ``_closest`` (key, pairs).
        self._last_pairs: tuple[str | None, set[str]] = (None, set())
        # (scope, level) -> the letter pairs any name of it has.
        self._gram_keys: dict[tuple[str, str], frozenset[str]] = {}
        # (scope, level, the query's pairs some name has, pairs needed) -> the names sharing
        # enough of them: a file's unknown names often differ only in pairs no name has
        # ("บ้านไม่มี12", "บ้านไม่มี345"), and are then counted once. One file's (from_store).
        self._candidates: dict[tuple[str, str, frozenset[str], int], list[str]] = {}
        # Fuzzy levels -> the letter pairs any of their names has (no parent), and (levels,
        # pairs of a query among those, pairs needed) -> whether some level has names sharing
        # enough (one file's, as ``_candidates``).
        self._gram_union: dict[tuple[str, ...], frozenset[str]] = {}
        self._anywhere: dict[tuple[tuple[str, ...], frozenset[str], int], bool] = {}
        # Level set -> what ``_resolve_digits`` gives for each current code (of ASCII digits,
        # no padding) and each four-digit registration office number (PP51-PP99).
        self._numbers: dict[tuple[str, ...], dict[str, tuple[str | None, str | None, str]]] = {}
        # levels -> (exact keys, looser keys) of all of them (without a parent).
        self._fits: dict[tuple[str, ...], tuple[frozenset[str], frozenset[str]]] = {}

    def _build(self, level: str) -> None:
        if level in self._index:
            return
        index: dict[tuple[str, str], list[str]] = {}
        loose: dict[tuple[str, str], list[str]] = {}
        part = self.areas[self.areas.level == level]
        cols = [part[c].astype(object).tolist() for c in ("code", "parent_code", "name_th",
                                                          "name_en")]
        for code, parent, name_th, name_en in zip(*cols, strict=True):
            parent = "" if level == "province" else (parent or "")
            for name in (name_th, name_en):
                if not isinstance(name, str) or not name:
                    continue
                key = normalise_area_name(name)
                lkey = loose_key(key)
                for scope in (parent, "*"):
                    index.setdefault((scope, key), []).append(code)
                    loose.setdefault((scope, lkey), []).append(code)
                    self._keys.setdefault((scope, level), []).append(key)
        self._index[level] = index
        self._loose[level] = loose

    def match_one(self, value: str, level: str, parent: str = "") -> str | None:
        """Code of the single area of ``level`` (under ``parent``) that ``value`` names.

        A number is only ever looked up as a code: a code that is not a current unit is
        unknown, never "close to" a name (municipal codes once cost seconds each that way).
        """
        raw = str(value).translate(THAI_DIGITS).strip()
        if not raw:
            return None
        digits = _CODE.fullmatch(raw)
        if digits:
            return self._code(digits.group(1), level, parent)
        code = raw.split(" ")[0]
        if code.isdigit():
            found = self._code(code, level, parent)
            if found:
                return found
        key = normalise_area_name(raw)
        if not key:
            return None
        if level == "province" and key in _ALIASES:
            return _ALIASES[key]
        if level in SHARED_LEVELS:
            # The shared matcher first (tones, truncated DBF names, "เมือง", abolished codes);
            # this module adds the looser romanisations and misspellings after it.
            found = shared_match(raw, level, parent or None)
            if found.code and found.code in self.codes:
                return found.code
        self._build(level)
        scope = parent or "*"
        found = self._unique(self._index[level].get((scope, key)))
        if found:
            return found
        found = self._unique(self._loose[level].get((scope, loose_key(key))))
        if found:
            return found
        if level in _FUZZY_LEVELS or (parent and level == "subdistrict"):
            return self._closest(raw, key, level, scope)
        return None

    def _match_name(self, value: str, levels: tuple[str, ...]) -> str | None:
        """``match_one`` at each level in turn (no parent), the first code found. A name no
        key of any level fits (most unknown names) goes straight to the near misses."""
        raw = str(value).translate(THAI_DIGITS).strip()
        key = normalise_area_name(raw) if raw else ""
        if not key or _CODE.fullmatch(raw) or raw.split(" ")[0].isdigit() or \
                self._may_fit(raw, key, levels):
            for level in levels:
                code = self.match_one(value, level)
                if code:
                    return code
            return None
        for level in levels:
            if level in _FUZZY_LEVELS:
                code = self._closest(raw, key, level, "*")
                if code:
                    return code
        return None

    def _may_fit(self, raw: str, key: str, levels: tuple[str, ...]) -> bool:
        """True when an exact, alias, looser or shared-matcher key of ``levels`` fits the
        name (``match_one`` then decides); the keys of the levels are gathered once."""
        keys, loose = self._fit_keys(levels)
        shared = tuple(level for level in levels if level in SHARED_LEVELS)
        return key in keys or loose_key(key) in loose or (
            bool(shared) and could_match(raw, shared))

    def _fit_keys(self, levels: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
        """The exact (and alias) keys and the looser keys of all names of ``levels``."""
        found = self._fits.get(levels)
        if found is None:
            keys: set[str] = set(_ALIASES) if "province" in levels else set()
            loose: set[str] = set()
            for level in levels:
                self._build(level)
                keys |= {k for scope, k in self._index[level] if scope == "*"}
                loose |= {k for scope, k in self._loose[level] if scope == "*"}
            found = self._fits[levels] = (frozenset(keys), frozenset(loose))
        return found

    def unpad(self, code: str) -> str:
        """A code padded with zeros to a deeper width (``4000`` or ``400000`` for province 40,
        ``400100`` for district 4001, as DOPA tables write totals) as the unit's own code."""
        while len(code) > 2 and code.endswith("00") and code not in self.codes:
            code = code[:-2]
        return code

    def _code(self, code: str, level: str, parent: str) -> str | None:
        """A current code of ``level``; a two-digit number under a parent is a local number."""
        if parent and len(code) <= 2 and level != "province":
            code = parent + code.zfill(2)
        if code in self.codes and self.level.get(code) == level and (
                not parent or code.startswith(parent)):
            return code
        return None

    def _closest(self, raw: str, key: str, level: str, scope: str) -> str | None:
        """Misspellings: the closest name when it is clearly closest (names only).

        Only names sharing half the query's letter pairs are compared: a name a letter or
        two off shares most of them, and an unknown name is then turned away in a few
        dictionary lookups instead of being compared with every name of the level.
        """
        pairs = self._pairs_of(key)
        if not pairs:
            return None
        candidates = self._sharing_names(pairs, max(1, len(pairs) // 2), level, scope)
        if not candidates:
            return None
        close = difflib.get_close_matches(key, candidates, n=2, cutoff=0.8)
        if not close:
            return None
        best = self._unique(self._index[level].get((scope, close[0])))
        second = difflib.SequenceMatcher(None, key, close[1]).ratio() if len(close) > 1 else 0
        first = difflib.SequenceMatcher(None, key, close[0]).ratio()
        if best and first - second >= 0.05:
            self.approximate[raw] = best
            return best
        return None

    def _pairs_of(self, key: str) -> set[str]:
        # A name is tried at two levels in turn: its pairs are counted once.
        if self._last_pairs[0] != key:
            self._last_pairs = (key, _pairs(key))
        return self._last_pairs[1]

    def _sharing_names(self, pairs: set[str] | frozenset[str], need: int, level: str,
                       scope: str) -> list[str]:
        """The names of ``level`` under ``scope`` sharing ``need`` of ``pairs``."""
        names, grams = self._gram_index(level, scope)
        present = pairs & self._gram_keys[(scope, level)]
        if len(present) < need:
            # No name can share enough pairs: an unknown value stops here, without counting.
            return []
        # Which names share ``need`` pairs depends on the pairs some name has, not their order.
        shared = (scope, level, frozenset(present), need)
        candidates = self._candidates.get(shared)
        if candidates is None:
            candidates = self._candidates[shared] = [
                names[i] for i in _sharing([grams[g] for g in present], need, len(names))]
        return candidates

    def _closest_of(self, raw: str, key: str, levels: list[str]) -> str | None:
        """``_closest`` at each of ``levels`` in turn (no parent), the first code found. A
        name sharing too few letter pairs with the names of every level (an unknown name) is
        turned away in one lookup: by the pairs any of them has, as those are all that count."""
        pairs = self._pairs_of(key)
        if not pairs:
            return None
        need = max(1, len(pairs) // 2)
        union = self._gram_union.get(tuple(levels))
        if union is None:
            for level in levels:
                self._gram_index(level, "*")
            union = self._gram_union[tuple(levels)] = frozenset().union(
                *(self._gram_keys[("*", level)] for level in levels))
        present = frozenset(pairs & union)  # each level's pairs among the query's are in it
        if len(present) < need:
            return None
        shared = (tuple(levels), present, need)
        some = self._anywhere.get(shared)
        if some is None:
            some = self._anywhere[shared] = any(
                self._sharing_names(present, need, level, "*") for level in levels)
        if not some:
            return None
        for level in levels:
            code = self._closest(raw, key, level, "*")
            if code:
                return code
        return None

    def _gram_index(self, level: str, scope: str,
                    ) -> tuple[list[str], dict[str, tuple[np.ndarray, frozenset[int]]]]:
        found = self._names.get((scope, level))
        if found is None:
            names = sorted(set(self._keys.get((scope, level), [])))
            lists: dict[str, list[int]] = {}
            for i, name in enumerate(names):
                for g in _pairs(name):
                    lists.setdefault(g, []).append(i)
            grams = {g: (np.array(ix, dtype=np.int64), frozenset(ix)) for g, ix in lists.items()}
            found = self._names[(scope, level)] = (names, grams)
            self._gram_keys[(scope, level)] = frozenset(grams)
        return found

    @staticmethod
    def _unique(codes: list[str] | None) -> str | None:
        if not codes:
            return None
        distinct = set(codes)
        return codes[0] if len(distinct) == 1 else None

    def resolve(self, columns: dict[str, pd.Series], levels: tuple[str, ...],
                indented: bool = False) -> tuple[pd.Series, pd.Series, pd.Series]:
        """(codes, reason codes, details) for the area columns present in a file.

        ``columns`` maps 'area', 'province', 'district', 'subdistrict', 'village' to text series;
        a code column ('area') wins, otherwise names are resolved from the province down.
        ``indented``: when the 'area' cells are indented differently (leading spaces, or an
        XLSX cell's indent read as spaces), each row's parent is the nearest row above it that
        is indented less: a hierarchy shown by indentation.
        """
        index = next(iter(columns.values())).index
        at, parts = self.resolve_distinct(columns, levels, indented)
        return tuple(pd.Series(p[at] if len(p) else p, index=index, dtype=object)
                     for p in parts)  # type: ignore[return-value]

    def resolve_distinct(self, columns: dict[str, pd.Series], levels: tuple[str, ...],
                         indented: bool = False,
                         factors: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
                         ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """``resolve`` before its results are spread to the rows: (row -> distinct result,
        (codes, reason codes, details) of the distinct results), as object arrays. Checks
        that only depend on the result run once per distinct result this way.

        ``factors``: a column's ``factorize_text`` already known (the reader's codes), by
        the key of ``columns``; the others are factorised here."""
        index = next(iter(columns.values())).index
        if not len(index):
            empty = np.array([], dtype=object)
            return np.array([], dtype=np.int64), (empty, empty.copy(), empty.copy())
        keys = list(columns)
        # One lookup per distinct combination of cells: files repeat them a lot. Plain object
        # arrays: converting a hundred thousand cells to pandas' string type costs more.
        codes, uniques = [], []
        for k in keys:
            known = (factors or {}).get(k)
            c, u = known if known is not None else factorize_text(columns[k])
            codes.append(c.astype(np.int64))
            uniques.append(np.array(["" if x is None else str(x) for x in u], dtype=object))
        if indented and "area" in columns and _indented(uniques[keys.index("area")]):
            area = uniques[keys.index("area")]
            lead = np.array([len(x) - len(x.lstrip(" \u3000\u00a0\t")) for x in area])
            if len(set(lead.tolist())) > 1:
                depth = lead[codes[keys.index("area")]]
                cells = pd.Series(area[codes[keys.index("area")]], index=index)
                found = self._resolve_indented(cells.str.strip(), pd.Series(depth, index=index),
                                               levels)
                return np.arange(len(index)), tuple(  # type: ignore[return-value]
                    f.to_numpy(dtype=object) for f in found)
        if len(keys) == 1:
            # One column: its codes already number its distinct cells in order of appearance.
            at, distinct = codes[0], np.arange(len(uniques[0]), dtype=np.int64)
        else:
            combined = codes[0]
            for c, u in zip(codes[1:], uniques[1:], strict=True):
                combined = combined * max(1, len(u)) + c
            at, distinct = pd.factorize(combined)
        picks = [u[(distinct // _stride(uniques, i)) % max(1, len(uniques[i]))]
                 for i, u in enumerate(uniques)]
        if keys == ["area"]:
            results = self._resolve_cells([cell.strip() for cell in picks[0]], levels)
        else:
            results = [self._resolve_tuple({k: v.strip() for k, v in zip(keys, cells,
                                                                           strict=True)}, levels)
                       for cells in zip(*picks, strict=True)]
        parts = tuple(np.array(p, dtype=object) for p in zip(*results, strict=True)) \
            if results else tuple(np.array([], dtype=object) for _ in range(3))
        return at, parts  # type: ignore[return-value]

    def _resolve_cells(self, cells: list[str], levels: tuple[str, ...],
                       ) -> list[tuple[str | None, str | None, str]]:
        """``_resolve_digits`` of each cell of ASCII digits, ``_resolve_tuple`` of the others,
        for one code column (the usual file). A number that is a current code of its width,
        or ends in neither "00" nor zeros only, is settled here in a lookup or two."""
        level_of = self.level.get
        # Current codes and office numbers: one lookup each, all of them in C.
        out: list[tuple[str | None, str | None, str] | None] = list(
            map(self._number_results(levels).get, cells))
        names: list[int] = []
        for i in [i for i, r in enumerate(out) if r is None]:
            c = cells[i]
            if not (c.isascii() and c.isdigit()):
                names.append(i)  # resolved with the other names below
            elif c.endswith("00") or not c.strip("0"):
                # National zeros, or a code padded to a deeper width: ``unpad`` decides.
                out[i] = self._resolve_digits(c, levels)
            else:
                # ``unpad(c)`` is ``c`` itself: the rest of ``_resolve_digits``.
                level = level_of(c)
                if level is not None and level == _CODE_LEVEL.get(len(c)):
                    out[i] = (c, None, "") if level in levels \
                        else (None, "area_level", f"{c} ({level})")
                elif len(c) in (4, 6) and level_of(c[:2]) == "province" and int(c[-2:]) > 50:
                    out[i] = (None, "non_dopa", c)
                else:
                    out[i] = (None, "area_unknown", c)
        if names:
            # Numbers have no side effects: the names alone keep their order (the file's
            # approximate matches are noted in it).
            found = self._resolve_names([cells[i] for i in names], levels)
            for i, result in zip(names, found, strict=True):
                out[i] = result
        return out  # type: ignore[return-value]

    def _number_results(self, levels: tuple[str, ...],
                        ) -> dict[str, tuple[str | None, str | None, str]]:
        """What ``_resolve_cells`` settles a cell of ASCII digits to when it is a current code
        of its width (but a village: 75,000 of them, a table of them would cost a household
        file more than it saves), or a four-digit registration-office number; the registry's,
        built once per level set."""
        found = self._numbers.get(levels)
        if found is None:
            found = {}
            for code, level in self.level.items():
                if not (isinstance(code, str) and code.isascii() and code.isdigit()) \
                        or code.endswith("00") \
                        or not code.strip("0") or level != _CODE_LEVEL.get(len(code)) \
                        or level == "village":
                    continue  # looked at one by one
                found[code] = (code, None, "") if level in levels \
                    else (None, "area_level", f"{code} ({level})")
            for province in [c for c, level in self.level.items() if level == "province"]:
                if len(province) == 2 and province.isascii() and province.isdigit():
                    for office in (f"{province}{n}" for n in range(51, 100)):
                        found.setdefault(office, (None, "non_dopa", office))
            self._numbers[levels] = found
        return found

    def _resolve_names(self, cells: list[str], levels: tuple[str, ...],
                       ) -> list[tuple[str | None, str | None, str]]:
        """``_resolve_tuple({"area": c}, levels)`` of each trimmed cell that is no number of
        ASCII digits. Their keys are normalised together; empty cells, totals and local units
        are settled by them, the others by ``_match_names``."""
        keys = normalise_area_names(cells)
        out: list[tuple[str | None, str | None, str] | None] = [None] * len(cells)
        rest: list[int] = []
        for i, (c, key) in enumerate(zip(cells, keys, strict=True)):
            if not c:
                out[i] = (None, "missing", "area")
                continue
            # ``aggregate_kind(c)``, with the key already made.
            kind = ("national" if c.strip("0") == "" else None) if c.isdigit() \
                else _kind_of_key(key)
            if kind:
                out[i] = (None, "aggregate", f"{kind}: {c}")
            elif _LOCAL_WORDS.search(c):
                out[i] = (None, "non_dopa", c)  # ``_coded`` of a lone cell is the cell
            else:
                rest.append(i)
        self._match_names(cells, keys, rest, levels, out)
        return out  # type: ignore[return-value]

    def _match_names(self, cells: list[str], keys: list[str], rest: list[int],
                     levels: tuple[str, ...],
                     out: list[tuple[str | None, str | None, str] | None]) -> None:
        """The rest of ``_resolve_tuple`` for the cells at ``rest`` (in order: near misses are
        noted as found). ``_match_name``'s test that no key fits is made for all of them at
        once; a name some key may fit, a coded or untrimmed cell goes the whole way."""
        names = ("province", "district", "subdistrict") + (
            ("village",) if "village" in levels else ())
        fuzzy = [level for level in names if level in _FUZZY_LEVELS]
        raws = [cells[i] for i in rest]
        if _THAI_DIGIT.search("".join(raws)):
            raws = [raw.translate(THAI_DIGITS) for raw in raws]
        whole = [not keys[i] or _CODE.fullmatch(raw) is not None or cells[i] != cells[i].strip()
                 or raw.split(" ")[0].isdigit() for i, raw in zip(rest, raws, strict=True)]
        fits, loose = self._fit_keys(names)
        shared = tuple(level for level in names if level in SHARED_LEVELS)
        looser = loose_keys([keys[i] for i in rest])
        could = could_match_many(raws, shared)
        for i, raw, go, lkey, maybe in zip(rest, raws, whole, looser, could, strict=True):
            c, key = cells[i], keys[i]
            if go or maybe or key in fits or lkey in loose:
                out[i] = self._resolve_tuple({"area": c}, levels)
                continue
            code = self._closest_of(raw, key, fuzzy)
            level = self.level.get(code, "") if code else ""
            out[i] = (None, "area_unknown", c) if code is None else (
                (code, None, "") if level in levels else (None, "area_level", f"{c} ({level})"))

    def _resolve_indented(self, cells: pd.Series, depth: pd.Series, levels: tuple[str, ...],
                          ) -> tuple[pd.Series, pd.Series, pd.Series]:
        out: list[tuple[str | None, str | None, str]] = []
        stack: list[tuple[int, str]] = []  # (indent, code) of the rows above
        for value, indent in zip(cells.tolist(), depth.fillna(0).astype(int).tolist(),
                                 strict=True):
            while stack and stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1] if stack else ""
            result = self._resolve_under(value, parent, levels)
            if result[0]:
                stack.append((indent, result[0]))
            elif result[1] == "aggregate" and result[2].startswith("regional"):
                stack.append((indent, ""))  # a region heads provinces: no code of its own
            out.append(result)
        return tuple(pd.Series([r[j] for r in out], index=cells.index, dtype=object)
                     for j in range(3))  # type: ignore[return-value]

    def _resolve_under(self, value: str, parent: str, levels: tuple[str, ...],
                       ) -> tuple[str | None, str | None, str]:
        if not parent:
            return self._resolve_tuple({"area": value}, levels)
        if not value:
            return None, "missing", "area"
        kind = aggregate_kind(value)
        if kind:
            return None, "aggregate", f"{kind}: {value}"
        child = {2: "district", 4: "subdistrict", 6: "village"}.get(len(parent))
        code = self.match_one(value, child, parent) if child else None
        if code is None:
            return self._unknown(value)
        if self.level.get(code, "") not in levels:
            return None, "area_level", f"{value} ({self.level.get(code, '')})"
        return code, None, ""

    def _unknown(self, value: str) -> tuple[None, str, str]:
        """Why a cell named no area: a local-government unit or registration office, else
        simply unknown."""
        return (None, "non_dopa", value) if self.non_dopa(value) else (None, "area_unknown",
                                                                         value)

    def non_dopa(self, value: str) -> bool:
        """A municipality, local administration or registration office (not a DOPA unit)."""
        raw = str(value).translate(THAI_DIGITS).strip()
        digits = _CODE.fullmatch(raw)
        if digits:
            code = digits.group(1)
            # Registration offices of municipalities are numbered 51-99 under their province
            # (districts run 01-50), and so are their subdistrict-like codes.
            return (len(code) in (4, 6) and code[:2] in self.codes
                    and self.level.get(code[:2]) == "province" and int(code[-2:]) > 50)
        return bool(_LOCAL_WORDS.search(raw))

    def _resolve_digits(self, cell: str, levels: tuple[str, ...],
                        ) -> tuple[str | None, str | None, str]:
        """``_resolve_tuple`` of an 'area' cell of ASCII digits, without its text rules (none
        applies to a number): national zeros, the code by its width, else a registration
        office or unknown, then the level."""
        if not cell.strip("0"):
            return None, "aggregate", f"national: {cell}"
        number = self.unpad(cell)
        level = _CODE_LEVEL.get(len(number))
        if not level or number not in self.codes or self.level.get(number) != level:
            # ``_unknown(cell)`` without its text rules: the cell is its own code.
            office = (len(cell) in (4, 6) and self.level.get(cell[:2]) == "province"
                      and int(cell[-2:]) > 50)
            return (None, "non_dopa", cell) if office else (None, "area_unknown", cell)
        if level not in levels:
            return None, "area_level", f"{cell} ({level})"
        return number, None, ""

    def _resolve_tuple(self, cells: dict[str, str], levels: tuple[str, ...],
                       ) -> tuple[str | None, str | None, str]:
        area = cells.get("area", "")
        if len(cells) == 1 and area.isascii() and area.isdigit():
            # A lone number (no name to show with it): its code or office in one lookup.
            return self._resolve_cells([area], levels)[0]
        shown = " / ".join(v for v in cells.values() if v)
        if not shown:
            return None, "missing", "area"
        for v in cells.values():
            kind = aggregate_kind(v) if v else None
            if kind:
                return None, "aggregate", f"{kind}: {v}"
            if v and _LOCAL_WORDS.search(v):
                # A municipality or registration office: no DOPA unit, whatever it is near.
                return None, "non_dopa", _coded(cells, v)
        code: str | None = None
        area_cell = cells.get("area", "")
        if area_cell:
            digits = _CODE.fullmatch(area_cell.translate(THAI_DIGITS))
            if digits:
                # A code says its own level by its width: one lookup.
                number = self.unpad(digits.group(1))
                level = _CODE_LEVEL.get(len(number))
                code = self.match_one(number, level) if level else None
            else:
                # Village names are looked up only where villages are wanted (75,000 names).
                names = ("province", "district", "subdistrict") + (
                    ("village",) if "village" in levels else ())
                code = self._match_name(area_cell, names)
                if code is None and area_cell == area_cell.strip():
                    # ``_unknown``'s rules were tried above: no local-government words, and
                    # a trimmed cell that is no code is no registration office either.
                    return None, "area_unknown", area_cell
            if code is None:
                code_, reason, detail = self._unknown(area_cell)
                return code_, reason, _coded(cells, detail) if reason == "non_dopa" else detail
        else:
            parent = ""
            for level in ("province", "district", "subdistrict", "village"):
                value = cells.get(level, "")
                if not value:
                    continue
                found = self.match_one(value, level, parent)
                if found is None:
                    return self._unknown(value)
                code = parent = found
            if code is None:
                return None, "missing", "area"
        level = self.level.get(code, "")
        if level not in levels:
            return None, "area_level", f"{shown} ({level})"
        return code, None, ""
