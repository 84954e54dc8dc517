"""Before the checks: read a file once and decide its mapping (a recipe, given or found by the
file's headers, else the suggestions), then apply a steward's changes to it."""

from __future__ import annotations

from dataclasses import dataclass, field

from data.importer.areas import AreaMatcher
from data.importer.errors import ImportFailure
from data.importer.mapping import Mapping, Source, parse_assignments
from data.importer.reading import RawTable, read_table
from data.importer.recipes import Recipe, find_recipe, load_recipe
from data.importer.specs import spec_for
from data.importer.suggest import ColumnProfile, Suggestion, suggest_mapping
from data.store import Store


@dataclass
class ImportPlan:
    """A read file and the mapping proposed for it, with where each choice came from."""

    raw: RawTable
    kind: str
    mapping: Mapping
    suggestions: list[Suggestion] = field(default_factory=list)
    profiles: dict[str, ColumnProfile] = field(default_factory=dict)
    recipe: Recipe | None = None
    recipe_found: bool = False  # offered because the file's headers match it


def plan_import(store: Store, data: bytes, file_name: str, kind: str | None,
                recipe: str | None = None, find: bool = True) -> ImportPlan:
    """Read ``data`` and propose its mapping.

    ``recipe`` names a recipe (``name`` or ``name@version``) whose kind wins; otherwise a
    recipe saved for the same header set is used when ``find``; otherwise the suggestions.
    """
    raw = read_table(data, file_name)
    chosen: Recipe | None = None
    found = False
    if recipe:
        name, _, version = recipe.partition("@")
        chosen = load_recipe(store, name, int(version) if version.isdigit() else None)
        if kind and kind != chosen.kind:
            raise ImportFailure("recipe_kind", name=chosen.name, recipe_kind=chosen.kind,
                                kind=kind)
        kind = chosen.kind
    elif find:
        chosen = find_recipe(store, raw.headers, kind)
        found = chosen is not None
        if chosen is not None:
            kind = chosen.kind
    if not kind:
        raise ImportFailure("unknown_kind", kind="- (name the kind, or a recipe)")
    spec = spec_for(kind)
    mapping, suggestions, profiles = suggest_mapping(raw.frame, spec,
                                                     AreaMatcher.from_store(store))
    if chosen is not None:
        mapping = chosen.mapping
    return ImportPlan(raw, kind, mapping, suggestions, profiles, chosen, found)


def override(mapping: Mapping, maps: list[str] | None = None, sets: list[str] | None = None,
             patterns: list[str] | None = None) -> Mapping:
    """``COLUMN=FIELD`` (a column for a field), ``FIELD=VALUE`` (a constant) and
    ``FIELD=PATTERN`` (from the file name) on top of ``mapping``. ``COLUMN=`` drops a column."""
    out = mapping
    for column, name in parse_assignments(maps, "--map"):
        # The column given to a field replaces any column that field had.
        taken = [f for f, s in out.fields.items() if s.kind == "column" and s.value == column]
        for f in taken:
            out = out.with_field(f, None)
        if name:
            out = out.with_field(name, Source("column", column))
    for name, value in parse_assignments(sets, "--set"):
        out = out.with_field(name, Source("constant", value) if value else None)
    for name, pattern in parse_assignments(patterns, "--from-name"):
        out = out.with_field(name, Source("filename", pattern) if pattern else None)
    return out
