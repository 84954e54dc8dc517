"""SDG labels shared by the SDG page and the overview: goals, units, statuses, categories, years."""

from __future__ import annotations

import re

from components import method_panel
from components.charts import goal_colour
from components.i18n import lang, t
from domain.formatting import to_be

KINDS = ("indicator_catalogue", "indicators")  # what the exports' data date follows

GOALS = tuple(range(1, 18))


# -- small helpers shared with the overview ------------------------------------------------------

def unit_label(unit: str) -> str:
    """The unit in the current language (units are stored in English)."""
    slug = re.sub(r"[^a-z0-9]+", "_", unit.lower()).strip("_")
    key = f"sdg_unit_{slug}"
    text = t(key) if slug else unit
    return unit if text == key else text


def status_label(status: str | None, method: str = "sdsn") -> str:
    return method_panel.status_text(status, method)


def category_label(category: str | None, short: bool = False) -> str:
    """The category's name with its score range (``short``: the name only)."""
    if not isinstance(category, str):
        return t("no_data")
    text = t(f"sdg_cat_{category}")
    return text.split(" (")[0] if short else text


def year_tick(year: int) -> str:
    return str(to_be(year)) if lang() == "th" else str(int(year))


def goal_tiles_css(selected: int | None, prefix: str) -> str:
    """CSS giving each goal button (keys ``{prefix}{g}``) its official colour."""
    rules = []
    for g in GOALS:
        colour = goal_colour(g)
        ring = "box-shadow: 0 0 0 4px #1f2933;" if g == selected else "opacity: 0.82;"
        # !important and every state: Streamlit's own hover/focus/active styles would
        # otherwise paint the selected (focused) tile white.
        button = (f".st-key-{prefix}{g} button, .st-key-{prefix}{g} button:hover, "
                  f".st-key-{prefix}{g} button:focus, .st-key-{prefix}{g} button:active, "
                  f".st-key-{prefix}{g} button:focus-visible")
        rules.append(
            f"{button} {{ background: {colour} !important; color: white !important; "
            f"border: 0 !important; min-height: 3.1rem; width: 100%; min-width: 0; "
            f"padding: 0.2rem 0 !important; {ring} }}"
            # Sized to the button: "17" stays whole in a 40 px column at 1280 px.
            f".st-key-{prefix}{g} {{ container-type: inline-size; }}"
            f".st-key-{prefix}{g} button p {{ font-size: clamp(0.9rem, 42cqi, 1.35rem); "
            f"font-weight: 700; color: white !important; white-space: nowrap; }}"
            f".st-key-{prefix}{g} button:hover {{ opacity: 1; }}")
    return "<style>" + "\n".join(rules) + "</style>"
