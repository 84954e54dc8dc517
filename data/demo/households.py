"""Synthetic basic-needs survey households and assistance cases, a panel over 2018-2024."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.demo import NATIONAL_HOUSEHOLDS, NATIONAL_PEOPLE, YEARS, DemoContext
from domain import catalogue

# Share of surveyed people in target-poor households: TPMap 1,032,987 of 36,647,817 (2561 BE),
# 1,025,782 (2565 BE), 655,365 of 36,130,610 (2566 BE); years between are interpolated, 2020
# raised for COVID-19, 2024 continues the fall.
TARGET_POOR_SHARE = {
    2018: 1_032_987 / NATIONAL_PEOPLE,
    2019: 0.0272,
    2020: 0.0291,
    2021: 0.0286,
    2022: 1_025_782 / NATIONAL_PEOPLE,
    2023: 655_365 / 36_130_610,
    2024: 0.0162,
}

# People deprived per dimension among the target poor, TPMap 2561 BE (overlapping counts).
_DIMENSION_PEOPLE = {"health": 217_081, "living": 244_739, "education": 378_080,
                     "income": 376_091, "access": 6_490}
# Within a dimension, some needs fail more often than others.
_WITHIN = {"birthweight": 0.6, "food": 0.8, "medicine": 0.7, "exercise": 1.9,
           "housing": 1.2, "drinking_water": 1.0, "water_use": 0.9, "sanitation": 0.9,
           "preschool": 0.5, "compulsory": 0.7, "upper_secondary": 1.2, "literacy": 1.6,
           "working_age_job": 0.9, "elderly_job": 1.1, "per_head": 1.0,
           "elderly_care": 1.2, "disabled_care": 0.8}


def _indicator_weights() -> np.ndarray:
    inds = catalogue.POVERTY_INDICATORS
    w = np.array([_DIMENSION_PEOPLE[i.dimension] * _WITHIN[i.code] for i in inds], dtype=float)
    for dim in catalogue.DIMENSION_CODES:
        mask = np.array([i.dimension == dim for i in inds])
        w[mask] = w[mask] / w[mask].sum() * _DIMENSION_PEOPLE[dim]
    return w / w.sum()


def _weighted_threshold(latent: np.ndarray, weights: np.ndarray, share: float) -> float:
    """The value above which ``share`` of the total weight lies."""
    order = np.argsort(latent)[::-1]
    cum = np.cumsum(weights[order])
    idx = int(np.searchsorted(cum, share * cum[-1]))
    return float(latent[order[min(idx, len(order) - 1)]])


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng("households")
    prov = ctx.provinces.set_index("code")
    villages = ctx.villages.reset_index(drop=True)
    n_total = max(len(villages), int(round(NATIONAL_HOUSEHOLDS * ctx.scale)))
    prov_of_village = villages.province_code.to_numpy()
    village_idx, seq = _households_per_village(rng, prov, prov_of_village, n_total)
    traits = _traits(rng, prov, prov_of_village, village_idx)

    conn = ctx.store.connection()
    conn.register("demo_villages", pd.DataFrame(
        {"village_idx": np.arange(len(villages), dtype=np.int32),
         "village_code": villages.code.to_numpy()}))
    dims = np.array([i.dimension for i in catalogue.POVERTY_INDICATORS])
    case_frames = []
    next_case = 1
    for year in YEARS:
        yr = ctx.rng(f"households-{year}")
        frame, poor_idx, flags_poor = _survey_year(yr, year, traits, village_idx, seq)
        _insert_year(ctx, frame)
        cases = _cases(yr, year, poor_idx, flags_poor, dims, village_idx, seq, next_case)
        next_case += len(cases)
        case_frames.append(cases)
        del frame
    _insert_cases(ctx, pd.concat(case_frames, ignore_index=True))
    conn.unregister("demo_villages")


def _households_per_village(rng: np.random.Generator, prov: pd.DataFrame,
                            prov_of_village: np.ndarray,
                            n_total: int) -> tuple[np.ndarray, np.ndarray]:
    """Households per province, then per village (lognormal village sizes): each household's
    village index and its running number in the village."""
    n_villages = len(prov_of_village)
    v_weight = rng.lognormal(0.0, 0.45, n_villages)
    p_weight = prov.household_weight.reindex(prov_of_village).to_numpy()
    v_sum_in_prov = pd.Series(v_weight).groupby(prov_of_village).transform("sum").to_numpy()
    expected = n_total * p_weight * v_weight / v_sum_in_prov
    per_village = np.maximum(1, np.floor(expected + rng.random(n_villages))).astype(np.int64)
    per_village = np.minimum(per_village, 9_999)
    n = int(per_village.sum())
    village_idx = np.repeat(np.arange(n_villages, dtype=np.int32), per_village)
    starts = np.cumsum(per_village) - per_village
    seq = (np.arange(n) - np.repeat(starts, per_village) + 1).astype(np.int32)
    return village_idx, seq


def _traits(rng: np.random.Generator, prov: pd.DataFrame, prov_of_village: np.ndarray,
            village_idx: np.ndarray) -> dict[str, np.ndarray]:
    """Persistent household traits: poverty propensity, size, income, welfare card."""
    n = len(village_idx)
    pov_factor = prov.poverty_factor.reindex(prov_of_village).to_numpy()
    village_effect = rng.normal(0.0, 0.6, len(prov_of_village))
    latent = (np.log(pov_factor) + village_effect)[village_idx] + rng.normal(0, 1, n)
    members_base = 1 + rng.poisson(NATIONAL_PEOPLE / NATIONAL_HOUSEHOLDS - 1, n)
    income_median = (85_000 * pov_factor ** -0.45)[village_idx]
    income_draw = rng.lognormal(0.0, 0.55, n)
    welfare_p = np.clip(0.18 * pov_factor ** 0.6, 0.03, 0.6)[village_idx]
    welfare_base = rng.random(n)
    return {"latent": latent, "members_base": members_base, "income_median": income_median,
            "income_draw": income_draw, "welfare_p": welfare_p, "welfare_base": welfare_base}


def _survey_year(yr: np.random.Generator, year: int, traits: dict[str, np.ndarray],
                 village_idx: np.ndarray,
                 seq: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """One survey year's household rows, the target poor's row numbers and their flags."""
    weights = _indicator_weights()
    per_head_col = catalogue.POVERTY_INDICATORS.index(
        next(i for i in catalogue.POVERTY_INDICATORS if i.code == "per_head"))
    n = len(village_idx)
    members = np.clip(traits["members_base"] + (yr.random(n) < 0.08) * yr.choice([-1, 1], n),
                      1, 14)
    latent_y = traits["latent"] + yr.normal(0, 0.45, n)
    threshold = _weighted_threshold(latent_y, members.astype(float), TARGET_POOR_SHARE[year])
    poor = latent_y > threshold
    poor_idx = np.flatnonzero(poor)
    severity = latent_y[poor_idx] - threshold
    severe = severity > np.quantile(severity, 0.85) if len(severity) else severity > 0
    m = np.where(severe, 4 + yr.poisson(2.5, len(poor_idx)), 1 + yr.poisson(0.3, len(poor_idx)))
    m = np.minimum(m, len(weights))
    # Gumbel top-m: each poor household fails m needs, drawn without replacement by weight.
    keys = np.log(weights)[None, :] + yr.gumbel(size=(len(poor_idx), len(weights)))
    ranks = np.argsort(np.argsort(-keys, axis=1), axis=1)
    flags_poor = ranks < m[:, None]
    flags = np.zeros((n, len(weights)), dtype=bool)
    flags[poor_idx] = flags_poor

    income = traits["income_median"] * traits["income_draw"] * (1.0 + 0.03 * (year - 2018))
    income = np.maximum(income, catalogue.INCOME_LINE_PER_HEAD * 1.05)
    low = flags[:, per_head_col]
    income[low] = yr.uniform(9_000, catalogue.INCOME_LINE_PER_HEAD - 1, int(low.sum()))
    welfare = traits["welfare_base"] < np.where(poor, 0.75, traits["welfare_p"])
    frame = pd.DataFrame({
        "village_idx": village_idx, "seq": seq, "survey_year": np.int32(year),
        "members": members.astype(np.int32), "income_per_head": np.round(income, -1),
        "welfare_card": welfare, "target_poor": poor,
    })
    for j, col in enumerate(catalogue.DEPRIVATION_COLUMNS):
        frame[col] = flags[:, j]
    return frame, poor_idx, flags_poor


def _insert_year(ctx: DemoContext, frame: pd.DataFrame) -> None:
    cols = ", ".join(f"f.{c}" for c in catalogue.DEPRIVATION_COLUMNS)
    conn = ctx.store.connection()
    conn.register("demo_frame", frame)
    try:
        conn.execute(
            "INSERT INTO households SELECT v.village_code || lpad(CAST(f.seq AS VARCHAR), 4, '0'), "
            "f.survey_year, v.village_code, substr(v.village_code, 1, 6), "
            "substr(v.village_code, 1, 4), substr(v.village_code, 1, 2), f.members, "
            f"f.income_per_head, f.welfare_card, f.target_poor, {cols}, NULL "
            "FROM demo_frame f JOIN demo_villages v USING (village_idx)"
        )
    finally:
        conn.unregister("demo_frame")


def _cases(rng: np.random.Generator, year: int, poor_idx: np.ndarray, flags_poor: np.ndarray,
           dims: np.ndarray, village_idx: np.ndarray, seq: np.ndarray,
           first_id: int) -> pd.DataFrame:
    """One assistance case per deprived dimension of each target-poor household."""
    rows_h, rows_dim, rows_ind = [], [], []
    inds = np.array([i.code for i in catalogue.POVERTY_INDICATORS])
    for dim in catalogue.DIMENSION_CODES:
        mask = dims == dim
        sub = flags_poor[:, mask]
        has = sub.any(axis=1)
        first = np.argmax(sub, axis=1)
        rows_h.append(poor_idx[has])
        rows_dim.append(np.full(int(has.sum()), dim))
        rows_ind.append(inds[mask][first[has]])
    h = np.concatenate(rows_h) if rows_h else np.array([], dtype=np.int64)
    dim_arr = np.concatenate(rows_dim)
    n = len(h)
    agencies = np.empty(n, dtype=object)
    for dim, options in catalogue.AGENCIES_BY_DIMENSION.items():
        mask = dim_arr == dim
        agencies[mask] = rng.choice(np.array(options, dtype=object), int(mask.sum()))
    opened = pd.Timestamp(year=year, month=5, day=1) + pd.to_timedelta(
        rng.integers(0, 200, n), unit="D")
    # Older cases are more often resolved; the newest year is mostly still open.
    p_resolved = 0.88 - 0.09 * (year - 2018)
    u = rng.random(n)
    status = np.where(u < p_resolved, "resolved",
                      np.where(u < p_resolved + (1 - p_resolved) * 0.6, "in_progress", "identified"))
    close_days = np.minimum(rng.gamma(2.0, 55.0, n), 700).astype(int)
    closed = opened + pd.to_timedelta(close_days, unit="D")
    end = pd.Timestamp("2024-12-31")
    closed = closed.where(closed <= end, end)
    # The day a case entered its current status: opened (identified), a few weeks after
    # opening (in progress), closed (resolved); drawn last so that no earlier draw moves.
    started = opened + pd.to_timedelta(rng.integers(3, 90, n), unit="D")
    started = started.where(started <= end, end)
    since = np.where(status == "resolved", closed.date,
                     np.where(status == "in_progress", started.date, opened.date))
    return pd.DataFrame({
        "case_id": np.arange(first_id, first_id + n, dtype=np.int64),
        "village_idx": village_idx[h], "seq": seq[h], "survey_year": np.int32(year),
        "dimension": dim_arr, "indicator_code": np.concatenate(rows_ind),
        "agency": agencies.astype(str), "status": status,
        "opened_on": opened.date, "closed_on": np.where(status == "resolved", closed.date, None),
        "status_since": since,
    })


def _insert_cases(ctx: DemoContext, cases: pd.DataFrame) -> None:
    conn = ctx.store.connection()
    conn.register("demo_cases", cases)
    try:
        conn.execute(
            "INSERT INTO assistance_cases SELECT c.case_id, "
            "v.village_code || lpad(CAST(c.seq AS VARCHAR), 4, '0'), c.survey_year, "
            "v.village_code, substr(v.village_code, 1, 2), c.dimension, c.indicator_code, "
            "c.agency, c.status, CAST(c.opened_on AS DATE), CAST(c.closed_on AS DATE), NULL, "
            "CAST(c.status_since AS DATE) "
            "FROM demo_cases c JOIN demo_villages v USING (village_idx)"
        )
    finally:
        conn.unregister("demo_cases")
