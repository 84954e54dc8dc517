"""Province brief: one printable A4 HTML page (SDG map and scores, poverty, partner gaps)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pandas as pd

from data.scope import AccessScope
from data.store import Store

_L = {
    "title": ("รายงานสรุปจังหวัด", "Province brief"),
    "sdg": ("ความก้าวหน้า SDG", "SDG progress"),
    "index": ("ดัชนี SDG", "SDG index"),
    "rank": ("อันดับ {rank} จาก {n} จังหวัด", "rank {rank} of {n} provinces"),
    "goal": ("เป้าหมาย", "Goal"),
    "score": ("คะแนน (0-100)", "Score (0-100)"),
    "weakest": ("เป้าหมายที่ต้องเร่งรัด", "Goals to accelerate"),
    "poverty": ("ความยากจนหลายมิติ (จปฐ.)", "Multidimensional poverty (basic-needs survey)"),
    "year": ("ปี", "Year"),
    "people": ("คนที่สำรวจ", "People surveyed"),
    "target_poor": ("คนจนเป้าหมาย", "Target poor people"),
    "h": ("สัดส่วนคนจนหลายมิติ (H)", "Headcount ratio (H)"),
    "mpi": ("ดัชนีความยากจน (MPI)", "Poverty index (MPI)"),
    "partners": ("ภาคีเครือข่าย", "Network partners"),
    "kpi_partners": ("ภาคีที่มีกิจกรรม", "Active partners"),
    "kpi_activities": ("กิจกรรม", "Activities"),
    "kpi_benef": ("ผู้ได้รับประโยชน์", "Beneficiaries"),
    "kpi_budget": ("งบประมาณ (บาท)", "Budget (baht)"),
    "gaps": ("เป้าหมาย SDG ที่ยังไม่มีกิจกรรมของภาคี", "SDGs without partner activity"),
    "none": ("ไม่มี", "none"),
    "no_data": ("ไม่มีข้อมูล", "No data"),
    "source": ("ที่มา: ฐานข้อมูล One Data ของ War Room; ข้อมูล ณ {date}",
               "Source: War Room One Data store; data as of {date}"),
    "print": ("พิมพ์หรือบันทึกเป็น PDF", "Print or save as PDF"),
    "map": ("ดัชนี SDG รายจังหวัด (จังหวัดนี้มีเส้นขอบเข้ม)",
            "SDG index by province (this province outlined)"),
}
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


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{value:,.{digits}f}"


def build_province_brief(store: Store, scope: AccessScope, province: str, year: int,
                         lang: str = "th") -> bytes:
    """The brief of one province the user may see, for ``year`` (CE)."""
    from data import partners, poverty, sdg
    from domain.catalogue import SDG_GOALS

    if not (len(province) == 2 and scope.can_see_province(province)):
        raise PermissionError(province)
    i = 0 if lang == "th" else 1

    def L(key: str, **kw: Any) -> str:  # noqa: N802 - a label, read like t()
        return html.escape(_L[key][i].format(**kw))

    from data.importer.commit import load_data_as_of
    from data.queries import load_area

    area = load_area(store, scope, province) or {}
    name = area.get("name_th" if lang == "th" else "name_en") or province
    shown_year = year + 543 if lang == "th" else year
    goals = {g: (th if lang == "th" else en, colour) for g, th, en, colour in SDG_GOALS}
    parts: list[str] = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{L('title')}: {html.escape(str(name))} {shown_year}</title>"
        f"<style>{_CSS}</style></head><body>",
        f'<p class="noprint"><button onclick="window.print()">{L("print")}</button></p>',
        f"<h1>{L('title')}: {html.escape(str(name))}</h1>",
        f'<p class="sub">{L("year")} {shown_year}</p>']

    # SDG scores and rank.
    parts.append(f"<section><h2>{L('sdg')}</h2>")
    index = sdg.sdg_index_by_area(store, scope, "province", year)
    scores = sdg.goal_scores_of_areas(store, scope, (province,), year)
    row = index[index.area_code == province]
    if len(row) and row["index"].notna().iloc[0]:
        ranked = index.dropna(subset=["index"]).sort_values("index", ascending=False)
        rank = int(ranked.area_code.tolist().index(province)) + 1
        parts.append(f"<p><b>{L('index')}: {_fmt(float(row['index'].iloc[0]), 1)}</b> · "
                     f"{L('rank', rank=rank, n=len(ranked))}</p>")
    svg = _index_map_svg(index, province, L("map"), L("index"), lang)
    if svg:
        parts.append(f"<figure>{svg}</figure>")
    if len(scores):
        parts.append(f"<table><tr><th>{L('goal')}</th><th></th><th class='num'>"
                     f"{L('score')}</th><th style='width:35%'></th></tr>")
        for r in scores.sort_values("goal").itertuples(index=False):
            label, colour = goals.get(int(r.goal), (str(r.goal), "#888"))
            width = 0 if r.score != r.score else max(0.0, min(100.0, float(r.score)))
            parts.append(
                f"<tr><td><span class='goal' style='background:{colour}'>{int(r.goal)}</span>"
                f"</td><td>{html.escape(label)}</td><td class='num'>{_fmt(r.score, 1)}</td>"
                f"<td><div class='bar' style='width:{width:.0f}%'></div></td></tr>")
        parts.append("</table>")
        weakest = scores.dropna(subset=["score"]).nsmallest(3, "score")
        parts.append(f"<p>{L('weakest')}: " + ", ".join(
            f"{int(g)} {html.escape(goals[int(g)][0])}" for g in weakest.goal) + "</p>")
    else:
        parts.append(f"<p>{L('no_data')}</p>")
    parts.append("</section>")

    # Poverty measures and trend.
    parts.append(f"<section><h2>{L('poverty')}</h2>")
    trend = poverty.poverty_trend(store, scope, province)
    if len(trend):
        parts.append(f"<table><tr><th>{L('year')}</th><th class='num'>{L('people')}</th>"
                     f"<th class='num'>{L('target_poor')}</th><th class='num'>{L('h')}</th>"
                     f"<th class='num'>{L('mpi')}</th></tr>")
        for r in trend.sort_values("year").itertuples(index=False):
            y = int(r.year) + 543 if lang == "th" else int(r.year)
            parts.append(f"<tr><td>{y}</td><td class='num'>{_fmt(r.population)}</td>"
                         f"<td class='num'>{_fmt(r.target_poor_people)}</td>"
                         f"<td class='num'>{_fmt(100 * r.h, 2)} %</td>"
                         f"<td class='num'>{_fmt(r.mpi, 4)}</td></tr>")
        parts.append("</table>")
    else:
        parts.append(f"<p>{L('no_data')}</p>")
    parts.append("</section>")

    # Partner activity and gaps.
    parts.append(f"<section><h2>{L('partners')}</h2>")
    # The year of the brief: activities running at any time in it.
    f = partners.ActivityFilter(area=province, start=dt.date(year, 1, 1),
                                end=dt.date(year, 12, 31))
    k = partners.partner_kpis(store, scope, f)
    parts.append("<div class='kpis'>" + "".join(
        f"<div class='kpi'>{L(label)}<b>{_fmt(k[key])}</b></div>"
        for label, key in (("kpi_partners", "partners"), ("kpi_activities", "activities"),
                           ("kpi_benef", "beneficiaries"), ("kpi_budget", "budget"))) + "</div>")
    cover = partners.coverage_by_sector_goal(store, scope, f)
    covered = set(pd.to_numeric(cover.goal, errors="coerce").dropna().astype(int)) \
        if len(cover) else set()
    gaps = [g for g in goals if g not in covered]
    parts.append(f"<p>{L('gaps')}: " + (", ".join(
        f"<span class='goal' style='background:{goals[g][1]}'>{g}</span> "
        f"{html.escape(goals[g][0])}" for g in gaps) if gaps else L("none")) + "</p>")
    parts.append("</section>")
    from components.brief_changes import changes_section

    parts.append(changes_section(store, scope, province, lang))
    date = load_data_as_of(store, scope) or "–"
    parts.append(f'<p class="sub">{L("source", date=date)}</p></body></html>')
    return "".join(parts).encode("utf-8")


def _index_map_svg(index: pd.DataFrame, province: str, title: str, value_label: str,
                   lang: str) -> str | None:
    """The SDG index of every province with this one outlined, as inline SVG (Thai font)."""
    from components.export import chart_image
    from components.map_static import build_static_map
    from components.ui import ExportMeta

    values = index.rename(columns={"area_code": "code", "index": "value"})[["code", "value"]]
    try:
        fig = build_static_map(values, level="province", value_label=value_label,
                               fmt=lambda v: f"{v:.1f}", selected=province, language=lang)
        if fig is None:
            return None
        fig.update_layout(width=560, height=620, title=None)
        svg = chart_image(fig, ExportMeta(title), "svg", lang=lang).decode("utf-8")
    except Exception:  # noqa: BLE001 - the brief is still useful without its map
        import logging

        logging.getLogger("warroom").exception("brief map failed")
        return None
    # The SVG document's own header would end the HTML figure early; keep the <svg> element.
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else None

