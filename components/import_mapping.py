"""The mapping step of an import: every field from a column, a constant or the file name.

Column names, file names and sheet names come from the file: they are shown only as widget
options, table cells or escaped text, never as markdown.
"""

from __future__ import annotations

import streamlit as st

from components.i18n import lang, t
from data.importer.mapping import Mapping, Source
from data.importer.plan import ImportPlan
from data.importer.reading import ROW
from data.importer.specs import Field, spec_for
from domain.safe_text import md_text

_NONE, _CONST, _NAME = "", "=", "~"


def _label(f: Field) -> str:
    return f.th if lang() == "th" else f.en


def _options(columns: list[str]) -> list[str]:
    return [_NONE, *(f"c:{c}" for c in columns), _CONST, _NAME]


def _shown(option: str) -> str:
    if option == _NONE:
        return t("importx_map_none")
    if option == _CONST:
        return t("importx_map_constant")
    if option == _NAME:
        return t("importx_map_filename")
    return option[2:]


def _initial(source: Source | None) -> tuple[str, str]:
    if source is None:
        return _NONE, ""
    if source.kind == "column":
        return f"c:{source.value}", ""
    return (_CONST if source.kind == "constant" else _NAME), source.value


def render_sample(plan: ImportPlan) -> None:
    """The first rows of the file under its own headers (text cells, as read)."""
    st.caption(t("importx_map_sample", rows=min(8, len(plan.raw.frame))))
    sample = plan.raw.frame.drop(columns=[ROW]).head(8)
    st.dataframe(sample, hide_index=True, width="stretch", placeholder="–",
                 height=min(330, 38 + 35 * 8))


def _field_row(f: Field, plan: ImportPlan, token: str, reasons: dict[str, str]) -> Source | None:
    columns = [c for c in plan.raw.frame.columns if c != ROW]
    options = _options(columns)
    choice, text = _initial(plan.mapping.fields.get(f.name))
    if choice not in options:
        choice = _NONE
    c1, c2, c3 = st.columns([2, 3, 3])
    marker = " \\*" if f.required else ""
    c1.markdown(f"**{md_text(_label(f))}**{marker}")
    if f.name in reasons:
        c1.caption(t(f"importx_reason_{reasons[f.name]}"))
    # Labels resolved now: a format function may run outside this session's script run.
    labels = {o: _shown(o) for o in options}
    picked = c2.selectbox(_label(f), options, index=options.index(choice),
                          format_func=labels.__getitem__,
                          key=f"importx_map_{token}_{f.name}", label_visibility="collapsed")
    if picked in (_CONST, _NAME):
        hint = t("importx_map_constant_hint") if picked == _CONST else t(
            "importx_map_filename_hint")
        value = c3.text_input(hint, value=text, key=f"importx_mapv_{token}_{f.name}_{picked}",
                              label_visibility="collapsed", placeholder=hint)
        if not value.strip():
            return None
        return Source("constant" if picked == _CONST else "filename", value.strip())
    if picked.startswith("c:"):
        return Source("column", picked[2:])
    return None


def render_mapping_editor(plan: ImportPlan, token: str) -> Mapping:
    """One row per field (required first, the rest folded away); returns the mapping chosen."""
    spec = spec_for(plan.kind)
    reasons = {s.field: s.reason for s in plan.suggestions} if plan.recipe is None else {}
    st.caption(t("importx_map_hint"))
    fields: dict[str, Source] = {}
    main = [f for f in spec.fields if f.required or f.kind == "area"]
    more = [f for f in spec.fields if f not in main]
    for f in main:
        src = _field_row(f, plan, token, reasons)
        if src is not None:
            fields[f.name] = src
    if more:
        mapped = sum(1 for f in more if f.name in plan.mapping.fields)
        with st.expander(t("importx_map_more", n=len(more), mapped=mapped)):
            for f in more:
                src = _field_row(f, plan, token, reasons)
                if src is not None:
                    fields[f.name] = src
    wide = plan.mapping.wide
    if spec.wide:
        wide = st.checkbox(t("importx_map_wide"), value=plan.mapping.wide,
                           key=f"importx_map_{token}__wide")
    return Mapping(fields, wide)
