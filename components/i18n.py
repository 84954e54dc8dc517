"""Translated labels (Thai by default, English) read from locales/*.toml."""

from __future__ import annotations

import functools
import tomllib
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


def lang() -> str:
    value = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


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
