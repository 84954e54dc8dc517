"""Follow-up to closure: open and overdue items, time to closure, service levels."""

from components import followup_view

followup_view.render_followup_page()
