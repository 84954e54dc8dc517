"""Number, year and date formatting for Thai and English readers (BE years, Thai month names)."""

from __future__ import annotations

import datetime as dt
import math

BE_OFFSET = 543

THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
               "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.",
                     "ต.ค.", "พ.ย.", "ธ.ค.")
EN_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                   "Dec")


def to_be(year_ce: int) -> int:
    return int(year_ce) + BE_OFFSET


def to_ce(year_be: int) -> int:
    return int(year_be) - BE_OFFSET


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_int(value: float | int | None, lang: str = "th") -> str:
    """Whole number with thousands separators; an em dash for no data."""
    if _missing(value):
        return "–"
    return f"{int(round(float(value))):,}"


def fmt_num(value: float | None, digits: int = 1, lang: str = "th") -> str:
    if _missing(value):
        return "–"
    return f"{float(value):,.{digits}f}"


def fmt_pct(value: float | None, digits: int = 1, lang: str = "th") -> str:
    """A percentage given in percent units (12.3 -> '12.3%')."""
    if _missing(value):
        return "–"
    return f"{float(value):,.{digits}f}%"


def fmt_signed(value: float | None, digits: int = 1, suffix: str = "") -> str:
    if _missing(value):
        return "–"
    v = float(value)
    # ASCII minus: st.metric reads the sign of a text delta from its first character.
    sign = "+" if v > 0 else ("-" if v < 0 else "±")
    return f"{sign}{abs(v):,.{digits}f}{suffix}"


def fmt_baht(value: float | None, lang: str = "th") -> str:
    if _missing(value):
        return "–"
    v = float(value)
    if abs(v) >= 1_000_000:
        return f"{v / 1_000_000:,.1f} ล้านบาท" if lang == "th" else f"฿{v / 1_000_000:,.1f} M"
    return f"{v:,.0f} บาท" if lang == "th" else f"฿{v:,.0f}"


def fmt_year(year_ce: int | None, lang: str = "th") -> str:
    """Years are shown in the Buddhist Era to Thai readers, with the CE year to English ones."""
    if year_ce is None:
        return "–"
    return f"{to_be(year_ce)}" if lang == "th" else f"{to_be(year_ce)} BE ({int(year_ce)})"


def fmt_date(value: dt.date | None, lang: str = "th", short: bool = False) -> str:
    if value is None:
        return "–"
    if lang == "th":
        month = (THAI_MONTHS_SHORT if short else THAI_MONTHS)[value.month - 1]
        return f"{value.day} {month} {to_be(value.year)}"
    return f"{value.day} {EN_MONTHS_SHORT[value.month - 1]} {value.year}"


def fmt_month(year: int, month: int, lang: str = "th") -> str:
    if lang == "th":
        return f"{THAI_MONTHS_SHORT[month - 1]} {str(to_be(year))[-2:]}"
    return f"{EN_MONTHS_SHORT[month - 1]} {year}"
