"""Thai/English formatting of numbers, years (BE) and dates."""

import datetime as dt

from domain import formatting as f


def test_years_are_buddhist_era():
    assert f.to_be(2024) == 2567 and f.to_ce(2567) == 2024
    assert f.fmt_year(2024, "th") == "2567"
    assert f.fmt_year(2024, "en") == "2567 BE (2024)"


def test_numbers_have_separators_and_missing_is_a_dash():
    assert f.fmt_int(1032987) == "1,032,987"
    assert f.fmt_pct(12.345) == "12.3%"
    assert f.fmt_int(None) == "–" and f.fmt_pct(float("nan")) == "–"
    assert f.fmt_signed(-1200, 0) == "-1,200"
    assert f.fmt_signed(3.25, 1) == "+3.2"


def test_thai_month_names():
    d = dt.date(2024, 3, 5)
    assert f.fmt_date(d, "th") == "5 มีนาคม 2567"
    assert f.fmt_date(d, "th", short=True) == "5 มี.ค. 2567"
    assert f.fmt_date(d, "en") == "5 Mar 2024"
    assert f.fmt_month(2024, 12, "th") == "ธ.ค. 67"


def test_baht():
    assert f.fmt_baht(2_500_000, "th") == "2.5 ล้านบาท"
    assert f.fmt_baht(1200, "en") == "฿1,200"
