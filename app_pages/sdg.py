"""SDG progress page: goal and indicator maps, rankings, trends to 2030, two-area comparison."""

from components import sdg_view

sdg_view.render_sdg_page()
