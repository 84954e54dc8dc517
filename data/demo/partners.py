"""Synthetic network partners in the 7 sectors, in every province, and their SDG-tagged activities."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data.demo import YEARS, DemoContext
from data.demo.names import place_word

# Name patterns per sector: (Thai, English); {p} is the province, {w} a place word.
_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "government": (
        ("สำนักงานพัฒนาชุมชนจังหวัด{p}", "{p} Provincial Community Development Office"),
        ("สำนักงานสาธารณสุขจังหวัด{p}", "{p} Provincial Public Health Office"),
        ("องค์การบริหารส่วนจังหวัด{p}", "{p} Provincial Administrative Organisation"),
        ("สำนักงานเกษตรจังหวัด{p}", "{p} Provincial Agriculture Office"),
        ("สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด{p}", "{p} Provincial Social Development Office"),
    ),
    "private": (
        ("บริษัท {w} อุตสาหกรรม จำกัด", "{w} Industries Co., Ltd."),
        ("หอการค้าจังหวัด{p}", "{p} Chamber of Commerce"),
        ("สภาอุตสาหกรรมจังหวัด{p}", "Federation of Thai Industries, {p}"),
        ("ธนาคารเพื่อการเกษตรฯ สาขา{p}", "BAAC {p} Branch"),
        ("บริษัท {w} อะโกร จำกัด (มหาชน)", "{w} Agro PCL"),
    ),
    "civil_society": (
        ("มูลนิธิพัฒนา{w}", "{w} Development Foundation"),
        ("สมาคมอาสาสมัครสาธารณสุข{p}", "{p} Village Health Volunteers Association"),
        ("เครือข่ายสตรี{p}", "{p} Women's Network"),
        ("มูลนิธิเด็กและเยาวชน{p}", "{p} Children and Youth Foundation"),
    ),
    "religion": (
        ("วัด{w}", "Wat {w}"),
        ("มัสยิด{w}", "{w} Mosque"),
        ("สำนักงานพระพุทธศาสนาจังหวัด{p}", "{p} Provincial Buddhism Office"),
        ("คริสตจักร{w}", "{w} Church"),
    ),
    "academia": (
        ("มหาวิทยาลัยราชภัฏ{p}", "{p} Rajabhat University"),
        ("วิทยาลัยเทคนิค{p}", "{p} Technical College"),
        ("วิทยาลัยชุมชน{p}", "{p} Community College"),
        ("วิทยาลัยเกษตรและเทคโนโลยี{p}", "{p} College of Agriculture and Technology"),
    ),
    "media": (
        ("สถานีวิทยุกระจายเสียงแห่งประเทศไทยจังหวัด{p}", "Radio Thailand {p}"),
        ("สถานีวิทยุชุมชน{w}", "{w} Community Radio"),
        ("หนังสือพิมพ์{p}โพสต์", "{p} Post"),
    ),
    "people": (
        ("กลุ่มออมทรัพย์เพื่อการผลิตบ้าน{w}", "Ban {w} Savings Group"),
        ("วิสาหกิจชุมชน{w}", "{w} Community Enterprise"),
        ("กองทุนหมู่บ้าน{w}", "{w} Village Fund"),
        ("กลุ่มเกษตรกรทำนา{w}", "{w} Rice Farmers' Group"),
    ),
}
# Partners per province by sector (mean): government and the people's groups are most numerous.
_PER_PROVINCE = {"government": 1.6, "private": 0.9, "civil_society": 0.9, "religion": 0.8,
                 "academia": 0.6, "media": 0.4, "people": 1.4}
_BUDGET_MEDIAN = {"government": 450_000, "private": 300_000, "civil_society": 120_000,
                  "religion": 40_000, "academia": 180_000, "media": 30_000, "people": 25_000}
# Goals a sector tends to work on (weights over goals 1-17).
_SECTOR_GOALS = {
    "government": [5, 3, 4, 3, 1, 3, 1, 3, 1, 2, 2, 1, 2, 1, 1, 2, 2],
    "private": [3, 2, 1, 2, 1, 2, 3, 5, 4, 1, 2, 3, 2, 1, 1, 1, 3],
    "civil_society": [4, 2, 3, 3, 4, 2, 1, 2, 1, 4, 2, 1, 2, 1, 2, 3, 2],
    "religion": [4, 3, 3, 3, 1, 1, 0, 1, 0, 3, 1, 1, 1, 0, 2, 4, 1],
    "academia": [2, 3, 2, 5, 1, 2, 3, 2, 4, 1, 2, 2, 3, 2, 2, 1, 2],
    "media": [1, 1, 2, 3, 2, 1, 1, 1, 1, 2, 1, 2, 3, 1, 1, 4, 2],
    "people": [5, 4, 2, 1, 2, 3, 1, 4, 0, 2, 2, 2, 1, 1, 2, 1, 1],
}
# Appended after the generated partners (so no other partner's random draws change).
HOSTILE_PROVINCE = "10"
_HOSTILE_NAMES = (
    ("people", HOSTILE_PROVINCE, "กลุ่มอาสา <img src=x onerror=alert(1)>",
     "Volunteers <img src=x onerror=alert(1)>"),
    ("civil_society", HOSTILE_PROVINCE, "มูลนิธิ ${alert(1)} **ตัวหนา**",
     "${alert(1)} **Bold** Foundation"),
    ("private", HOSTILE_PROVINCE, "บริษัท <script>alert('x')</script> & ลูก จำกัด",
     "<script>alert('x')</script> & Sons Co."),
)
_TITLES = {
    1: ("ส่งเสริมอาชีพครัวเรือนยากจนเป้าหมาย", "Livelihoods for target poor households"),
    2: ("ธนาคารอาหารชุมชนและโภชนาการเด็ก", "Community food bank and child nutrition"),
    3: ("คัดกรองสุขภาพผู้สูงอายุและผู้ป่วยติดเตียง", "Health screening for the elderly and bedridden"),
    4: ("ทุนการศึกษาและลดเด็กหลุดจากระบบการศึกษา", "Scholarships and school drop-out prevention"),
    5: ("เสริมพลังสตรีและป้องกันความรุนแรงในครอบครัว", "Women's empowerment and domestic-violence prevention"),
    6: ("ระบบประปาหมู่บ้านและน้ำดื่มสะอาด", "Village water supply and safe drinking water"),
    7: ("โซลาร์เซลล์เพื่อชุมชน", "Community solar power"),
    8: ("ฝึกทักษะอาชีพและจัดหางาน", "Skills training and job placement"),
    9: ("ถนนและอินเทอร์เน็ตหมู่บ้าน", "Village roads and internet"),
    10: ("สวัสดิการคนพิการและกลุ่มเปราะบาง", "Welfare for people with disabilities and vulnerable groups"),
    11: ("ปรับปรุงที่อยู่อาศัยผู้มีรายได้น้อย", "Housing repair for low-income households"),
    12: ("ธนาคารขยะและคัดแยกขยะ", "Waste bank and waste sorting"),
    13: ("แผนรับมือภัยพิบัติชุมชน", "Community disaster preparedness"),
    14: ("ฟื้นฟูป่าชายเลนและประมงพื้นบ้าน", "Mangrove restoration and small-scale fisheries"),
    15: ("ปลูกป่าชุมชน", "Community forest planting"),
    16: ("ศูนย์ดำรงธรรมเคลื่อนที่และไกล่เกลี่ยข้อพิพาท", "Mobile Damrongdhama centre and mediation"),
    17: ("เวทีประชารัฐและความร่วมมือภาคีเครือข่าย", "Public-private partnership forum"),
}


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng("partners")
    prov = ctx.provinces.reset_index(drop=True)
    pdf = _partners(rng, prov)
    ctx.store.insert_df("partners", pdf)
    acts, goals = _activities(ctx, rng, prov, pdf)
    ctx.store.insert_df("partner_activities", pd.DataFrame(acts))
    ctx.store.insert_df("activity_goals", pd.DataFrame(goals))


def _partners(rng: np.random.Generator, prov: pd.DataFrame) -> pd.DataFrame:
    """Partners of every sector in every province, and a few with hostile names."""
    partners = []
    pid = 1
    for p in prov.itertuples(index=False):
        for sector, mean in _PER_PROVINCE.items():
            for _ in range(max(1 if sector in ("government", "people") else 0,
                               int(rng.poisson(mean)))):
                th, en = _NAMES[sector][int(rng.integers(0, len(_NAMES[sector])))]
                w_th, w_en = place_word(rng)
                partners.append({
                    "partner_id": pid, "sector": sector, "home_province": p.code,
                    "name": th.format(p=p.name_th, w=w_th),
                    "name_en": en.format(p=p.name_en, w=w_en),
                })
                pid += 1
    # Partner-written names are free text: a few hostile ones prove the app shows them as text.
    for sector, home, th, en in _HOSTILE_NAMES:
        partners.append({"partner_id": pid, "sector": sector, "home_province": home,
                         "name": th, "name_en": en})
        pid += 1
    return pd.DataFrame(partners).drop_duplicates(["name", "home_province"])


def _activities(ctx: DemoContext, rng: np.random.Generator, prov: pd.DataFrame,
                pdf: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """Activities of each partner (mostly at home) and the goals each serves."""
    districts = ctx.areas[ctx.areas.level == "district"].groupby("province_code").code.apply(list)
    subs = ctx.areas[ctx.areas.level == "subdistrict"].groupby("province_code").code.apply(list)
    # Need attracts activity, but unevenly: some poor provinces get few partners' attention.
    attention = rng.lognormal(0, 0.6, len(prov)) * prov.poverty_factor.to_numpy() ** 0.3
    attention = dict(zip(prov.code, attention, strict=True))
    all_codes = prov.code.to_list()
    acts, goals = [], []
    aid = 1
    start, end = dt.date(YEARS[0], 1, 1), dt.date(YEARS[-1], 12, 31)
    span = (end - start).days
    for row in pdf.itertuples(index=False):
        n_act = int(rng.poisson(4.0 * attention[row.home_province])) + 1
        gw = np.array(_SECTOR_GOALS[row.sector], dtype=float)
        gw = gw / gw.sum()
        for _ in range(n_act):
            # Mostly at home; national actors (government, private, academia) travel more.
            away = rng.random() < (0.15 if row.sector in ("government", "private", "academia")
                                   else 0.04)
            pcode = all_codes[int(rng.integers(0, len(all_codes)))] if away else row.home_province
            pool = districts[pcode] if rng.random() < 0.6 else subs[pcode]
            area = pool[int(rng.integers(0, len(pool)))]
            started, ended, status = _period(rng, start, span)
            n_goals = 1 + int(rng.random() < 0.45) + int(rng.random() < 0.15)
            chosen = rng.choice(np.arange(1, 18), size=n_goals, replace=False, p=gw)
            main = int(chosen[0])
            title_th, title_en = _TITLES[main]
            acts.append({
                "activity_id": aid, "partner_id": row.partner_id, "area_code": area,
                "province_code": pcode, "title": f"{title_th} ({title_en})",
                "started_on": started,
                "ended_on": None if status in ("planned", "ongoing") else min(ended, end),
                "beneficiaries": int(rng.lognormal(4.2, 1.0)),
                "budget": float(round(rng.lognormal(np.log(_BUDGET_MEDIAN[row.sector]), 0.8), -3)),
                "status": status,
            })
            goals.extend({"activity_id": aid, "goal": int(g)} for g in chosen)
            aid += 1
    return acts, goals


def _period(rng: np.random.Generator, start: dt.date,
            span: int) -> tuple[dt.date, dt.date, str]:
    """An activity's start, planned end and status (as of the demo's autumn 2024)."""
    started = start + dt.timedelta(days=int(rng.integers(0, span)))
    duration = int(rng.gamma(2.0, 90.0))
    ended = started + dt.timedelta(days=duration)
    status = ("completed" if ended < dt.date(2024, 10, 1) else "ongoing")
    if started > dt.date(2024, 9, 1):
        status = "planned"
    if rng.random() < 0.04:
        status = "cancelled"
    return started, ended, status

