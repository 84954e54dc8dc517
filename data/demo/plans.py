"""Synthetic One Plan projects and informal-debt cases, consistent with the demo's areas and years."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data.demo import DemoContext
from domain import catalogue

# The demo's "today": progress reports and case stages are as of the end of 2567 BE.
AS_OF = dt.date(2024, 12, 31)
# Thai fiscal year N runs from 1 October N-1 to 30 September N.
FISCAL_YEARS = (2022, 2023, 2024, 2025)

# Number of targets per SDG (UN framework), for plausible target links such as "6.1".
_TARGETS_PER_GOAL = {1: 5, 2: 5, 3: 9, 4: 7, 5: 6, 6: 6, 7: 3, 8: 10, 9: 5, 10: 7, 11: 7,
                     12: 8, 13: 3, 14: 7, 15: 9, 16: 10, 17: 19}

# Project types: (Thai, English, main goal, agency, median budget in baht at province level).
_PROJECT_TYPES: tuple[tuple[str, str, int, str, float], ...] = (
    ("ส่งเสริมอาชีพและเพิ่มรายได้ครัวเรือนยากจน", "Livelihoods for poor households", 1, "cdd",
     1_800_000),
    ("พัฒนาคุณภาพชีวิตครัวเรือนเป้าหมายตามแนวทางปรัชญาเศรษฐกิจพอเพียง",
     "Sufficiency-economy support for target households", 1, "dopa", 1_200_000),
    ("ส่งเสริมการผลิตและแปรรูปสินค้าเกษตร", "Farm production and processing", 2, "doae",
     2_500_000),
    ("คัดกรองและดูแลสุขภาพผู้สูงอายุในชุมชน", "Community health screening for the elderly", 3,
     "moph", 900_000),
    ("ลดอัตราการออกกลางคันของนักเรียน", "Reducing school drop-out", 4, "moe", 700_000),
    ("ก่อสร้างระบบประปาหมู่บ้าน", "Village piped-water system", 6, "dla", 3_500_000),
    ("ขุดลอกแหล่งน้ำและระบบส่งน้ำเพื่อการเกษตร", "Dredging and irrigation canals", 6, "rid",
     8_000_000),
    ("ติดตั้งระบบไฟฟ้าพลังงานแสงอาทิตย์", "Solar power for public buildings", 7, "pao",
     2_200_000),
    ("ฝึกอบรมทักษะอาชีพและจัดหางาน", "Skills training and job placement", 8, "doe", 600_000),
    ("ก่อสร้างถนนลาดยางเชื่อมหมู่บ้าน", "Paved road linking villages", 9, "drr", 12_000_000),
    ("สวัสดิการและกายอุปกรณ์สำหรับคนพิการ", "Welfare and aids for people with disabilities", 10,
     "dsdw", 800_000),
    ("ซ่อมแซมบ้านผู้มีรายได้น้อย", "Housing repair for low-income households", 11, "nha",
     1_500_000),
    ("ธนาคารขยะและการคัดแยกขยะในชุมชน", "Community waste banks", 12, "dla", 400_000),
    ("ป้องกันและบรรเทาภัยน้ำท่วมและภัยแล้ง", "Flood and drought prevention", 13, "dopa",
     5_000_000),
    ("ฟื้นฟูป่าชายเลนและประมงพื้นบ้าน", "Mangrove restoration and small-scale fisheries", 14,
     "pao", 1_100_000),
    ("ปลูกและฟื้นฟูป่าชุมชน", "Community forest restoration", 15, "dopa", 600_000),
    ("ศูนย์ดำรงธรรมเคลื่อนที่และไกล่เกลี่ยหนี้นอกระบบ", "Mobile Damrongdhama centre and debt "
     "mediation", 16, "dopa", 500_000),
    ("บูรณาการแผนพัฒนาจังหวัดร่วมกับภาคีเครือข่าย", "Integrated provincial plan with partners",
     17, "pao", 700_000),
)
_LEVEL_BUDGET = {"province": 1.0, "district": 0.45, "subdistrict": 0.2}


def _fiscal_bounds(fy: int) -> tuple[dt.date, dt.date]:
    return dt.date(fy - 1, 10, 1), dt.date(fy, 9, 30)


def _projects(ctx: DemoContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = ctx.rng("plans")
    prov = ctx.provinces.reset_index(drop=True)
    districts = ctx.areas[ctx.areas.level == "district"].groupby("province_code").code.apply(list)
    subs = ctx.areas[ctx.areas.level == "subdistrict"].groupby("province_code").code.apply(list)
    # Budgets follow need only loosely: some poor provinces are under-funded (the point of the
    # budget-per-need view).
    funding = rng.lognormal(0.0, 0.35, len(prov)) * prov.poverty_factor.to_numpy() ** 0.35
    rows, goals = [], []
    pid = 1
    for p, fund in zip(prov.itertuples(index=False), funding, strict=True):
        n_districts = len(districts.get(p.code, []))
        for fy in FISCAL_YEARS:
            fy_start, fy_end = _fiscal_bounds(fy)
            n = 6 + int(rng.poisson(4 + 0.6 * n_districts))
            for _ in range(n):
                kind = _PROJECT_TYPES[int(rng.integers(0, len(_PROJECT_TYPES)))]
                name_th, name_en, goal, agency, median = kind
                r = rng.random()
                level = "province" if r < 0.3 else ("district" if r < 0.8 else "subdistrict")
                pool = {"province": [p.code], "district": districts.get(p.code, [p.code]),
                        "subdistrict": subs.get(p.code, [p.code])}[level]
                area = pool[int(rng.integers(0, len(pool)))]
                planned = float(round(
                    rng.lognormal(np.log(median * _LEVEL_BUDGET[level] * fund), 0.5), -3))
                start = fy_start + dt.timedelta(days=int(rng.integers(0, 120)))
                end = min(fy_end, start + dt.timedelta(days=int(rng.integers(90, 330))))
                status, progress, last_update = _progress(rng, start, end)
                spent_share = progress / 100 * rng.uniform(0.85, 1.02)
                if status == "completed":
                    spent_share = rng.uniform(0.88, 1.0)
                rows.append({
                    "project_id": pid, "area_code": area, "province_code": p.code,
                    "fiscal_year": fy, "name_th": f"โครงการ{name_th}", "name_en": name_en,
                    "agency": agency, "budget_planned": planned,
                    "budget_spent": float(round(planned * min(spent_share, 1.0), -2)),
                    "start_date": start, "end_date": end, "status": status,
                    "progress_pct": round(progress, 1),
                    "beneficiaries": int(rng.lognormal(np.log(400 * _LEVEL_BUDGET[level]), 0.9)),
                    "last_update": last_update,
                })
                linked = [goal]
                if rng.random() < 0.4:
                    linked.append(int(rng.choice([1, 8, 10, 11, 17])))
                for g in dict.fromkeys(linked):
                    target = f"{g}.{int(rng.integers(1, _TARGETS_PER_GOAL[g] + 1))}"
                    goals.append({"project_id": pid, "goal": g, "target": target})
                pid += 1
    return pd.DataFrame(rows), pd.DataFrame(goals)


def _progress(rng: np.random.Generator, start: dt.date,
              end: dt.date) -> tuple[str, float, dt.date]:
    """Status, % progress and date of the last progress report as of ``AS_OF``."""
    if start > AS_OF:
        return "not_started", 0.0, AS_OF - dt.timedelta(days=int(rng.integers(0, 30)))
    elapsed = min(1.0, (AS_OF - start).days / max(1, (end - start).days))
    lag = rng.random()
    if end <= AS_OF and lag < 0.86:
        return "completed", 100.0, end + dt.timedelta(days=int(rng.integers(0, 45)))
    if lag > 0.97:
        stop = start + dt.timedelta(days=int((AS_OF - start).days * rng.uniform(0.2, 0.7)))
        return "suspended", round(100 * elapsed * rng.uniform(0.1, 0.5), 1), stop
    # Most projects roughly keep pace; a minority lag behind or stop reporting (stalled).
    pace = rng.uniform(0.85, 1.05) if lag < 0.75 else rng.uniform(0.3, 0.75)
    progress = min(99.0, 100 * elapsed * pace)
    silent = int(rng.integers(0, 35)) if rng.random() < 0.85 else int(rng.integers(95, 200))
    last = max(start, AS_OF - dt.timedelta(days=silent))
    return "in_progress", progress, last


def _debt_cases(ctx: DemoContext) -> pd.DataFrame:
    """Cases registered with Damrongdhama centres from December 2023 (about 140,000 nationally
    in the first months of the policy), scaled with the household data."""
    rng = ctx.rng("debt")
    prov = ctx.provinces.reset_index(drop=True)
    n_total = max(300, int(round(140_000 * ctx.scale)))
    weight = prov.household_weight.to_numpy() * prov.poverty_factor.to_numpy() ** 0.5
    per_prov = rng.multinomial(n_total, weight / weight.sum())
    districts = ctx.areas[ctx.areas.level == "district"].groupby("province_code").code.apply(list)
    latest = ctx.store.scalar("SELECT MAX(survey_year) FROM households")
    linkable = ctx.store.query(
        "SELECT house_code, district_code, target_poor FROM households WHERE survey_year = ?",
        [latest])
    by_district = {k: g for k, g in linkable.groupby("district_code")}
    creditor_codes = list(catalogue.CREDITOR_TYPES)
    creditor_p = np.array([0.46, 0.24, 0.14, 0.11, 0.05])
    policy_start = dt.date(2023, 12, 1)
    rows = []
    cid = 1
    for p, n in zip(prov.itertuples(index=False), per_prov, strict=True):
        pool = districts.get(p.code, [])
        for _ in range(int(n)):
            area = pool[int(rng.integers(0, len(pool)))]
            # A registration surge in the first three months, then a steady trickle.
            surge = rng.random() < 0.62
            offset = int(rng.gamma(1.2, 25)) if surge else int(rng.integers(90, 396))
            registered = min(AS_OF, policy_start + dt.timedelta(days=offset))
            amount = float(round(min(2_500_000, rng.lognormal(np.log(55_000), 1.0)), -2))
            stage, mediation_on, outcome_on, reduced, refinanced = _case_course(
                rng, registered, amount)
            house = None
            candidates = by_district.get(area)
            if candidates is not None and rng.random() < 0.35:
                w = np.where(candidates.target_poor.to_numpy(), 4.0, 1.0)
                house = candidates.house_code.iloc[int(rng.choice(len(w), p=w / w.sum()))]
            rows.append({
                "case_id": cid, "area_code": area, "province_code": p.code,
                "registered_on": registered, "debt_amount": amount,
                "creditor_type": creditor_codes[int(rng.choice(len(creditor_p), p=creditor_p))],
                "stage": stage, "mediation_on": mediation_on, "outcome_on": outcome_on,
                "amount_reduced": reduced, "amount_refinanced": refinanced, "house_code": house,
                # The centre's register: province, Buddhist-Era year, running number.
                "case_no": f"{p.code}-{registered.year + 543}-{cid:06d}",
            })
            cid += 1
    return _tally_fields(ctx, pd.DataFrame(rows))


def _case_course(rng: np.random.Generator, registered: dt.date, amount: float
                 ) -> tuple[str, dt.date | None, dt.date | None, float, float]:
    """A case's stage by the demo's date: mediation, then an outcome, and for a settlement the
    amounts reduced and refinanced."""
    stage, mediation_on, outcome_on = "registered", None, None
    reduced = refinanced = 0.0
    mediation = registered + dt.timedelta(days=int(1 + rng.gamma(2.0, 9.0)))
    if mediation <= AS_OF and rng.random() < 0.88:
        stage, mediation_on = "mediation", mediation
        r = rng.random()
        outcome = ("settled" if r < 0.66 else "referred" if r < 0.76
                   else "closed" if r < 0.86 else None)
        days = {"settled": rng.gamma(2.2, 22.0), "referred": rng.gamma(1.6, 30.0),
                "closed": rng.gamma(2.0, 35.0)}.get(outcome or "", 0.0)
        outcome_date = mediation + dt.timedelta(days=int(1 + days))
        if outcome and outcome_date <= AS_OF:
            stage, outcome_on = outcome, outcome_date
            if outcome == "settled":
                reduced = float(round(amount * rng.uniform(0.15, 0.6), -2))
                if rng.random() < 0.45:
                    refinanced = float(round(amount - reduced, -2))
    return stage, mediation_on, outcome_on, reduced, refinanced


def _tally_fields(ctx: DemoContext, cases: pd.DataFrame) -> pd.DataFrame:
    """What the centres' daily tallies report beyond the case: registration channel (about
    six in ten registered online in the first months of the policy), the creditors a debtor
    named, and prosecutions of illegal lenders (a few percent of moneylender cases, some weeks
    after registration). Its own random stream: the case rows above do not move."""
    rng = ctx.rng("debt-tally")
    n = len(cases)
    surge = pd.to_datetime(cases.registered_on) < pd.Timestamp(2024, 3, 1)
    online_p = np.where(surge, 0.64, 0.48)
    cases["channel"] = np.where(rng.random(n) < online_p, "online", "onsite")
    cases["creditors"] = (1 + rng.poisson(0.45, n)).astype(np.int32)
    lender = cases.creditor_type.isin(["moneylender", "online_app"]).to_numpy()
    prosecuted = lender & (rng.random(n) < 0.06)
    when = pd.to_datetime(cases.registered_on) + pd.to_timedelta(
        rng.integers(10, 120, n), unit="D")
    cases["prosecuted_on"] = np.where(prosecuted & (when <= pd.Timestamp(AS_OF)),
                                      when.dt.date, None)
    return cases


def generate(ctx: DemoContext) -> None:
    projects, goals = _projects(ctx)
    ctx.store.insert_df("plan_projects", projects)
    ctx.store.insert_df("plan_project_goals", goals)
    ctx.store.insert_df("debt_cases", _debt_cases(ctx))
