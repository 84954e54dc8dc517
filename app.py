"""War Room entry point: every page, including a deep link, runs inside this shared shell."""

import streamlit as st

st.set_page_config(
    page_title="War Room · One Plan - One Data",
    page_icon=":material/monitoring:",
    layout="wide",
    initial_sidebar_state="expanded",
)

from components import shell  # noqa: E402 - page config must come first

shell.run()
