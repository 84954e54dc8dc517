"""Poverty page: target poor in the child areas of the selected area."""

from components import poverty_view

poverty_view.render_poverty_page()
