"""SDG progress page: indicator values for the selected area and year."""

from components import sdg_view

sdg_view.render_sdg_page()
