"""The page registry: one list drives the navigation, the AppTest smoke tests and the browser tests."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.i18n import t
from data.scope import AccessScope


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str
    title_key: str
    icon: str
    url_path: str
    default: bool = False
    # Roles that may open the page; None means every signed-in user.
    roles: frozenset[str] | None = None

    @property
    def route(self) -> str:
        """URL path of the page: the default page is served at the root."""
        return "" if self.default else self.url_path


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "app_pages/overview.py", "page_overview", ":material/dashboard:",
             "overview", default=True),
    PageSpec("sdg", "app_pages/sdg.py", "page_sdg", ":material/public:", "sdg"),
    PageSpec("poverty", "app_pages/poverty.py", "page_poverty", ":material/family_home:",
             "poverty"),
    PageSpec("partners", "app_pages/partners.py", "page_partners", ":material/handshake:",
             "partners"),
    PageSpec("plans", "app_pages/plans.py", "page_plans", ":material/assignment:", "plans"),
    PageSpec("debt", "app_pages/debt.py", "page_debt", ":material/balance:", "debt"),
    PageSpec("changes", "app_pages/changes.py", "page_changes", ":material/compare_arrows:",
             "changes"),
    PageSpec("followup", "app_pages/followup.py", "page_followup", ":material/task_alt:",
             "followup"),
    PageSpec("alerts", "app_pages/alerts.py", "page_alerts", ":material/notifications:",
             "alerts"),
    PageSpec("data", "app_pages/data.py", "page_data", ":material/database:", "data"),
    PageSpec("admin", "app_pages/admin.py", "page_admin", ":material/admin_panel_settings:",
             "admin", roles=frozenset({"admin"})),
)


_PAGES_KEY = "_nav_pages"  # (page specs and titles, the st.Page objects built for them)


def visible_pages(scope: AccessScope) -> list[PageSpec]:
    return [p for p in PAGES if p.roles is None or scope.has_role(*p.roles)]


def build_navigation(scope: AccessScope, position: str = "top", every_page: bool = False):
    """``st.navigation`` over the pages this user may open.

    ``every_page`` (with ``position="hidden"``, before sign-in, where no page is run): a deep
    link to any page is recognised, so it survives the sign-in instead of ending in Streamlit's
    "page not found" dialog; the signed-in navigation then holds only the user's pages.
    """
    specs = PAGES if every_page else tuple(visible_pages(scope))
    titles = tuple(t(p.title_key) for p in specs)
    # The session's pages are built again only when their list or language changes: each
    # ``st.Page`` resolves its file's path on the disk (about 1 ms a run for all of them).
    # ``st.navigation`` picks the page to run on every run, whatever objects it is given.
    built = st.session_state.get(_PAGES_KEY)
    if built is None or built[0] != (specs, titles):
        pages = [st.Page(p.path, title=title, icon=p.icon, url_path=p.url_path,
                         default=p.default) for p, title in zip(specs, titles, strict=True)]
        built = ((specs, titles), pages)
        st.session_state[_PAGES_KEY] = built
    return st.navigation(built[1], position=position)
