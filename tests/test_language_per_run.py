"""Within a page run the language is read once; a change through set_language is seen at once."""

from __future__ import annotations

import types

from components import i18n


class _Session(dict):
    """A session state that counts its reads (Streamlit's proxy is the cost being saved)."""

    reads = 0

    def get(self, key, default=None):
        _Session.reads += 1
        return super().get(key, default)

    def __setattr__(self, key, value):
        self[key] = value


def test_one_read_per_run_and_changes_seen(monkeypatch):
    session = _Session(lang="en")
    monkeypatch.setattr(i18n, "st", types.SimpleNamespace(session_state=session))
    _Session.reads = 0
    with i18n.one_language_per_run():
        assert [i18n.t("language") for _ in range(50)] == [i18n.t_in("en", "language")] * 50
        assert _Session.reads == 1
        i18n.set_language("th")
        assert session["lang"] == "th" and i18n.lang() == "th"
        assert i18n.t("language") == i18n.t_in("th", "language")
    assert _Session.reads == 2
    session["lang"] = "en"  # the picker's new value, between runs
    with i18n.one_language_per_run():
        assert i18n.lang() == "en"
    session["lang"] = None  # a deselected picker: the default language
    with i18n.one_language_per_run():
        assert i18n.lang() == i18n.DEFAULT_LANGUAGE
    i18n.lang(), i18n.lang()  # outside a run (callbacks): read every time
    assert _Session.reads == 6
