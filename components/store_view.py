"""The page shown instead of the app when the store cannot be used: its state in plain words."""

from __future__ import annotations

import streamlit as st

from components.i18n import t
from data.store_state import StoreState
from domain.safe_text import md_text


def render_store_state(state: StoreState) -> None:
    """What is wrong with the store and what the administrator does about it; no command
    lines (anyone may be looking), the holder of a locked file named as the OS reports it."""
    kind = state.state if state.state in {"missing", "empty", "locked", "read_only", "damaged",
                                          "newer_schema", "outdated", "unreachable"} else "error"
    box = st.info if kind in ("missing", "empty") else st.error
    lines = [md_text(t(f"store_title_{kind}")), md_text(t(f"store_do_{kind}"))]
    if state.holder:
        lines.append(md_text(t("store_holder", holder=state.holder)))
    box("  \n".join(lines), icon=":material/database:")
    st.caption(md_text(t("store_details")))
