"""SDG indicator catalogue (2-3 indicators for each of the 17 goals) and synthetic values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import codebook
from data.demo import YEARS, DemoContext

# Provinces on the sea (Gulf of Thailand and Andaman): goal 14 applies only there.
COASTAL = frozenset({"10", "11", "20", "21", "22", "23", "24", "74", "75", "76", "77", "80",
                     "82", "83", "84", "85", "86", "90", "91", "92", "93", "94", "96"})


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    goal: int
    un_code: str | None
    name_th: str
    name_en: str
    unit: str
    direction: int  # +1 higher is better, -1 lower is better
    lower: float
    upper: float
    target: float
    source: str
    national_2018: float
    trend: float  # national change per year
    spread: float  # province standard deviation
    dev_link: float  # how strongly it follows a province's development (-1..1)
    floor: float = 0.0
    ceiling: float = 100.0
    district: bool = False
    coastal_only: bool = False
    shock_2020: float = 0.0
    # Published national series (overrides national_2018 + trend), and the elasticity of a
    # province's value to its poverty factor (multiplicative model instead of additive).
    national_series: tuple[float, ...] | None = None
    poverty_elasticity: float = 0.0


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("g1_income_poverty", 1, "1.2.1", "สัดส่วนคนจนด้านรายจ่าย",
                  "Population below the national poverty line", "%", -1, 0, 30, 2.5,
                  "NSO Socio-Economic Survey", 9.85, -1.0, 4.0, -0.85,
                  national_series=(9.85, 6.24, 6.83, 6.32, 5.43, 3.41, 3.29),
                  poverty_elasticity=1.5),
    IndicatorSpec("g1_welfare_coverage", 1, "1.3.1", "ผู้มีรายได้น้อยที่ได้รับสวัสดิการแห่งรัฐ",
                  "Low-income people covered by state welfare", "%", 1, 40, 100, 100,
                  "Ministry of Finance", 78.0, 1.8, 6.0, -0.2),
    IndicatorSpec("g1_target_poor", 1, None, "สัดส่วนคนจนเป้าหมาย (TPMap)",
                  "Target poor (TPMap), share of surveyed people", "%", -1, 0, 10, 0.5,
                  "Basic-needs survey (households table)", 0.0, 0.0, 0.0, 0.0, district=True),
    IndicatorSpec("g2_stunting", 2, "2.2.1", "ภาวะเตี้ยในเด็กอายุต่ำกว่า 5 ปี",
                  "Stunting among children under 5", "%", -1, 0, 30, 5,
                  "Department of Health", 11.5, -0.25, 3.0, -0.5),
    IndicatorSpec("g2_rice_yield", 2, "2.3.1", "ผลผลิตข้าวนาปีต่อไร่", "In-season rice yield",
                  "kg/rai", 1, 250, 800, 550, "Office of Agricultural Economics", 445, 4, 70, 0.2,
                  floor=200, ceiling=900),
    IndicatorSpec("g3_maternal_mortality", 3, "3.1.1", "อัตราส่วนการตายของมารดา",
                  "Maternal mortality ratio", "per 100,000 live births", -1, 0, 70, 15,
                  "Ministry of Public Health", 21.8, -0.6, 9.0, -0.4, ceiling=150, shock_2020=5),
    IndicatorSpec("g3_under5_mortality", 3, "3.2.1", "อัตราการตายของเด็กอายุต่ำกว่า 5 ปี",
                  "Under-5 mortality rate", "per 1,000 live births", -1, 0, 25, 6,
                  "Ministry of Public Health", 8.6, -0.15, 2.2, -0.5),
    IndicatorSpec("g3_road_deaths", 3, "3.6.1", "อัตราการเสียชีวิตจากอุบัติเหตุทางถนน",
                  "Road traffic deaths", "per 100,000 population", -1, 0, 50, 12,
                  "Thai RSC / Ministry of Public Health", 30.0, -0.6, 7.0, 0.1, district=True,
                  shock_2020=-2.5),
    IndicatorSpec("g4_lower_secondary", 4, "4.1.2", "อัตราการสำเร็จการศึกษาระดับมัธยมศึกษาตอนต้น",
                  "Lower-secondary completion rate", "%", 1, 60, 100, 100,
                  "Ministry of Education", 89.0, 0.6, 4.0, 0.5),
    IndicatorSpec("g4_preprimary", 4, "4.2.2", "อัตราการเข้าเรียนก่อนวัยเรียน 1 ปี",
                  "Participation in learning one year before primary", "%", 1, 60, 100, 100,
                  "Ministry of Education", 93.5, 0.4, 3.0, 0.35, district=True, shock_2020=-1.5),
    IndicatorSpec("g5_women_local_council", 5, "5.5.1", "สัดส่วนสตรีในสภาท้องถิ่น",
                  "Seats held by women in local councils", "%", 1, 0, 50, 30,
                  "Department of Local Administration", 11.5, 0.6, 3.5, 0.2),
    IndicatorSpec("g5_women_mobile", 5, "5.b.1", "สัดส่วนผู้หญิงที่มีโทรศัพท์มือถือ",
                  "Women who own a mobile phone", "%", 1, 50, 100, 100, "NSO ICT Survey",
                  84.0, 1.4, 5.0, 0.6),
    IndicatorSpec("g6_safe_water", 6, "6.1.1", "ครัวเรือนที่มีน้ำดื่มปลอดภัย",
                  "Households with safely managed drinking water", "%", 1, 50, 100, 100,
                  "Department of Health / MICS", 86.0, 0.9, 6.0, 0.5, district=True),
    IndicatorSpec("g6_sanitation", 6, "6.2.1", "ครัวเรือนที่มีการจัดการสุขาภิบาลอย่างปลอดภัย",
                  "Households with safely managed sanitation", "%", 1, 50, 100, 100,
                  "Department of Health / MICS", 74.0, 1.1, 7.0, 0.5),
    IndicatorSpec("g7_electricity", 7, "7.1.1", "ครัวเรือนที่เข้าถึงไฟฟ้า",
                  "Households with electricity", "%", 1, 90, 100, 100, "PEA / MEA",
                  99.3, 0.08, 0.5, 0.4),
    IndicatorSpec("g7_renewable", 7, "7.2.1", "สัดส่วนพลังงานทดแทนในการใช้พลังงานขั้นสุดท้าย",
                  "Renewable share of final energy use", "%", 1, 0, 40, 30,
                  "Department of Alternative Energy Development", 15.5, 0.6, 5.0, -0.3),
    IndicatorSpec("g8_gpp_growth", 8, "8.1.1", "อัตราการเติบโตของผลิตภัณฑ์จังหวัดต่อหัวที่แท้จริง",
                  "Growth of real GPP per head", "%", 1, -5, 6, 3, "NESDC", 3.6, -0.1, 1.6, 0.2,
                  floor=-15, ceiling=15, shock_2020=-8.0),
    IndicatorSpec("g8_unemployment", 8, "8.5.2", "อัตราการว่างงาน", "Unemployment rate", "%", -1,
                  0, 5, 1, "NSO Labour Force Survey", 1.05, 0.0, 0.5, -0.2, shock_2020=0.8),
    IndicatorSpec("g8_neet", 8, "8.6.1", "เยาวชนที่ไม่ได้เรียน ไม่ได้ทำงาน หรือฝึกอบรม",
                  "Youth not in education, employment or training", "%", -1, 0, 30, 10,
                  "NSO Labour Force Survey", 14.5, -0.2, 3.5, -0.4, shock_2020=1.6),
    IndicatorSpec("g9_4g_coverage", 9, "9.c.1", "ประชากรที่อยู่ในพื้นที่สัญญาณ 4G",
                  "Population covered by a 4G network", "%", 1, 70, 100, 100, "NBTC",
                  95.0, 0.7, 3.0, 0.5),
    IndicatorSpec("g9_manufacturing", 9, "9.2.1", "สัดส่วนภาคอุตสาหกรรมใน GPP",
                  "Manufacturing value added, share of GPP", "%", 1, 0, 40, 30, "NESDC",
                  21.0, 0.1, 9.0, 0.55, shock_2020=-1.0),
    IndicatorSpec("g10_gini", 10, None, "สัมประสิทธิ์ความไม่เสมอภาคด้านรายได้ (Gini)",
                  "Income Gini coefficient", "index", -1, 0.25, 0.5, 0.3, "NSO / NESDC",
                  0.43, -0.003, 0.035, -0.3, floor=0.2, ceiling=0.7),
    IndicatorSpec("g10_bottom40", 10, "10.1.1", "การเติบโตของรายจ่ายต่อหัวของกลุ่มรายได้ต่ำสุด 40%",
                  "Growth of spending per head, bottom 40 %", "%", 1, -5, 8, 4, "NSO / NESDC",
                  3.2, -0.05, 1.5, 0.1, floor=-15, ceiling=20, shock_2020=-5.0),
    IndicatorSpec("g11_inadequate_housing", 11, "11.1.1", "ประชากรเมืองในชุมชนแออัด/ที่อยู่ไม่เหมาะสม",
                  "Urban population in slums or inadequate housing", "%", -1, 0, 30, 5,
                  "National Housing Authority", 11.0, -0.3, 4.0, -0.3),
    IndicatorSpec("g11_pm25", 11, "11.6.2", "ค่าเฉลี่ยรายปีฝุ่น PM2.5", "Annual mean PM2.5",
                  "µg/m³", -1, 5, 50, 15, "Pollution Control Department", 27.0, -0.4, 6.0, 0.0,
                  floor=5, ceiling=80, shock_2020=-2.0),
    IndicatorSpec("g12_waste_managed", 12, "12.5.1", "ขยะมูลฝอยที่ได้รับการจัดการอย่างถูกต้อง",
                  "Municipal solid waste correctly managed", "%", 1, 0, 100, 70,
                  "Pollution Control Department", 38.0, 2.2, 12.0, 0.4),
    IndicatorSpec("g12_hazardous_waste", 12, "12.4.2", "ของเสียอันตรายที่ได้รับการกำจัดอย่างถูกต้อง",
                  "Hazardous waste properly treated", "%", 1, 0, 100, 90,
                  "Pollution Control Department", 55.0, 2.0, 14.0, 0.3),
    IndicatorSpec("g13_disaster_affected", 13, "13.1.1", "ผู้ได้รับผลกระทบจากภัยพิบัติ",
                  "People affected by disasters", "per 100,000 population", -1, 0, 20_000, 1_000,
                  "DDPM", 5_200, -120, 3_500, -0.3, ceiling=60_000),
    IndicatorSpec("g13_local_drr", 13, "13.1.3", "อปท. ที่มีแผนลดความเสี่ยงจากภัยพิบัติ",
                  "Local governments with disaster-risk plans", "%", 1, 0, 100, 100, "DDPM",
                  62.0, 3.5, 12.0, 0.3),
    IndicatorSpec("g14_coastal_water", 14, "14.1.1", "คุณภาพน้ำทะเลชายฝั่งเกณฑ์ดี-พอใช้",
                  "Coastal water of good or fair quality", "%", 1, 0, 100, 90,
                  "Pollution Control Department", 79.0, 0.5, 9.0, 0.1, coastal_only=True),
    IndicatorSpec("g14_mangrove", 14, "14.5.1", "ป่าชายเลนที่ได้รับการคุ้มครอง",
                  "Protected mangrove and coastal area", "%", 1, 0, 30, 10,
                  "Department of Marine and Coastal Resources", 7.5, 0.25, 4.0, 0.0,
                  coastal_only=True),
    IndicatorSpec("g15_forest", 15, "15.1.1", "สัดส่วนพื้นที่ป่าไม้", "Forest area, share of land",
                  "%", 1, 0, 70, 40, "Royal Forest Department", 31.7, 0.02, 17.0, -0.25),
    IndicatorSpec("g15_forest_change", 15, "15.2.1", "อัตราการเปลี่ยนแปลงพื้นที่ป่าไม้",
                  "Annual change in forest area", "%", 1, -2, 2, 0.5, "Royal Forest Department",
                  -0.1, 0.03, 0.5, 0.1, floor=-5, ceiling=5),
    IndicatorSpec("g16_homicide", 16, "16.1.1", "อัตราการฆาตกรรมโดยเจตนา",
                  "Intentional homicide rate", "per 100,000 population", -1, 0, 10, 2,
                  "Royal Thai Police", 3.1, -0.08, 1.2, -0.45, ceiling=40),
    IndicatorSpec("g16_birth_registration", 16, "16.9.1", "การจดทะเบียนการเกิด",
                  "Births registered with a civil authority", "%", 1, 80, 100, 100,
                  "Department of Provincial Administration", 99.4, 0.05, 0.6, 0.4),
    IndicatorSpec("g17_internet", 17, "17.8.1", "สัดส่วนประชากรที่ใช้อินเทอร์เน็ต",
                  "Individuals using the Internet", "%", 1, 20, 100, 100, "NSO ICT Survey",
                  56.8, 4.2, 9.0, 0.6, district=True),
    IndicatorSpec("g17_local_revenue", 17, "17.1.1", "สัดส่วนรายได้ที่ อปท. จัดเก็บเอง",
                  "Own-source revenue of local governments", "%", 1, 0, 50, 35,
                  "Department of Local Administration", 12.0, 0.3, 5.0, 0.6),
)

_DEEP_SOUTH_VIOLENCE = {"94": 5.0, "95": 4.0, "96": 5.5}


def _decimals(spec: IndicatorSpec) -> int:
    """Decimals to show: a Gini needs 3, large counts and yields none, the rest one."""
    if spec.upper <= 1:
        return 3
    return 0 if spec.upper >= 500 else 1


def catalogue_frame() -> pd.DataFrame:
    return pd.DataFrame([
        {"indicator_code": s.code, "goal": s.goal, "un_code": s.un_code, "name_th": s.name_th,
         "name_en": s.name_en, "unit": s.unit, "direction": s.direction,
         "lower_bound": float(s.lower), "upper_bound": float(s.upper),
         "target_2030": float(s.target), "source": s.source,
         "levels": "province,district" if s.district else "province",
         "in_index": True, "decimals": _decimals(s)}
        for s in SPECS
    ])


def generate(ctx: DemoContext) -> None:
    ctx.store.insert_df("sdg_indicators", catalogue_frame())
    if codebook.has_codebook(ctx.store):
        ctx.store.insert_df("indicator_codebook", codebook.demo_codebook(catalogue_frame()))
    prov = ctx.provinces.reset_index(drop=True)
    districts = ctx.areas[ctx.areas.level == "district"][["code", "province_code"]]
    years = np.array(YEARS)
    frames = []
    for spec in SPECS:
        if spec.code == "g1_target_poor":
            continue
        rng = ctx.rng(f"sdg-{spec.code}")
        # A province's level follows its development index plus its own noise; its trend
        # varies so that some provinces improve faster than the nation and some go backwards.
        dev = prov.development.to_numpy()
        level = spec.spread * (spec.dev_link * dev + np.sqrt(1 - spec.dev_link**2)
                               * rng.normal(0, 1, len(prov)))
        if spec.code == "g16_homicide":
            level = level + prov.code.map(_DEEP_SOUTH_VIOLENCE).fillna(0).to_numpy()
        trend = spec.trend * rng.normal(1.0, 0.9, len(prov))
        t = years - YEARS[0]
        shock = np.where(years == 2020, spec.shock_2020, 0) + np.where(
            years == 2021, spec.shock_2020 * 0.5, 0)
        values = (spec.national_2018 + level[:, None] + trend[:, None] * t[None, :]
                  + shock[None, :] + rng.normal(0, spec.spread * 0.06, (len(prov), len(years))))
        if spec.national_series:
            rel = prov.poverty_factor.to_numpy() ** spec.poverty_elasticity
            rel = rel / rel.mean() * rng.lognormal(0, 0.15, len(prov))
            values = np.array(spec.national_series)[None, :] * rel[:, None] * rng.lognormal(
                0, 0.08, (len(prov), len(years)))
        values = np.clip(values, spec.floor, spec.ceiling)
        keep = np.ones(len(prov), dtype=bool)
        if spec.coastal_only:
            keep = prov.code.isin(COASTAL).to_numpy()
        # Recent years are not yet published everywhere: a few provinces lack 2024.
        missing_latest = rng.random(len(prov)) < 0.06
        for i, code in enumerate(prov.code):
            if not keep[i]:
                continue
            for j, year in enumerate(YEARS):
                if year == YEARS[-1] and missing_latest[i]:
                    continue
                frames.append((spec.code, code, int(year), float(values[i, j])))
        if spec.district:
            frames.extend(_district_values(rng, spec, prov, districts, values))
        # The national figure is the mean of provinces (population weighting is not known).
        nat = values[keep].mean(axis=0)
        frames.extend((spec.code, "TH", int(y), float(v)) for y, v in zip(YEARS, nat, strict=True))
    df = pd.DataFrame(frames, columns=["indicator_code", "area_code", "year", "value"])
    df["value"] = df.value.round(3)
    df["disaggregation"] = "total"
    ctx.store.insert_df("sdg_values", df)
    _women_disaggregation(ctx)
    _target_poor_from_households(ctx)


def _district_values(rng: np.random.Generator, spec: IndicatorSpec, prov: pd.DataFrame,
                     districts: pd.DataFrame, values: np.ndarray) -> list[tuple]:
    idx = {c: i for i, c in enumerate(prov.code)}
    rows = []
    offsets = rng.normal(0, spec.spread * 0.5, len(districts))
    for (code, pcode), off in zip(districts.itertuples(index=False), offsets, strict=True):
        base = values[idx[pcode]]
        v = np.clip(base + off + rng.normal(0, spec.spread * 0.05, len(base)),
                    spec.floor, spec.ceiling)
        rows.extend((spec.code, code, int(y), float(x)) for y, x in zip(YEARS, v, strict=True))
    return rows


def _women_disaggregation(ctx: DemoContext) -> None:
    """Unemployment by sex, an example of disaggregated values (sex=female / sex=male)."""
    rng = ctx.rng("sdg-disaggregation")
    base = ctx.store.query(
        "SELECT indicator_code, area_code, year, value FROM sdg_values "
        "WHERE indicator_code = ? AND disaggregation = 'total'", ["g8_unemployment"])
    rows = []
    for sex, mult in (("sex=female", 0.95), ("sex=male", 1.05)):
        part = base.copy()
        part["value"] = (part.value * mult * rng.normal(1, 0.04, len(part))).round(3)
        part["disaggregation"] = sex
        rows.append(part)
    ctx.store.insert_df("sdg_values", pd.concat(rows, ignore_index=True))


def _target_poor_from_households(ctx: DemoContext) -> None:
    """Target-poor share computed from the households table, so the two always agree."""
    for col in ("province_code", "district_code", "'TH'"):
        ctx.store.execute(
            "INSERT INTO sdg_values (indicator_code, area_code, year, disaggregation, value) "
            f"SELECT 'g1_target_poor', {col}, survey_year, 'total', "
            "ROUND(100.0 * SUM(CASE WHEN target_poor THEN members ELSE 0 END) / SUM(members), 3) "
            f"FROM households GROUP BY {col}, survey_year"
        )
