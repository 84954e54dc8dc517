"""The province brief's figures, gathered from the SDG, poverty, partner and meeting queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data import meetings, partners, poverty, sdg
from data.importer.commit import load_data_as_of
from data.queries import load_area
from data.scope import AccessScope
from data.store import Store
from domain.catalogue import SDG_GOALS

# Measures of the "since the last meeting" table, in the order shown.
CHANGE_METRICS = ("sdg_index", "target_poor_people", "cases_open", "cases_closed",
                  "cases_overdue", "debt_open", "debt_settled", "plan_budget_spent",
                  "plan_projects_attention")
_SHOWN_RULES = 8  # alert rules named per line of new or closed problems


@dataclass(frozen=True)
class MetricChange:
    """One measure of a province at the last meeting and now (None: not measured)."""

    metric: str
    before: float | None
    after: float | None
    change: float | None
    direction: str | None  # "better", "worse" or anything else (unchanged, no polarity)


@dataclass(frozen=True)
class MeetingChanges:
    """What moved in a province since the last recorded meeting."""

    title: str
    held_on: dt.date
    metrics: tuple[MetricChange, ...]
    new_problems: int
    new_rules: tuple[str, ...]
    closed_problems: int
    closed_rules: tuple[str, ...]


@dataclass(frozen=True)
class ProvinceBrief:
    """Everything the one-page brief of a province shows, as plain values."""

    province: str
    year: int
    name_th: str
    name_en: str
    index: float | None  # the province's SDG index, None without one
    rank: int | None  # its rank among the provinces with an index
    ranked: int  # how many provinces have an index
    index_by_province: tuple[tuple[str, float | None], ...]  # for the map
    goal_scores: tuple[tuple[int, float | None], ...]  # by goal number
    weakest_goals: tuple[int, ...]  # up to three goals with the lowest score
    poverty: tuple[dict[str, float], ...]  # per year: year, population, poor, h, mpi
    partner_kpis: dict[str, float]  # partners, activities, beneficiaries, budget
    goals_without_partners: tuple[int, ...]
    changes: MeetingChanges | None  # None: no meeting recorded yet
    data_as_of: str | None


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def load_province_brief(store: Store, scope: AccessScope, province: str,
                        year: int) -> ProvinceBrief:
    """The brief of one province the user may see, for ``year`` (CE); ``PermissionError``
    for any other code. Every query runs under ``scope``."""
    if not (len(province) == 2 and province.isdigit() and scope.can_see_province(province)):
        raise PermissionError(province)
    area = load_area(store, scope, province) or {}
    index, rank, ranked, by_province = _sdg_index(store, scope, province, year)
    scores = _goal_scores(store, scope, province, year)
    known = [(g, s) for g, s in scores if s is not None]
    return ProvinceBrief(
        province=province, year=int(year),
        name_th=str(area.get("name_th") or province), name_en=str(area.get("name_en") or province),
        index=index, rank=rank, ranked=ranked, index_by_province=by_province,
        goal_scores=scores,
        weakest_goals=tuple(g for g, _ in sorted(known, key=lambda gs: gs[1])[:3]),
        poverty=_poverty_rows(store, scope, province),
        **_partner_activity(store, scope, province, year),
        changes=load_meeting_changes(store, scope, province),
        data_as_of=load_data_as_of(store, scope))


def _sdg_index(store: Store, scope: AccessScope, province: str, year: int
               ) -> tuple[float | None, int | None, int, tuple[tuple[str, float | None], ...]]:
    """The province's index, its rank, how many provinces are ranked, every province's index."""
    frame = sdg.sdg_index_by_area(store, scope, "province", year)
    by_province = tuple((str(c), _float(v)) for c, v in zip(frame.area_code, frame["index"], strict=True))
    ranked = frame.dropna(subset=["index"]).sort_values("index", ascending=False)
    codes = ranked.area_code.tolist()
    if province not in codes:
        return None, None, len(codes), by_province
    value = float(ranked["index"].iloc[codes.index(province)])
    return value, codes.index(province) + 1, len(codes), by_province


def _goal_scores(store: Store, scope: AccessScope, province: str,
                 year: int) -> tuple[tuple[int, float | None], ...]:
    scores = sdg.goal_scores_of_areas(store, scope, (province,), year).sort_values("goal")
    return tuple((int(g), _float(s)) for g, s in zip(scores.goal, scores.score, strict=True))


def _poverty_rows(store: Store, scope: AccessScope, province: str) -> tuple[dict[str, float], ...]:
    trend = poverty.poverty_trend(store, scope, province).sort_values("year")
    return tuple({"year": int(r.year), "population": _float(r.population),
                  "target_poor_people": _float(r.target_poor_people), "h": _float(r.h),
                  "mpi": _float(r.mpi)} for r in trend.itertuples(index=False))


def _partner_activity(store: Store, scope: AccessScope, province: str,
                      year: int) -> dict[str, object]:
    """Partner figures of the year (activities running at any time in it) and the goals no
    partner activity covers."""
    f = partners.ActivityFilter(area=province, start=dt.date(year, 1, 1),
                                end=dt.date(year, 12, 31))
    kpis = partners.partner_kpis(store, scope, f)
    cover = partners.coverage_by_sector_goal(store, scope, f)
    covered = set(pd.to_numeric(cover.goal, errors="coerce").dropna().astype(int)) \
        if len(cover) else set()
    return {"partner_kpis": {k: _float(kpis[k]) for k in
                             ("partners", "activities", "beneficiaries", "budget")},
            "goals_without_partners": tuple(g for g, *_ in SDG_GOALS if g not in covered)}


def load_meeting_changes(store: Store, scope: AccessScope,
                         province: str) -> MeetingChanges | None:
    """What moved in ``province`` since the last recorded meeting; None without a meeting."""
    held = meetings.load_meetings(store, scope)
    if held.empty:
        return None
    last = held.iloc[0]
    meeting_id = int(last.meeting_id)
    diff = meetings.compare_with_meeting(store, scope, meeting_id)
    rows = diff[diff.area_code == province].set_index("metric")
    metrics = tuple(
        MetricChange(m, _float(rows.loc[m, "before"]), _float(rows.loc[m, "after"]),
                     _float(rows.loc[m, "change"]),
                     None if pd.isna(rows.loc[m, "direction"]) else str(rows.loc[m, "direction"]))
        for m in CHANGE_METRICS if m in rows.index)
    events = meetings.changes_since(store, scope, meeting_id)
    new = events["new_problems"]
    new = new[new.province_code == province]
    closed = events["closed_problems"]
    closed = closed[closed.province_code == province]
    return MeetingChanges(
        title=str(last.title), held_on=pd.Timestamp(last.held_at).date(), metrics=metrics,
        new_problems=len(new), new_rules=_rules(new), closed_problems=len(closed),
        closed_rules=_rules(closed))


def _rules(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(str(r) for r in frame.rule.drop_duplicates().head(_SHOWN_RULES))
