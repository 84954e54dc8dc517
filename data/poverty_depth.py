"""MPI depth queries: H, A, M0 at several cut-offs, rank robustness across cut-offs and weights,
and the spread within an area, all from the pre-computed poverty aggregates.

Every figure goes through :func:`data.poverty.poverty_drilldowns`, the poverty page's step
(:func:`data.poverty.poverty_drilldown`) at several cut-offs or weightings from one read of the
aggregates: the same aggregates, the same access scope, the same measures.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from data.poverty import poverty_child_mpi_many, poverty_drilldown, poverty_drilldowns
from data.scope import AccessScope
from data.sdg import sdg_index_by_area
from data.store import Store
from domain import catalogue
from domain import mpi_depth as md
from domain import poverty as pv

Weights = tuple[tuple[str, float], ...] | None


class Depth(NamedTuple):
    """The area's measures at each cut-off (``levels``: one row per cut-off) and the child
    units' M0 at each (``children``: code, name_th, name_en, then one column per cut-off)."""

    levels: pd.DataFrame
    children: pd.DataFrame
    totals: dict[str, pd.Series]


def mpi_depth(store: Store, scope: AccessScope, area_code: str, year: int,
              weights: Weights = None) -> Depth:
    """H, A, M0 and the poor at k = 20 %, 1/3 and 50 % for one area, with its child units."""
    rows, totals, children = [], {}, None
    steps = poverty_drilldowns(store, scope, area_code, year,
                               tuple((pv.parse_k(k_text), weights) for _, k_text in md.DEPTH_KS))
    for (label, k_text), step in zip(md.DEPTH_KS, steps, strict=True):
        total = step.area
        totals[label] = total
        rows.append({"cut": label, "k": k_text, "h": float(total.h), "a": float(total.a),
                     "mpi": float(total.mpi), "poor": float(total.poor),
                     "population": float(total.population)})
        kids = step.children[["code", "name_th", "name_en"]].copy() if children is None \
            else children
        kids[label] = step.children.mpi.to_numpy() if len(step.children) == len(kids) else \
            step.children.set_index("code").mpi.reindex(kids.code).to_numpy()
        children = kids
    return Depth(pd.DataFrame(rows), children if children is not None else pd.DataFrame(),
                 totals)


def weight_alternatives() -> list[tuple[str, Weights]]:
    """The weightings the robustness view compares: equal nested weights, then each dimension
    given double weight in turn (OPHI's robustness checks vary one dimension's weight)."""
    out: list[tuple[str, Weights]] = [("equal", None)]
    for dim in catalogue.DIMENSION_CODES:
        out.append((f"double_{dim}", pv.nested_weights({dim: 2.0}).key()))
    return out


class Robustness(NamedTuple):
    """Rank correlation of the child units' M0 between the baseline (k = 1/3, the chosen
    weights) and each alternative, and the units moving most (one frame per alternative)."""

    correlations: pd.DataFrame  # alternative, kind (k or weights), spearman, units
    movers: dict[str, pd.DataFrame]


def mpi_robustness(store: Store, scope: AccessScope, area_code: str, year: int,
                   weights: Weights = None, depth: Depth | None = None) -> Robustness:
    """How the ranking of the child units changes across cut-offs and weights."""
    depth = depth or mpi_depth(store, scope, area_code, year, weights)
    kids = depth.children
    if kids.empty:
        return Robustness(pd.DataFrame(columns=["alternative", "kind", "spearman", "units"]),
                          {})
    base = pd.Series(kids["poor"].to_numpy(), index=kids.code)
    rows, movers = [], {}
    for label, _k in md.DEPTH_KS:
        if label == "poor":
            continue
        other = pd.Series(kids[label].to_numpy(), index=kids.code)
        rows.append({"alternative": label, "kind": "k", "spearman": md.spearman(base, other),
                     "units": int(len(kids))})
        movers[label] = md.rank_shifts(base, other)
    k = pv.parse_k("1/3")
    alternatives = [(label, alt) for label, alt in weight_alternatives() if alt != weights]
    found = poverty_child_mpi_many(store, scope, area_code, year,
                                   tuple((k, alt) for _, alt in alternatives))
    for (label, _alt), other in zip(alternatives, found, strict=True):
        rows.append({"alternative": label, "kind": "weights",
                     "spearman": md.spearman(base, other), "units": int(len(other))})
        movers[label] = md.rank_shifts(base, other)
    return Robustness(pd.DataFrame(rows), movers)


def district_spread(store: Store, scope: AccessScope, province: str, year: int,
                    k: float = float(pv.DEFAULT_K), weights: Weights = None) -> pd.DataFrame:
    """The spread of a province's districts (NITI Aayog's within-state view): one row for the
    MPI (lower is better; the poverty page's districts at ``k``) and one for the SDG index
    (higher is better) with n, missing, min, max, range, worst and best (district codes).

    A measure without data in ``year`` (no survey, no SDG values) is left out.
    """
    if not (len(province) == 2 and province.isdigit() and scope.can_see_province(province)):
        return spread_of(None, None)
    kids = poverty_drilldown(store, scope, province, year, k, weights).children
    return spread_of(kids, sdg_index_by_area(store, scope, "district", year, province))


def spread_of(districts: pd.DataFrame | None, index: pd.DataFrame | None) -> pd.DataFrame:
    """``district_spread``'s rows from its two inputs: the province's districts at ``k``
    (``poverty_drilldown(...).children``) and their SDG index (``sdg_index_by_area`` rows), so
    that a page can pass the results it already holds (None: that measure left out)."""
    rows = []
    if districts is not None and len(districts) and districts.population.sum() > 0:
        mpi = pd.Series(districts.mpi.to_numpy(float), index=districts.code.astype(str))
        rows.append({"measure": "mpi", **md.spread(mpi, higher_is_better=False)})
    if index is not None and len(index):
        values = pd.Series(index["index"].to_numpy(float), index=index.area_code.astype(str))
        rows.append({"measure": "sdg_index", **md.spread(values, higher_is_better=True)})
    return pd.DataFrame(rows, columns=["measure", "n", "missing", "min", "max", "range",
                                       "worst", "best"])
