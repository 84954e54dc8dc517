"""Map texts outside the session's language: labels and the boundaries' licence attribution."""

from __future__ import annotations

import html
import textwrap

from components.i18n import load_strings
from geo import boundaries


def label_in(key: str, language: str) -> str:
    """A label in an explicit language (figures built outside the current session's language)."""
    entry = load_strings().get(key, {})
    return entry.get(language) or entry.get("th") or key


def attribution(level: str, short: bool = True, parent_code: str | None = None) -> str:
    """The licence attribution of the boundaries drawn (the full text wrapped for images)."""
    info = boundaries.boundary_info(level, parent_code) or {}
    text = str(info.get("attribution_short" if short else "attribution", ""))
    return html.escape(text) if short else "<br>".join(
        html.escape(line) for line in textwrap.wrap(text, 110))
