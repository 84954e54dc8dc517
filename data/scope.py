"""The caller's access scope, passed to every query: which provinces, and household-level rights."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

ROLES = ("executive", "provincial", "analyst", "steward", "admin")


@dataclass(frozen=True)
class AccessScope:
    """What one user may read. Deny by default: an empty scope sees nothing.

    ``provinces`` is ``None`` for every province, otherwise the set of 2-digit codes whose
    aggregates the user may see. ``household_provinces`` are the provinces whose household
    records (masked) the user may list. ``rights()`` is what every cache key that holds
    restricted data is built from.
    """

    user: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    provinces: frozenset[str] | None = field(default_factory=frozenset)
    household_provinces: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def nothing(cls, user: str = "") -> AccessScope:
        return cls(user=user)

    @classmethod
    def everything(cls, user: str = "system", roles: frozenset[str] | None = None) -> AccessScope:
        """For the command line and tests: all aggregates, no household lists."""
        return cls(user=user, roles=roles or frozenset({"analyst"}), provinces=None)

    @property
    def all_provinces(self) -> bool:
        return self.provinces is None

    @property
    def is_empty(self) -> bool:
        return self.provinces is not None and not self.provinces

    def can_see_province(self, code: str | None) -> bool:
        if not code:
            return self.provinces is None
        return self.provinces is None or code[:2] in self.provinces

    def can_list_households(self, area_code: str | None) -> bool:
        return bool(area_code) and area_code[:2] in self.household_provinces

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def may_export(self) -> bool:
        """Chart and table exports are an analyst's right (issue: roles)."""
        return self.has_role("analyst") and not self.is_empty

    @property
    def may_import(self) -> bool:
        """Imports and their undo belong to data stewards."""
        return self.has_role("steward")

    @property
    def may_administer(self) -> bool:
        """Users, roles and the audit log belong to administrators."""
        return self.has_role("admin")

    def sql_filter(self, column: str, keys: bool = False) -> tuple[str, list[Any]]:
        """A WHERE fragment restricting a province-code column, with its bound parameter.

        ``keys``: the column holds the codes as integers (``poverty_profiles.province_key``).
        """
        if self.provinces is None:
            return "TRUE", []
        if keys:
            return f"{column} = ANY(?)", [sorted(int(p) for p in self.provinces if p.isdigit())]
        return f"{column} = ANY(?)", [sorted(self.provinces)]

    def household_sql_filter(self, column: str) -> tuple[str, list[Any]]:
        """A WHERE fragment for row-level household data (never wider than the aggregate scope)."""
        return f"{column} = ANY(?)", [sorted(self.household_provinces)]

    def rights(self) -> tuple[tuple[str, Any], ...]:
        """Everything this scope grants, as plain sorted values: every field but the user's
        name. Cached results are keyed on it and a query sees a scope with the same rights and
        no name (``without_user``), so equal rights share results and different ones never do.
        """
        out = []
        for f in fields(self):
            if f.name == "user":
                continue
            value = getattr(self, f.name)
            if isinstance(value, (set, frozenset)):
                value = tuple(sorted(value))
            out.append((f.name, value))
        return tuple(out)

    def without_user(self) -> AccessScope:
        """The same rights under no name: what a cached query is given."""
        return replace(self, user="")
