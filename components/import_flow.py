"""The import tab: upload, a recipe found by the file's headers or the mapping step, the preview.

A file whose headers match a saved recipe goes straight to its preview (the mapping can still
be opened); an unfamiliar file opens the mapping step with suggestions, and the confirmed
mapping can be saved as a recipe for the next file of its kind.
"""

from __future__ import annotations

import streamlit as st

from components.datasource import current_scope, get_writer
from components.i18n import lang, t
from components.import_mapping import render_mapping_editor, render_sample
from components.import_measure import render_new_measure
from components.import_preview import MESSAGE, PLAN, PREVIEW, render_preview
from components.ui import guarded
from data.importer import KINDS, POLICIES, ImportFailure, max_import_bytes, preview_import
from data.importer.mapping import Mapping
from data.importer.plan import ImportPlan, plan_import
from data.importer.recipes import save_recipe
from domain.safe_text import md_text

UPLOAD_TYPES = ["csv", "txt", "tsv", "xlsx", "xlsm", "parquet"]


def _token(plan: ImportPlan, name: str) -> str:
    """Widget keys of one file's mapping step (a new file starts from its own suggestions)."""
    return f"{abs(hash((name, plan.kind, tuple(plan.raw.headers)))) % 10**8}"


def _check(upload, kind: str, policy: str) -> None:  # type: ignore[no-untyped-def]
    data = upload.getvalue()
    st.session_state.pop(PREVIEW, None)
    plan = plan_import(get_writer(), data, upload.name, kind)
    st.session_state[PLAN] = {"plan": plan, "data": data, "name": upload.name,
                              "policy": (plan.recipe.policy if plan.recipe and plan.recipe.policy
                                         else policy)}
    _try_preview(plan.mapping)


def _try_preview(mapping: Mapping) -> None:
    """Preview with ``mapping``; an incomplete mapping leaves the mapping step open."""
    state = st.session_state[PLAN]
    state["tried"] = True
    try:
        st.session_state[PREVIEW] = preview_import(
            get_writer(), current_scope(), state["data"], state["name"], state["plan"].kind,
            state["policy"], mapping, raw=state["plan"].raw)
        state["mapping"] = mapping
    except ImportFailure as exc:
        st.session_state.pop(PREVIEW, None)
        state["error"] = exc.message(lang())
        state["open"] = True
        return
    state.pop("error", None)


@guarded
def render_import() -> None:
    scope = current_scope()
    if not scope.may_import:
        st.info(t("importx_steward_only"))
        return
    message = st.session_state.pop(MESSAGE, None)
    if message:
        st.success(md_text(message))
    c1, c2 = st.columns(2)
    # Labels are resolved now: format functions may run outside this session's script run.
    kinds = {k: t(f"importx_kind_{k}") for k in KINDS}
    policies = {p: t(f"importx_policy_{p}") for p in POLICIES}
    kind = c1.selectbox(t("importx_kind"), KINDS, key="importx_kind", format_func=kinds.get)
    policy = c2.radio(t("importx_policy"), POLICIES, key="importx_policy", index=2,
                      format_func=policies.get, horizontal=True)
    max_mb = max_import_bytes() // (1024 * 1024)
    upload = st.file_uploader(t("importx_file", max_mb=max_mb), type=UPLOAD_TYPES,
                              key="importx_upload")
    if st.button(t("importx_check"), key="importx_check_btn", disabled=upload is None,
                 type="primary"):
        try:
            _check(upload, kind, policy)
        except ImportFailure as exc:
            st.session_state.pop(PLAN, None)
            st.error(md_text(exc.message(lang())))
    state = st.session_state.get(PLAN)
    if state is not None:
        if not state.get("tried"):
            _try_preview(state["plan"].mapping)
        _render_plan(state)
    preview = st.session_state.get(PREVIEW)
    if preview is not None:
        render_preview(preview, state["plan"].recipe if state else None)


def _render_plan(state: dict) -> None:
    plan: ImportPlan = state["plan"]
    if plan.recipe is not None:
        key = "importx_recipe_found" if plan.recipe_found else "importx_recipe_applied"
        st.info(md_text(t(key, name=plan.recipe.name, version=plan.recipe.version,
                          kind=t(f"importx_kind_{plan.kind}"))))
    if state.get("error"):
        st.warning(md_text(state["error"]))
    opened = bool(state.get("open")) or plan.recipe is None and any(
        s.reason != "header" for s in plan.suggestions)
    with st.expander(t("importx_map_title"), expanded=opened):
        render_sample(plan)
        token = _token(plan, state["name"])
        mapping = render_mapping_editor(plan, token)
        b1, b2, b3 = st.columns([2, 3, 2])
        if b1.button(t("importx_map_apply"), key="importx_map_apply", type="primary"):
            _try_preview(mapping)
            st.rerun()
        name = b2.text_input(t("importx_recipe_name"), key=f"importx_recipe_name_{token}",
                             value=plan.recipe.name if plan.recipe else "",
                             placeholder=t("importx_recipe_name_hint"))
        if b3.button(t("importx_recipe_save"), key="importx_recipe_save",
                     disabled=not name.strip() or PREVIEW not in st.session_state):
            _save(plan, state, name)
    if plan.kind == "indicators":
        render_new_measure(lambda: _try_preview(state.get("mapping", plan.mapping)))


def _save(plan: ImportPlan, state: dict, name: str) -> None:
    try:
        recipe = save_recipe(get_writer(), current_scope(), name, plan.kind,
                             state.get("mapping", plan.mapping), plan.raw.headers,
                             state.get("policy"))
    except ImportFailure as exc:
        st.error(md_text(exc.message(lang())))
        return
    plan.recipe = recipe
    st.success(md_text(t("importx_recipe_saved", name=recipe.name, version=recipe.version)))
