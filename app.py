"""War Room entry point: every page, including a deep link, runs inside this shared shell."""

from pathlib import Path

import streamlit as st

st.set_page_config(
    page_title="War Room · One Plan - One Data",
    # A file served by the app: a ":material/..." icon would be fetched from Google Fonts.
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)

from components import warmup  # noqa: E402 - page config must come first

warmup.wait_for_imports()  # the server's start-up thread may still be importing the views
from components import shell  # noqa: E402

shell.startup()  # once per process: file modes, run gate, frozen heap
shell.run()
