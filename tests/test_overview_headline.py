"""The Overview's headline of a province taken from every province's (one cached call a year)
equals the one-province query, for every province, year and kind of user, with small counts
withheld as the one-province query withholds them; on both engines."""

from __future__ import annotations

import pytest

from data.overview import overview_headline, overview_headline_by_province
from data.scope import AccessScope

SCOPES = [
    AccessScope.everything(),
    AccessScope(user="a", roles=frozenset({"analyst"}), provinces=None),
    AccessScope(user="p", roles=frozenset({"provincial"}), provinces=frozenset({"94", "50"}),
                household_provinces=frozenset({"94"})),
]


@pytest.mark.parametrize("small_count", ["5", "5000"])
def test_every_province_equals_its_own_query(store, monkeypatch, small_count):
    # 5000: most provinces of the small demo store fall under it, so the withholding of the
    # one-province query is compared too, not only plain sums.
    monkeypatch.setenv("WARROOM_SMALL_COUNT", small_count)
    provinces = [r[0] for r in store.rows(
        "SELECT code FROM areas WHERE level = 'province' ORDER BY code")]
    years = sorted({int(r[0]) for r in store.rows(
        "SELECT DISTINCT survey_year FROM household_rollup")})
    withheld = 0
    for scope in SCOPES:
        for year in (years[0], years[-1], years[-1] + 1):  # no year before; a year with none
            every = overview_headline_by_province(store, scope, year)
            for code in provinces:
                own = overview_headline(store, scope, year, code)
                if code in every:
                    assert every[code] == own, (scope.roles, year, code)
                    assert [type(v) for v in every[code].values()] == \
                        [type(v) for v in own.values()]
                    withheld += bool(own.get("withheld"))
                else:  # outside the user's provinces, or not a row anywhere
                    assert not scope.can_see_province(code) or own["households"] == 0
            if year in years:
                assert len(every) == sum(scope.can_see_province(c) for c in provinces)
    if small_count == "5000":
        assert withheld
