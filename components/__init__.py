"""Streamlit rendering: the app shell, widgets, charts, maps and tables."""
