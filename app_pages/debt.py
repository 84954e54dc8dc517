"""Informal-debt page: cases of the urgent policy by area, stage and month."""

from components import debt_view

debt_view.render_debt_page()
