"""Overview page: headline figures for the selected area and year."""

from components import overview

overview.render_overview_page()
