"""Translated labels (Thai by default, English) read from locales/*.toml."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import streamlit as st

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"


@functools.cache
def load_strings() -> dict[str, dict[str, str]]:
    """All keys of all locale files; a key defined twice is an error."""
    strings: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            table = tomllib.load(fh)
        for key, value in table.items():
            if key in strings:
                raise ValueError(f"locale key {key!r} is defined twice ({path.name})")
            strings[key] = value
    return strings


# This page run's language, inside ``one_language_per_run`` only (empty: not read yet).
_THIS_RUN: ContextVar[list[str] | None] = ContextVar("language_this_run", default=None)


@contextmanager
def one_language_per_run() -> Iterator[None]:
    """Within a page run, read the language from the session once: ``t`` is called hundreds
    of times a run, and each read of ``st.session_state`` passes Streamlit's locks and widget
    lookups (about 2 ms a run, sampled). The language changes only between runs (the picker's
    new value) or through ``set_language``, which forgets the remembered one."""
    token = _THIS_RUN.set([])
    try:
        yield
    finally:
        _THIS_RUN.reset(token)


def set_language(value: str) -> None:
    """Set the session's language (the app's only way of changing it within a run)."""
    st.session_state.lang = value
    memo = _THIS_RUN.get()
    if memo:
        memo.clear()


def lang() -> str:
    memo = _THIS_RUN.get()
    if memo:
        return memo[0]
    value = st.session_state.get("lang", DEFAULT_LANGUAGE)
    value = value if value in LANGUAGES else DEFAULT_LANGUAGE
    if memo is not None:
        memo.append(value)
    return value


def t(key: str, **kwargs: object) -> str:
    """The label for ``key`` in the current language (the key itself if it is missing)."""
    return t_in(lang(), key, **kwargs)


def t_in(language: str, key: str, **kwargs: object) -> str:
    """The label for ``key`` in ``language``: for output built outside a page run (the
    province brief is made when its download is clicked, without the session's language)."""
    entry = load_strings().get(key)
    if entry is None:
        return key
    text = entry.get(language) or entry.get(DEFAULT_LANGUAGE) or key
    return text.format(**kwargs) if kwargs else text


def name_col() -> str:
    """Column holding area/indicator names in the current language."""
    return "name_th" if lang() == "th" else "name_en"


def blank_missing(value: object) -> object:
    """An empty cell for a missing value (tables otherwise show the word "None")."""
    return "" if value is None or value != value else value


def t_code(prefix: str, code: object) -> str:
    """A stored code (an audit action, an import status) in words: ``{prefix}{code}`` from the
    locale files, else the code itself; an empty value stays empty (never "None")."""
    if code is None or code != code or code == "":  # None, NaN
        return ""
    key = f"{prefix}{code}"
    text = t(key)
    return str(code) if text == key else text
