"""The recipes tab: saved column mappings with their versions; export and import as JSON."""

from __future__ import annotations

import json
import re

import pandas as pd
import streamlit as st

from components.datasource import current_scope, data_version, get_store, get_writer
from components.i18n import lang, t
from components.ui import guarded
from data.importer import ImportFailure
from data.importer.recipes import import_recipe, load_recipe, load_recipes
from domain.formatting import fmt_date
from domain.safe_text import md_text


def _fields(mapping_json: str) -> str:
    fields = json.loads(mapping_json).get("fields", {})
    return ", ".join(f"{k} ← {v['value']}" if v["kind"] == "column" else
                     f"{k} = {v['value']}" if v["kind"] == "constant" else
                     f"{k} ~ {v['value']}" for k, v in sorted(fields.items()))


def _slug(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z\u0e00-\u0e7f_-]+", "_", name)[:60] or "recipe"


@guarded
def render_recipes() -> None:
    st.caption(t("importx_recipes_hint"))
    # Not cached: saving a recipe is no import, so the data version does not move.
    df = load_recipes(get_store(), current_scope())
    if df.empty:
        st.info(t("importx_recipes_none"))
    else:
        # Names and column names are the stewards' and the files' text: table cells only.
        view = pd.DataFrame({
            "name": df.name, "version": df.version.astype(int),
            "kind": df.kind.map(lambda k: t(f"importx_kind_{k}")),
            "fields": df.mapping_json.map(_fields), "by": df.created_by,
            "at": [fmt_date(pd.Timestamp(a).date(), lang(), short=True) for a in df.created_at]})
        st.dataframe(view, hide_index=True, width="stretch", placeholder="–",
                     column_config={"name": t("importx_recipe"), "version": t("importx_version"),
                                    "kind": t("importx_col_kind"),
                                    "fields": t("importx_col_fields"), "by": t("importx_by"),
                                    "at": t("importx_at")})
        names = df.name.tolist()
        pick = st.selectbox(t("importx_recipe_export"), names, key="importx_recipe_pick")
        if pick is not None:
            st.download_button(t("importx_recipe_download"),
                               data=lambda n=pick: load_recipe(get_writer(), n).to_json(),
                               file_name=f"recipe_{_slug(pick)}.json", mime="application/json",
                               on_click="ignore", key="importx_recipe_dl")
    if not current_scope().may_import:
        return
    upload = st.file_uploader(t("importx_recipe_upload"), type=["json"],
                              key="importx_recipe_upload")
    if upload is not None and st.button(t("importx_recipe_add"), key="importx_recipe_add"):
        try:
            saved = import_recipe(get_writer(), current_scope(), upload.getvalue())
        except ImportFailure as exc:
            st.error(md_text(exc.message(lang())))
            return
        data_version.clear()
        st.success(md_text(t("importx_recipe_saved", name=saved.name, version=saved.version)))
