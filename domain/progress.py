"""Progress status of one indicator towards its 2030 target: the SDSN trend rule and Open SDG's.

Each rule returns a :class:`Progress`: the status and the working that decided it (the inputs,
the intermediate rates and the branch of the rule applied), so that a page can show exactly
how a status was reached. Sources and the arithmetic: docs/methods.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

METHODS = ("sdsn", "opensdg")
TARGET_YEAR = 2030
# SDSN (Sustainable Development Report): an observed annual change of at least this share of
# the change still needed is "moderately improving".
MODERATE_SHARE = 0.5
# Open SDG (Statistics Canada's method): base year 2015 unless the indicator names another;
# thresholds on the ratio of observed to required compound annual growth (with a target) and
# on the observed compound annual growth in the good direction (without one).
OPENSDG_BASE_YEAR = 2015
RATIO_THRESHOLDS = (0.95, 0.60, 0.0)
GROWTH_THRESHOLDS = (0.015, 0.005, 0.0)
# Statuses, best first; "achieved" exists only in Open SDG (the target is already reached).
STATUSES = ("achieved", "on_track", "moderate", "stagnating", "decreasing")


@dataclass(frozen=True)
class Progress:
    """A status (None: no status can be given) and how it was reached."""

    status: str | None
    method: str
    rule: str  # the branch of the rule that decided, a stable key (docs/methods.md)
    inputs: tuple[tuple[str, float | int | None], ...] = ()

    def as_dict(self) -> dict[str, float | int | None]:
        return dict(self.inputs)


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _direction(direction: float) -> int:
    return 1 if direction >= 0 else -1


def sdsn(base_value: float | None, base_year: int | None, value: float | None,
         year: int | None, target: float | None, direction: float,
         target_year: int = TARGET_YEAR) -> Progress:
    """The SDSN trend rule on values (the one the project scored with since the start).

    Observed annual change from the base year to ``year`` in the good direction, compared with
    the annual change still needed from ``year`` to reach ``target`` by ``target_year``: at
    least the needed change (or the target reached and held) is on track; at least half of it
    moderately improving; no or less improvement stagnating; a change in the wrong direction
    (or sliding back from a reached target) decreasing.
    """
    inputs: list[tuple[str, float | int | None]] = [
        ("base_year", base_year), ("base_value", base_value), ("year", year),
        ("value", value), ("target", target), ("target_year", target_year),
        ("direction", _direction(direction))]
    if _missing(target):
        return Progress(None, "sdsn", "no_target", tuple(inputs))
    if any(_missing(x) for x in (base_value, value)) or base_year is None or year is None \
            or year <= base_year:
        return Progress(None, "sdsn", "no_trend", tuple(inputs))
    d = _direction(direction)
    observed = d * (float(value) - float(base_value)) / (year - base_year)
    gap = d * (float(target) - float(value))
    inputs += [("observed_per_year", observed), ("gap", gap)]
    if gap <= 0:
        status = "on_track" if observed >= 0 else "decreasing"
        return Progress(status, "sdsn", "target_reached", tuple(inputs))
    required = gap / max(target_year - year, 1)
    inputs += [("required_per_year", required), ("moderate_share", MODERATE_SHARE)]
    if observed >= required:
        status = "on_track"
    elif observed >= MODERATE_SHARE * required:
        status = "moderate"
    elif observed >= 0:
        status = "stagnating"
    else:
        status = "decreasing"
    return Progress(status, "sdsn", "observed_vs_required", tuple(inputs))


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate from ``start`` to ``end`` over ``years``."""
    return (end / start) ** (1.0 / years) - 1.0


def _band(x: float, thresholds: Sequence[float]) -> str:
    top, middle, floor = thresholds
    if x >= top:
        return "on_track"
    if x >= middle:
        return "moderate"
    if x >= floor:
        return "stagnating"
    return "decreasing"


def opensdg(base_value: float | None, base_year: int | None, value: float | None,
            year: int | None, target: float | None, direction: float,
            target_year: int = TARGET_YEAR) -> Progress:
    """Open SDG's progress measure (Statistics Canada, after Eurostat).

    With a target: the target already reached is "achieved"; otherwise the ratio of the
    observed compound annual growth (base year to ``year``) to the one required to go from the
    base value to the target by ``target_year`` is banded at 0.95 / 0.60 / 0. Without one: the
    observed compound growth in the good direction is banded at 1.5 % / 0.5 % / 0. Compound
    growth needs positive values: otherwise no status.
    """
    d = _direction(direction)
    inputs: list[tuple[str, float | int | None]] = [
        ("base_year", base_year), ("base_value", base_value), ("year", year),
        ("value", value), ("target", None if _missing(target) else target),
        ("target_year", target_year), ("direction", d)]
    if any(_missing(x) for x in (base_value, value)) or base_year is None or year is None \
            or year <= base_year:
        return Progress(None, "opensdg", "no_trend", tuple(inputs))
    has_target = not _missing(target)
    if has_target and d * (float(value) - float(target)) >= 0:
        return Progress("achieved", "opensdg", "target_achieved", tuple(inputs))
    positives = (base_value, value, target) if has_target else (base_value, value)
    if any(float(x) <= 0 for x in positives):
        return Progress(None, "opensdg", "not_positive", tuple(inputs))
    observed = cagr(float(base_value), float(value), year - base_year)
    inputs.append(("cagr_observed", observed))
    if not has_target:
        growth = d * observed
        inputs += [("growth_good_direction", growth),
                   *zip(("threshold_on_track", "threshold_moderate", "threshold_limited"),
                        GROWTH_THRESHOLDS, strict=True)]
        return Progress(_band(growth, GROWTH_THRESHOLDS), "opensdg", "growth_no_target",
                        tuple(inputs))
    if target_year <= base_year:
        return Progress(None, "opensdg", "no_trend", tuple(inputs))
    required = cagr(float(base_value), float(target), target_year - base_year)
    inputs.append(("cagr_required", required))
    if d * required <= 0:
        # The base value already met the target and the value has since slid back past it.
        return Progress("decreasing", "opensdg", "slid_back", tuple(inputs))
    ratio = observed / required
    inputs += [("ratio", ratio),
               *zip(("threshold_on_track", "threshold_moderate", "threshold_limited"),
                    RATIO_THRESHOLDS, strict=True)]
    return Progress(_band(ratio, RATIO_THRESHOLDS), "opensdg", "ratio_to_required",
                    tuple(inputs))


def evaluate(method: str, base_value: float | None, base_year: int | None,
             value: float | None, year: int | None, target: float | None,
             direction: float) -> Progress:
    """The status by ``method`` ("sdsn" or "opensdg")."""
    if method == "sdsn":
        return sdsn(base_value, base_year, value, year, target, direction)
    if method == "opensdg":
        return opensdg(base_value, base_year, value, year, target, direction)
    raise ValueError(f"unknown progress method {method!r}")


def base_year_from(method: str, catalogue_base: int | None) -> int | None:
    """The earliest year a trend may start from: the indicator's own base year if it names
    one; otherwise any year (SDSN) or 2015 (Open SDG). The first year with data at or after
    it is used."""
    if catalogue_base is not None:
        return int(catalogue_base)
    return OPENSDG_BASE_YEAR if method == "opensdg" else None
