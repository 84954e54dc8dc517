"""Small rendering helpers shared by pages: headers, KPI cards, tables, guarded sections."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from components.i18n import t

log = logging.getLogger("warroom")
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ExportMeta:
    """What an exported chart, table or map says about itself (title, area, year, source)."""

    title: str
    area: str = ""
    year: int | None = None
    source: str = ""
    # Import kinds the figures come from: the "data as of" stamp is their latest import.
    kinds: tuple[str, ...] = ()
    period: str = ""  # a date range the figures cover, where it is not one year


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"
    help: str | None = None
    # "off" for deltas that are shares of the value, not changes over time.
    delta_arrow: str = "auto"


def render_page_header(title: str, subtitle: str | None = None) -> None:
    st.markdown(f"## {html.escape(title)}")
    if subtitle:
        st.caption(subtitle)


def render_kpis(kpis: Sequence[Kpi], per_row: int | None = None) -> None:
    """The headline figures in one row (or rows of ``per_row``). In meeting mode, six or more
    figures of which one is longer than seven characters go in rows of three: at meeting size
    six such figures do not fit across a 1366-pixel projector (the Debt page's "363,300 บาท"
    broke mid-number), while five money figures (One Plan) or six short ones (Poverty) do, and
    keep the map on the first screen."""
    from components.style import meeting_mode

    crowded = len(kpis) > 5 and max(len(str(k.value)) for k in kpis) > 7
    per_row = 3 if crowded and meeting_mode() else max(1, per_row or len(kpis))
    for start in range(0, len(kpis), per_row):
        cols = st.columns(per_row)
        for col, k in zip(cols, kpis[start:start + per_row], strict=False):
            with col, st.container(border=True):
                st.metric(k.label, k.value, delta=k.delta, delta_color=k.delta_color,
                          help=k.help, delta_arrow=k.delta_arrow)


def render_table(df: pd.DataFrame, *, height: int | None = None, key: str | None = None,
                 meta: ExportMeta | None = None, **kwargs: Any) -> Any:
    """A data table; cell text is rendered as text by the grid, never as HTML.

    ``meta`` names the table for its CSV/XLSX exports (offered next to the table). An empty
    cell (no figure, or one withheld as a small count) reads "–", as the pages say, not "None".
    """
    kwargs.setdefault("placeholder", "–")
    out = st.dataframe(df, hide_index=True, width="stretch", height=height or "auto", key=key,
                       **kwargs)
    if meta is not None and _may_export():
        from components.export import render_table_exports

        render_table_exports(df, meta, key, _column_labels(kwargs.get("column_config")))
    return out


def render_chart(fig: Any, *, key: str, meta: ExportMeta | None = None, **kwargs: Any) -> Any:
    """A plotly figure, full width, without plotly's logo; ``kwargs`` go to ``st.plotly_chart``
    (e.g. ``on_select="rerun"``). ``meta`` names the chart for its PNG/SVG/HTML exports."""
    config = {"displaylogo": False, "modeBarButtonsToRemove": ["sendDataToCloud"]}
    if not _may_export():
        # Plotly's own "download as PNG" button would bypass the export rights.
        config["modeBarButtonsToRemove"] = ["sendDataToCloud", "toImage"]
    from components.charts import plotly_input, summary_view
    from components.map_a11y import render_chart_summary

    # The figure's dict written directly (charts.chart_spec), not by plotly's to_dict.
    out = st.plotly_chart(plotly_input(fig), key=key, width="stretch", config=config, **kwargs)
    render_chart_summary(summary_view(fig))  # the chart's text alternative (highest, lowest)
    if meta is not None and _may_export():
        from components.export import render_chart_exports

        render_chart_exports(fig, meta, key)
    return out


def _may_export() -> bool:
    from components.datasource import current_scope

    return current_scope().may_export


def _column_labels(config: Any) -> dict[str, str]:
    """Exported tables use the same column titles as the table on screen."""
    labels: dict[str, str] = {}
    for col, value in (config or {}).items():
        if isinstance(value, str):
            labels[col] = value
        elif isinstance(value, dict) and isinstance(value.get("label"), str):
            labels[col] = value["label"]
    return labels


class Refused(RuntimeError):
    """An action that did not happen, for a reason the user is told (the message is translated
    plain text, e.g. "the audit log cannot be written")."""


def guarded(fn: F) -> F:
    """Render a section; an unexpected error shows a short message instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Refused as exc:
            st.error(html.escape(str(exc)))
            return None
        except Exception:  # noqa: BLE001 - any failure becomes a message, never a traceback
            log.exception("section %s failed", fn.__name__)
            st.error(t("error_generic"))
            return None

    return wrapper  # type: ignore[return-value]


def render_empty(message_key: str = "no_data") -> None:
    st.info(t(message_key))
