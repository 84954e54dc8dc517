"""Area registry (geothai + official regions) and the access scope."""

from __future__ import annotations

from data.scope import AccessScope
from domain import areas


def test_registry_has_every_dopa_unit():
    df = areas.registry_frame()
    counts = df.level.value_counts().to_dict()
    assert counts == {"province": 77, "district": 928, "subdistrict": 7436}
    assert df.code.is_unique
    # Every child's parent exists, one level up.
    parents = set(df.code)
    children = df[df.level != "province"]
    assert children.parent_code.isin(parents).all()
    assert (children.code.str.len() == children.parent_code.str.len() + 2).all()


def test_both_region_schemes_cover_77_provinces_once():
    for scheme in areas.REGION_SCHEMES.values():
        codes = [p for r in scheme for p in r.provinces]
        assert len(codes) == 77 and len(set(codes)) == 77
    assert areas.region_of("94", "nesdc") == "SB"
    assert areas.region_of("10", "four") == "BKK"
    assert areas.region_of("40", "four") == "NE"
    assert len(areas.REGIONS_NESDC) == 6


def test_level_of():
    assert areas.level_of("") == "country"
    assert areas.level_of("R:NE") == "region"
    assert [areas.level_of(c) for c in ("40", "4001", "400101", "40010101")] == [
        "province", "district", "subdistrict", "village"]


def test_scope_denies_by_default():
    scope = AccessScope()
    assert scope.is_empty
    assert not scope.can_see_province("40")
    assert not scope.can_list_households("40010101")
    sql, params = scope.sql_filter("province_code")
    assert sql == "province_code = ANY(?)" and params == [[]]


def test_scope_provinces_and_household_rights():
    scope = AccessScope(user="u", roles=frozenset({"provincial"}), provinces=frozenset({"40"}),
                        household_provinces=frozenset({"40"}))
    assert scope.can_see_province("4001")
    assert not scope.can_see_province("41")
    assert scope.can_list_households("40010101")
    assert not scope.can_list_households("41010101")
    assert AccessScope.everything().sql_filter("x") == ("TRUE", [])
    assert not AccessScope.everything().can_list_households("40010101")
    # Different rights give different keys; the name is not a right.
    assert scope.rights() != AccessScope.everything().rights()
    assert scope.rights() == AccessScope(user="someone else", roles=scope.roles,
                                         provinces=scope.provinces,
                                         household_provinces=scope.household_provinces).rights()


def test_a_new_right_is_part_of_every_cache_key_without_being_listed_anywhere():
    """The cache key and the scope a query sees come from one method: a field added to the
    scope changes the key by itself."""
    from dataclasses import dataclass, field

    from components.datasource import cache_key, rights_of

    @dataclass(frozen=True)
    class WithPurpose(AccessScope):
        purposes: frozenset[str] = field(default_factory=frozenset)

    base = dict(user="u", roles=frozenset({"provincial"}), provinces=frozenset({"94"}),
                household_provinces=frozenset({"94"}))
    a, b = WithPurpose(**base, purposes=frozenset({"audit"})), WithPurpose(**base)
    assert cache_key("q", a, (1,), (), ()) != cache_key("q", b, (1,), (), ())
    assert rights_of(a).purposes == {"audit"} and rights_of(a).user == ""
