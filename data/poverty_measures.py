"""What a published poverty figure can be: counts surveyed, target poor, poor by dimension and
by basic-needs indicator (TPMap and the basic-needs survey's provincial reports)."""

from __future__ import annotations

import functools

from domain import catalogue

# Counts of the whole population surveyed and of the target poor (people and households).
HEADLINE = (
    ("households_surveyed", "ครัวเรือนที่สำรวจ", "Households surveyed",
     ("จำนวนครัวเรือน", "ครัวเรือนทั้งหมด", "ครัวเรือนที่สำรวจทั้งหมด", "surveyed households",
      "households", "จำนวนครัวเรือนที่สำรวจ")),
    ("people_surveyed", "คนที่สำรวจ", "People surveyed",
     ("ประชากรที่สำรวจ", "จำนวนประชากร", "จำนวนคนที่สำรวจ", "ประชากร", "surveyed people",
      "population", "people", "คนทั้งหมด")),
    ("target_poor_households", "ครัวเรือนยากจนเป้าหมาย", "Target poor households",
     ("ครัวเรือนเป้าหมาย", "ครัวเรือนยากจน", "target households", "poor households")),
    ("target_poor_people", "คนจนเป้าหมาย", "Target poor people",
     ("จำนวนคนจนเป้าหมาย", "คนจน", "คนจนเป้าหมาย (คน)", "target poor", "poor people",
      "target poor persons")),
)
HEADLINE_CODES = tuple(code for code, *_ in HEADLINE)


def dimension_measure(dim: str) -> str:
    return f"poor_{dim}"


def indicator_measure(code: str) -> str:
    return f"poor_{code}"


@functools.cache
def published_measures() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(code, Thai, English, other names) of every measure a published file may hold."""
    out = list(HEADLINE)
    for dim, th, en in catalogue.DIMENSIONS:
        out.append((dimension_measure(dim), f"คนจนด้าน{th}", f"Poor in {en.lower()}",
                    (f"ด้าน{th}", th, en, dim, f"poor {en}", f"poor {dim}", f"{dim} dimension")))
    for ind in catalogue.POVERTY_INDICATORS:
        out.append((indicator_measure(ind.code), f"ไม่ผ่านเกณฑ์: {ind.name_th}",
                    f"Fails: {ind.name_en}", (ind.code, ind.column, f"fails {ind.code}")))
    return tuple(out)


def measure_names() -> dict[str, tuple[str, str]]:
    return {code: (th, en) for code, th, en, _ in published_measures()}
