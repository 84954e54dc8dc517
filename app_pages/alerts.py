"""Early-warning page: the user's alert inbox, the rules, evaluations and digests."""

from components import alerts_view

alerts_view.render_alerts_page()
