"""One Plan page: area development plan projects, their progress, budget and SDG links."""

from components import plans_view

plans_view.render_plans_page()
