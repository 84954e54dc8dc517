"""The purpose of access: asked once per area and session before household records are shown,
and put on the audit record of every view (a lawful basis, made visible)."""

from __future__ import annotations

import streamlit as st

from components.i18n import t

PURPOSES = ("case_follow_up", "eligibility_check", "field_visit", "data_quality", "other")
_GIVEN = "_access_purposes"  # area -> purpose text, for this session
_LAST = "_access_last_purpose"  # (choice, note): offered again for the next area
_MISSING = "_access_purpose_missing"  # the area whose "other" came without details
NOTE_MAX = 200


def purpose_text(choice: str, note: str) -> str:
    """The purpose as recorded: the listed reason, then the user's words (one line, short)."""
    note = " ".join(str(note or "").split())[:NOTE_MAX]
    return f"{choice}: {note}" if note else choice


def _on_submit(area: str) -> None:
    # Settled before the run, so that the run that follows shows the list, not the form.
    choice = st.session_state.get(f"purpose_c_{area}", PURPOSES[0])
    note = st.session_state.get(f"purpose_n_{area}", "")
    if choice == "other" and not note.strip():
        st.session_state[_MISSING] = area
        return
    st.session_state.pop(_MISSING, None)
    st.session_state[_LAST] = (choice, note)
    st.session_state.setdefault(_GIVEN, {})[area] = purpose_text(choice, note)


def render_purpose_gate(area: str) -> str | None:
    """The purpose given for ``area`` in this session; otherwise ask for it and return None
    (nothing of the area's households is shown until it is given)."""
    given = st.session_state.get(_GIVEN, {})
    if area in given:
        return given[area]
    last_choice, last_note = st.session_state.get(_LAST, (PURPOSES[0], ""))
    # Labels computed now: a format function must not read the session's language later.
    labels = {p: t(f"purpose_{p}") for p in PURPOSES}
    with st.form(f"purpose_{area}", border=True):
        st.markdown(f"**{t('purpose_title')}**")
        st.caption(t("purpose_why"))
        st.selectbox(t("purpose_choice"), PURPOSES, index=PURPOSES.index(last_choice),
                     format_func=labels.__getitem__, key=f"purpose_c_{area}")
        st.text_input(t("purpose_note"), value=last_note, max_chars=NOTE_MAX,
                      key=f"purpose_n_{area}")
        st.form_submit_button(t("purpose_open"), type="primary", on_click=_on_submit,
                              args=(area,))
    if st.session_state.get(_MISSING) == area:
        st.error(t("purpose_note_needed"))
    return None
