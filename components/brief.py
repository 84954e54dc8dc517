"""Province brief: one printable A4 HTML page (SDG map and scores, poverty, partner gaps)."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

import pandas as pd

from components.i18n import t_in
from data.brief import MeetingChanges, ProvinceBrief
from domain.catalogue import SDG_GOALS
from domain.meetings import polarity

log = logging.getLogger("warroom")

_CSS = """
@page { size: A4; margin: 14mm; }
body { font-family: "Noto Sans Thai", Sarabun, Garuda, sans-serif; color: #1f2430;
       font-size: 11pt; max-width: 190mm; margin: 0 auto; }
h1 { font-size: 20pt; margin: 0 0 2mm; } h2 { font-size: 14pt; margin: 6mm 0 2mm;
  border-bottom: 2px solid #0068c9; } .sub { color: #5b6270; }
table { border-collapse: collapse; width: 100%; } th { white-space: nowrap; }
td, th { padding: 1mm 2mm;
  border-bottom: 1px solid #e3e6ec; text-align: left; } th { background: #f3f5f9; }
.num { text-align: right; } .bar { height: 9px; background: #0068c9; border-radius: 2px; }
.kpis { display: flex; gap: 4mm; } .kpi { flex: 1; border: 1px solid #e3e6ec;
  border-radius: 2mm; padding: 2mm 3mm; } .kpi b { display: block; font-size: 15pt; }
.goal { display: inline-block; min-width: 7mm; color: white; text-align: center;
  border-radius: 1mm; padding: 0 1mm; }
section { break-inside: avoid; } .noprint { margin: 4mm 0; }
figure { margin: 2mm 0; } figure svg { width: 100%; height: auto; max-height: 110mm; }
@media print { .noprint { display: none; } }
"""
_COLOURS = {"better": "#1B7837", "worse": "#B2182B"}
_NEUTRAL = "#5b6270"

Label = Callable[..., str]


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{value:,.{digits}f}"


def _labels(lang: str) -> Label:
    """``L(key, **kw)``: the brief's label ``brief_<key>`` in ``lang``, HTML-escaped."""
    def label(key: str, **kw: Any) -> str:
        return html.escape(t_in(lang, f"brief_{key}", **kw))
    return label


def _goal_names(lang: str) -> dict[int, tuple[str, str]]:
    return {g: (th if lang == "th" else en, colour) for g, th, en, colour in SDG_GOALS}


def _year(year: int, lang: str) -> int:
    """A year as the reader counts it (Buddhist era in Thai)."""
    return year + 543 if lang == "th" else year


def build_brief_html(brief: ProvinceBrief, lang: str = "th") -> bytes:
    """The printable page of ``brief`` (from ``data.brief.load_province_brief``), UTF-8."""
    L = _labels(lang)  # noqa: N806 - a label, read like t()
    name = html.escape(brief.name_th if lang == "th" else brief.name_en)
    shown_year = _year(brief.year, lang)
    parts = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{L('title')}: {name} {shown_year}</title>"
        f"<style>{_CSS}</style></head><body>",
        f'<p class="noprint"><button onclick="window.print()">{L("print")}</button></p>',
        f"<h1>{L('title')}: {name}</h1>",
        f'<p class="sub">{L("year")} {shown_year}</p>',
        build_sdg_section(brief, lang), build_poverty_section(brief, lang),
        build_partner_section(brief, lang), build_changes_section(brief.changes, lang),
        f'<p class="sub">{L("source", date=brief.data_as_of or "–")}</p></body></html>']
    return "".join(parts).encode("utf-8")


def build_sdg_section(brief: ProvinceBrief, lang: str) -> str:
    """The SDG index, its rank, the map of every province and the score of each goal."""
    L = _labels(lang)  # noqa: N806
    goals = _goal_names(lang)
    parts = [f"<section><h2>{L('sdg')}</h2>"]
    if brief.index is not None:
        parts.append(f"<p><b>{L('index')}: {_fmt(brief.index, 1)}</b> · "
                     f"{L('rank', rank=brief.rank, n=brief.ranked)}</p>")
    svg = _index_map_svg(brief, L("map"), L("index"), lang)
    if svg:
        parts.append(f"<figure>{svg}</figure>")
    if not brief.goal_scores:
        return "".join(parts) + f"<p>{L('no_data')}</p></section>"
    parts.append(f"<table><tr><th>{L('goal')}</th><th></th><th class='num'>"
                 f"{L('score')}</th><th style='width:35%'></th></tr>")
    for goal, score in brief.goal_scores:
        label, colour = goals.get(goal, (str(goal), "#888"))
        width = 0 if score is None else max(0.0, min(100.0, score))
        parts.append(
            f"<tr><td><span class='goal' style='background:{colour}'>{goal}</span>"
            f"</td><td>{html.escape(label)}</td><td class='num'>{_fmt(score, 1)}</td>"
            f"<td><div class='bar' style='width:{width:.0f}%'></div></td></tr>")
    parts.append("</table>")
    parts.append(f"<p>{L('weakest')}: " + ", ".join(
        f"{g} {html.escape(goals[g][0])}" for g in brief.weakest_goals) + "</p>")
    return "".join(parts) + "</section>"


def build_poverty_section(brief: ProvinceBrief, lang: str) -> str:
    """Poverty measures of every survey year."""
    L = _labels(lang)  # noqa: N806
    parts = [f"<section><h2>{L('poverty')}</h2>"]
    if not brief.poverty:
        return "".join(parts) + f"<p>{L('no_data')}</p></section>"
    parts.append(f"<table><tr><th>{L('year')}</th><th class='num'>{L('people')}</th>"
                 f"<th class='num'>{L('target_poor')}</th><th class='num'>{L('h')}</th>"
                 f"<th class='num'>{L('mpi')}</th></tr>")
    for r in brief.poverty:
        h = None if r["h"] is None else 100 * r["h"]
        parts.append(f"<tr><td>{_year(int(r['year']), lang)}</td>"
                     f"<td class='num'>{_fmt(r['population'])}</td>"
                     f"<td class='num'>{_fmt(r['target_poor_people'])}</td>"
                     f"<td class='num'>{_fmt(h, 2)} %</td>"
                     f"<td class='num'>{_fmt(r['mpi'], 4)}</td></tr>")
    return "".join(parts) + "</table></section>"


def build_partner_section(brief: ProvinceBrief, lang: str) -> str:
    """Partner activity of the year and the goals no partner works on."""
    L = _labels(lang)  # noqa: N806
    goals = _goal_names(lang)
    kpis = "".join(f"<div class='kpi'>{L('kpi_' + key)}<b>{_fmt(value)}</b></div>"
                   for key, value in brief.partner_kpis.items())
    gaps = ", ".join(
        f"<span class='goal' style='background:{goals[g][1]}'>{g}</span> "
        f"{html.escape(goals[g][0])}" for g in brief.goals_without_partners)
    return (f"<section><h2>{L('partners')}</h2><div class='kpis'>{kpis}</div>"
            f"<p>{L('gaps')}: {gaps or L('none')}</p></section>")


def _num(metric: str, value: float | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value):,.1f}" if metric == "sdg_index" else f"{float(value):,.0f}"


def build_changes_section(changes: MeetingChanges | None, lang: str) -> str:
    """"Since the last meeting": each measure then and now, new and closed problems."""
    L = _labels(lang)  # noqa: N806
    out = [f"<section><h2>{L('changes_title')}</h2>"]
    if changes is None:
        return "".join(out) + f"<p>{html.escape(t_in(lang, 'brief_changes_none'))}</p></section>"
    when = changes.held_on
    date = f"{when.day}/{when.month}/{_year(when.year, lang)}"
    out.append(f'<p class="sub">{L("changes_meeting", title=changes.title, date=date)}</p>')
    out.append(f"<table><tr><th>{L('changes_metric')}</th>"
               f"<th class='num'>{L('changes_before')}</th>"
               f"<th class='num'>{L('changes_now')}</th>"
               f"<th class='num'>{L('changes_change')}</th></tr>")
    for m in changes.metrics:
        change = "" if not m.change else (
            ("▲ " if m.change > 0 else "▼ ") + _num(m.metric, abs(m.change)))
        colour = _COLOURS.get(m.direction or "", _NEUTRAL) if polarity(m.metric) else _NEUTRAL
        out.append(f"<tr><td>{L('metric_' + m.metric)}</td>"
                   f"<td class='num'>{_num(m.metric, m.before)}</td>"
                   f"<td class='num'>{_num(m.metric, m.after)}</td>"
                   f"<td class='num' style='color:{colour}'>{change}</td></tr>")
    out.append("</table>")
    for key, count, rules in (("changes_new", changes.new_problems, changes.new_rules),
                              ("changes_closed", changes.closed_problems, changes.closed_rules)):
        names = ", ".join(html.escape(r) for r in rules)
        out.append(f"<p><b>{L(key)}: {count:,}</b>{' · ' + names if names else ''}</p>")
    return "".join(out) + "</section>"


def _index_map_svg(brief: ProvinceBrief, title: str, value_label: str,
                   lang: str) -> str | None:
    """The SDG index of every province with this one outlined, as inline SVG (Thai font)."""
    from components.chart_files import chart_image
    from components.map_static import build_static_map
    from components.ui import ExportMeta

    values = pd.DataFrame(list(brief.index_by_province), columns=["code", "value"])
    values["value"] = pd.to_numeric(values["value"])  # None: no index, as NaN
    try:
        fig = build_static_map(values, level="province", value_label=value_label,
                               fmt=lambda v: f"{v:.1f}", selected=brief.province,
                               language=lang)
        if fig is None:
            return None
        fig.update_layout(width=560, height=620, title=None)
        svg = chart_image(fig, ExportMeta(title), "svg", lang=lang).decode("utf-8")
    except Exception:  # noqa: BLE001 - the brief is still useful without its map
        log.exception("brief map failed")
        return None
    # The SVG document's own header would end the HTML figure early; keep the <svg> element.
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else None
