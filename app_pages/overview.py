"""Overview page for executives: SDG index, 17-goal strip, index map, movers and headline KPIs."""

from components import overview

overview.render_overview_page()
