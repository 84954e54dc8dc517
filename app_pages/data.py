"""Data page: the One Data catalogue."""

from components import data_view

data_view.render_data_page()
