"""Partners page: network partners' activities by sector in the selected area."""

from components import partners_view

partners_view.render_partners_page()
