"""The session's navigation pages are rebuilt whenever their list or their language changes."""

from __future__ import annotations

import types

from components import i18n, nav
from data.scope import AccessScope

ADMIN = AccessScope(user="a", roles=frozenset({"admin"}), provinces=None)
EXEC = AccessScope(user="e", roles=frozenset({"executive"}), provinces=None)


def test_pages_follow_the_language_and_the_rights(monkeypatch):
    built: list[str] = []
    fake = types.SimpleNamespace(session_state={})

    def page(path, **kw):
        built.append(path)
        return (path, kw["title"])

    fake.Page = page
    fake.navigation = lambda pages, position: list(pages)
    monkeypatch.setattr(nav, "st", fake)
    language = {"value": "th"}
    monkeypatch.setattr(nav, "t", lambda key: i18n.t_in(language["value"], key))

    first = nav.build_navigation(EXEC)
    assert len(built) == len(first) == len(nav.visible_pages(EXEC))
    assert nav.build_navigation(EXEC) == first and len(built) == len(first)  # kept
    language["value"] = "en"
    english = nav.build_navigation(EXEC)
    assert english != first and [p for p, _ in english] == [p for p, _ in first]
    assert dict(english)["app_pages/overview.py"] == i18n.t_in("en", "page_overview")
    admin = nav.build_navigation(ADMIN)
    assert "app_pages/admin.py" in dict(admin) and "app_pages/admin.py" not in dict(english)
    assert nav.build_navigation(EXEC) == english  # the admin page is gone again
    every = nav.build_navigation(AccessScope.nothing(), position="hidden", every_page=True)
    assert len(every) == len(nav.PAGES)
    signed_in = nav.build_navigation(AccessScope.nothing())  # the list changed: rebuilt
    assert len(signed_in) == len(nav.visible_pages(AccessScope.nothing())) < len(every)
