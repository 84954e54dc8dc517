"""Administration page: users, roles, provinces and the audit log (administrators only)."""

from components import admin_view

admin_view.render_admin_page()
