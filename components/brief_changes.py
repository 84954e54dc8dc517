"""The province brief's "since the last meeting" section (HTML; labels of its own, since the
brief is built outside a page run)."""

from __future__ import annotations

import html

import pandas as pd

from data.meetings import changes_since, compare_with_meeting, load_meetings
from data.scope import AccessScope
from data.store import Store
from domain.meetings import polarity

_L = {
    "title": ("ตั้งแต่ประชุมครั้งก่อน", "Since the last meeting"),
    "meeting": ("เทียบกับ: {title} ({date})", "Compared with: {title} ({date})"),
    "none": ("ยังไม่มีการประชุมที่บันทึกไว้", "No meeting recorded yet"),
    "metric": ("ตัวชี้วัด", "Measure"),
    "before": ("ตอนประชุม", "At the meeting"),
    "now": ("ตอนนี้", "Now"),
    "change": ("เปลี่ยน", "Change"),
    "new": ("ปัญหาใหม่ (การแจ้งเตือน)", "New problems (alerts)"),
    "closed": ("ปัญหาที่ปิดแล้ว", "Problems closed"),
    "sdg_index": ("ดัชนี SDG", "SDG index"),
    "target_poor_people": ("คนจนเป้าหมาย", "Target poor people"),
    "cases_open": ("เรื่องช่วยเหลือที่ยังเปิด", "Assistance cases open"),
    "cases_closed": ("เรื่องช่วยเหลือที่แก้ไขแล้ว", "Assistance cases resolved"),
    "cases_overdue": ("เรื่องช่วยเหลือที่เกินกำหนด", "Assistance cases overdue"),
    "debt_open": ("เรื่องหนี้ที่ยังไม่ยุติ", "Debt cases unresolved"),
    "debt_settled": ("เรื่องหนี้ที่ไกล่เกลี่ยสำเร็จ", "Debt cases settled"),
    "plan_budget_spent": ("งบโครงการที่เบิกจ่าย (บาท)", "Project budget spent (baht)"),
    "plan_projects_attention": ("โครงการที่ต้องเร่งรัด", "Projects needing attention"),
}
METRICS = ("sdg_index", "target_poor_people", "cases_open", "cases_closed", "cases_overdue",
           "debt_open", "debt_settled", "plan_budget_spent", "plan_projects_attention")


def _num(metric: str, value) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value):,.1f}" if metric == "sdg_index" else f"{float(value):,.0f}"


def changes_section(store: Store, scope: AccessScope, province: str, lang: str) -> str:
    i = 0 if lang == "th" else 1

    def L(key: str, **kw) -> str:  # noqa: N802 - a label, read like t()
        return html.escape(_L[key][i].format(**kw))

    out = [f"<section><h2>{L('title')}</h2>"]
    meetings = load_meetings(store, scope)
    if meetings.empty:
        return "".join(out) + f"<p>{L('none')}</p></section>"
    last = meetings.iloc[0]
    when = pd.Timestamp(last.held_at)
    date = f"{when.day}/{when.month}/{when.year + 543 if lang == 'th' else when.year}"
    out.append(f'<p class="sub">{L("meeting", title=str(last.title), date=date)}</p>')
    diff = compare_with_meeting(store, scope, int(last.meeting_id))
    rows = diff[diff.area_code == province].set_index("metric")
    out.append(f"<table><tr><th>{L('metric')}</th><th class='num'>{L('before')}</th>"
               f"<th class='num'>{L('now')}</th><th class='num'>{L('change')}</th></tr>")
    for metric in METRICS:
        if metric not in rows.index:
            continue
        r = rows.loc[metric]
        change = "" if pd.isna(r.change) or r.change == 0 else (
            ("▲ " if r.change > 0 else "▼ ") + _num(metric, abs(r.change)))
        colour = {"better": "#1B7837", "worse": "#B2182B"}.get(r.direction, "#5b6270") \
            if polarity(metric) else "#5b6270"
        out.append(f"<tr><td>{L(metric)}</td><td class='num'>{_num(metric, r.before)}</td>"
                   f"<td class='num'>{_num(metric, r.after)}</td>"
                   f"<td class='num' style='color:{colour}'>{change}</td></tr>")
    out.append("</table>")
    events = changes_since(store, scope, int(last.meeting_id))
    for key, frame in (("new", events["new_problems"]), ("closed", events["closed_problems"])):
        mine = frame[frame.province_code == province]
        names = ", ".join(html.escape(str(n)) for n in mine.rule.drop_duplicates().head(8))
        out.append(f"<p><b>{L(key)}: {len(mine):,}</b>{' · ' + names if names else ''}</p>")
    out.append("</section>")
    return "".join(out)
