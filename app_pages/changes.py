"""Since the last meeting: what changed in the user's area since a recorded meeting."""

from components import changes_view

changes_view.render_changes_page()
