"""Import recipes: a confirmed column mapping kept under a name, versioned, found by header set.

A recipe is offered when a file with the same set of headers arrives again (columns headed by
a year count as one wildcard, so next year's table still fits); it travels between stores as a
small JSON file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from data.importer.errors import ImportFailure
from data.importer.mapping import Mapping
from data.importer.parsing import year_of_header
from data.importer.specs import KINDS, POLICIES, header_key
from data.scope import AccessScope
from data.store import Store

FORMAT = "warroom-import-recipe"
_NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,80}$")
_YEAR = "#year"


@dataclass(frozen=True)
class Recipe:
    name: str
    version: int
    kind: str
    mapping: Mapping
    headers: tuple[str, ...]
    policy: str | None = None
    created_by: str = ""
    created_at: str = ""

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, "name": self.name, "version": self.version,
                           "kind": self.kind, "policy": self.policy,
                           "headers": list(self.headers), "mapping": self.mapping.to_dict()},
                          ensure_ascii=False, indent=2).encode("utf-8")


def header_set(headers: list[str] | tuple[str, ...]) -> str:
    """The key a recipe is found by: the file's headers compared loosely, years as one."""
    keys = sorted({_YEAR if year_of_header(h) is not None else header_key(h)
                   for h in headers if h and not str(h).startswith("column_")})
    return hashlib.sha256("\x1f".join(keys).encode("utf-8")).hexdigest()[:32]


def _check_name(name: str) -> str:
    name = str(name).strip()
    if not _NAME.match(name):
        raise ImportFailure("bad_recipe", detail="a name of 1-80 printable characters")
    return name


def save_recipe(store: Store, scope: AccessScope, name: str, kind: str, mapping: Mapping,
                headers: list[str] | tuple[str, ...], policy: str | None = None) -> Recipe:
    """Store ``mapping`` as the next version of recipe ``name``; stewards only."""
    if not scope.may_import:
        raise ImportFailure("not_allowed")
    name = _check_name(name)
    if kind not in KINDS:
        raise ImportFailure("unknown_kind", kind=kind)
    if policy is not None and policy not in POLICIES:
        raise ImportFailure("unknown_policy", policy=policy)
    now = dt.datetime.now().replace(microsecond=0)
    with store.transaction():
        store.serialise("import_recipes")
        version = int(store.scalar("SELECT COALESCE(MAX(version), 0) + 1 FROM import_recipes "
                                   "WHERE name = ?", [name]))
        store.execute(
            "INSERT INTO import_recipes (name, version, kind, header_set, headers_json, "
            "mapping_json, policy, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [name, version, kind, header_set(headers), json.dumps(list(headers),
                                                                  ensure_ascii=False),
             mapping.to_json(), policy, scope.user or "unknown", now])
    return Recipe(name, version, kind, mapping, tuple(headers), policy, scope.user or "",
                  now.isoformat())


_COLUMNS = "name, version, kind, headers_json, mapping_json, policy, created_by, created_at"


def _recipe(row: tuple[Any, ...]) -> Recipe:
    name, version, kind, headers, mapping, policy, by, at = row
    return Recipe(name, int(version), kind, Mapping.from_dict(json.loads(mapping)),
                  tuple(json.loads(headers)), policy, by or "", str(at or ""))


def load_recipe(store: Store, name: str, version: int | None = None) -> Recipe:
    """The named recipe (its newest version unless one is given)."""
    sql = f"SELECT {_COLUMNS} FROM import_recipes WHERE name = ?"
    args: list[Any] = [name]
    if version is not None:
        sql += " AND version = ?"
        args.append(int(version))
    rows = store.rows(sql + " ORDER BY version DESC LIMIT 1", args)
    if not rows:
        raise ImportFailure("no_recipe", name=name)
    return _recipe(rows[0])


def find_recipe(store: Store, headers: list[str] | tuple[str, ...],
                kind: str | None = None) -> Recipe | None:
    """The newest recipe made for a file with the same header set (of ``kind`` if given)."""
    sql = f"SELECT {_COLUMNS} FROM import_recipes WHERE header_set = ?"
    args: list[Any] = [header_set(headers)]
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    rows = store.rows(sql + " ORDER BY created_at DESC, version DESC LIMIT 1", args)
    return _recipe(rows[0]) if rows else None


def load_recipes(store: Store, scope: AccessScope):  # type: ignore[no-untyped-def]
    """Every recipe's newest version: name, version, kind, columns mapped, by, at."""
    del scope  # mappings of column names: no data values, no area
    return store.query(
        "SELECT r.name, r.version, r.kind, r.mapping_json, r.created_by, r.created_at "
        "FROM import_recipes r JOIN (SELECT name, MAX(version) AS version FROM import_recipes "
        "GROUP BY name) m ON m.name = r.name AND m.version = r.version ORDER BY r.name")


def recipe_from_json(data: bytes) -> Recipe:
    """A recipe file read back (its version is given anew when it is saved)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("not a War Room import recipe")
        mapping = Mapping.from_dict(doc["mapping"])
        headers = tuple(str(h) for h in doc.get("headers", ()))
        return Recipe(_check_name(doc["name"]), int(doc.get("version", 1)), str(doc["kind"]),
                      mapping, headers, doc.get("policy"))
    except ImportFailure:
        raise
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ImportFailure("bad_recipe", detail=str(exc)[:160]) from exc


def import_recipe(store: Store, scope: AccessScope, data: bytes) -> Recipe:
    recipe = recipe_from_json(data)
    return save_recipe(store, scope, recipe.name, recipe.kind, recipe.mapping, recipe.headers,
                       recipe.policy)


def mark_batch_recipe(store: Store, batch_id: int, recipe: Recipe) -> None:
    """Lineage: the batch was imported with this recipe (name and version)."""
    store.execute("UPDATE import_batches SET recipe = ? WHERE batch_id = ?",
                  [f"{recipe.name} v{recipe.version}", int(batch_id)])
