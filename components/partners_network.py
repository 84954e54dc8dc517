"""Partners page network view: which sectors work on which goals (Sankey)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.datasource import fetch
from components.i18n import t
from components.partners_common import (
    SECTOR_COLOURS,
    build_partner_figure,
    esc,
    goal_names,
    partner_name,
    partners_meta,
    sector_names,
)
from components.ui import (
    guarded,
    render_chart,
)
from data.partners import (
    ActivityFilter,
    partner_goal_links,
)
from domain import catalogue
from domain.formatting import fmt_int
from domain.partners import (
    sankey_links,
)

# ---------------------------------------------------------------- network

def _link_colour(source: str, target: str) -> str:
    """A band takes its sector's colour on the left and its goal's colour on the right."""
    if source.startswith("s:"):
        hex_colour = SECTOR_COLOURS.get(source[2:], "#888888")
    else:
        hex_colour = catalogue.GOAL_COLOURS.get(int(target[2:]), "#888888")
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},0.28)"


def build_network_figure(links: pd.DataFrame, flows: pd.DataFrame, top_n: int) -> go.Figure:
    """Sankey sector -> partner -> goal; every label escaped (plotly reads HTML-like tags)."""
    sectors, goals = sector_names(), goal_names()
    partner_label = dict(zip(links.partner_id, partner_name(links), strict=False))
    ids = list(dict.fromkeys([*flows.source, *flows.target]))
    merged = dict(zip(flows.target, flows.merged, strict=False))

    def label(node: str) -> str:
        kind, _, key = node.partition(":")
        if kind == "s":
            return esc(sectors.get(key, key))
        if kind == "g":
            return esc(f"{key}. {goals.get(int(key), '')}", 34)
        if kind == "o":
            return esc(t("partners_others", n=fmt_int(merged.get(node, 0)),
                         sector=sectors.get(key, key)), 40)
        return esc(partner_label.get(int(key), key), 48)

    def colour(node: str) -> str:
        kind, _, key = node.partition(":")
        if kind == "g":
            return catalogue.GOAL_COLOURS[int(key)]
        if kind == "s":
            return SECTOR_COLOURS.get(key, "#888")
        return "#9E9E9E" if kind == "o" else "#5B7FA6"

    index = {n: i for i, n in enumerate(ids)}
    sankey = {
        "type": "sankey", "arrangement": "snap",
        "node": {"label": [label(n) for n in ids], "color": [colour(n) for n in ids],
              "pad": 6, "thickness": 14,
              "hovertemplate": "%{label}: %{value}<extra></extra>"},
        "link": {"source": [index[s] for s in flows.source],
              "target": [index[x] for x in flows.target], "value": flows.value.tolist(),
              "color": [_link_colour(src, dst) for src, dst in zip(flows.source, flows.target,
                                                                    strict=True)],
              "hovertemplate": "%{source.label} → %{target.label}: %{value}<extra></extra>"}}
    height = max(520, min(1400, 16 * sum(1 for n in ids if n[0] in "po") + 160))
    del top_n
    return build_partner_figure([sankey], {}, height)


@guarded
def render_network(f: ActivityFilter) -> None:
    st.markdown(f"#### {t('partners_network_title')}")
    top_n = state.url_param("pa_topn", 3, list(range(0, 21)), cast=int)
    st.slider(t("partners_topn"), min_value=0, max_value=20, key="pa_topn",
              help=t("partners_topn_help"))
    links = fetch(partner_goal_links, f)
    if links.empty:
        st.info(t("no_data"))
        return
    flows = sankey_links(links, int(top_n))
    fig = build_network_figure(links, flows, int(top_n))
    render_chart(fig, key="pa_network",
                 meta=partners_meta("partners_network_title", f))
    st.caption(t("partners_network_caption", partners=fmt_int(links.partner_id.nunique())))
