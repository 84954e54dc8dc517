"""Alerts and rules in words: one line per alert, one per rule, in the user's language."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from components.i18n import lang, t
from domain import catalogue
from domain.alert_rules import CATEGORY_ORDER


def agency_name(code: str) -> str:
    if code == "dopa":
        return t("fu_agency_dopa")
    names = catalogue.PLAN_AGENCIES.get(code)
    if not names:
        return code or t("fu_any_agency")
    return names[0] if lang() == "th" else names[1]


def _num(x: Any, digits: int = 2) -> str:
    if x is None or pd.isna(x):
        return "–"
    x = float(x)
    return f"{x:,.0f}" if x == int(x) and abs(x) >= 1 else f"{x:,.{digits}f}"


def _category(rank: Any) -> str:
    if rank is None or pd.isna(rank) or not 0 <= int(rank) < len(CATEGORY_ORDER):
        return "–"
    return t(f"category_rank_{int(rank)}")


def alert_message(row: Any, indicators: dict[str, str]) -> str:
    """What an alert says, from its rule's kind and parameters and its values (plain text)."""
    params = row.params if isinstance(row.params, dict) else json.loads(row.params or "{}")
    kind = row.kind
    indicator = indicators.get(params.get("indicator", ""), params.get("indicator", ""))
    if kind == "threshold":
        return t("al_msg_threshold", indicator=indicator, value=_num(row.value),
                 op=t(f"al_op_{params.get('op', 'below')}"), reference=_num(row.reference))
    if kind == "decline":
        movement = t("al_falls" if params.get("movement", "falls") == "falls" else "al_rises")
        return t("al_msg_decline", indicator=indicator, movement=movement,
                 years=params.get("years", ""), value=_num(row.value),
                 reference=_num(row.reference))
    if kind == "category_drop":
        return t("al_msg_category_drop", value=_category(row.value),
                 reference=_category(row.reference))
    if kind == "overdue_agency":
        return t("al_msg_overdue_agency", agency=agency_name(str(row.subject).split("|")[0]),
                 value=_num(row.value), reference=_num(row.reference))
    if kind == "not_reported":
        dataset = t(f"fr_dataset_{params.get('dataset', '')}")
        if row.value is None or pd.isna(row.value):
            return t("al_msg_not_reported_never", dataset=dataset)
        return t("al_msg_not_reported", dataset=dataset, value=_num(row.value),
                 reference=_num(row.reference))
    if kind == "neighbour_deviation":
        return t("al_msg_neighbour_deviation", indicator=indicator, value=_num(row.value),
                 reference=_num(row.reference))
    return kind


def rule_condition(kind: str, params: dict[str, Any], indicators: dict[str, str]) -> str:
    """A rule's condition in words (for the rule list)."""
    p = params
    ind = indicators.get(p.get("indicator", ""), p.get("indicator", ""))
    if kind == "threshold":
        return f"{ind} {t('al_op_' + p['op'])} {_num(p['value'])}"
    if kind == "decline":
        movement = t("al_falls" if p.get("movement", "falls") == "falls" else "al_rises")
        return f"{ind}: {movement} × {p['years']}"
    if kind == "category_drop":
        return f"≥ {p.get('steps', 1)}"
    if kind == "overdue_agency":
        who = agency_name(p.get("agency", ""))
        scope = f" · {t('al_p_per_province')}" if p.get("per_province") else ""
        return f"{t('fu_kind_' + p['item'])} · {who} > {p['limit']}{scope}"
    if kind == "not_reported":
        return f"{t('fr_dataset_' + p['dataset'])} > {p['days']}"
    if kind == "neighbour_deviation":
        unit = " %" if p.get("relative") else ""
        return f"{ind} ± {_num(p['gap'])}{unit}"
    return kind
