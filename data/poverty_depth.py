"""MPI depth queries: H, A, M0 at several cut-offs, rank robustness across cut-offs and weights,
and the spread within an area, all from the pre-computed poverty aggregates.

Every figure goes through :func:`data.poverty.poverty_drilldowns`, the poverty page's step
(:func:`data.poverty.poverty_drilldown`) at several cut-offs or weightings from one read of the
aggregates: the same aggregates, the same access scope, the same measures.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from data import poverty as P
from data.poverty import poverty_child_mpi_many, poverty_drilldown, poverty_drilldowns
from data.protect import threshold
from data.scope import AccessScope
from data.sdg import sdg_index_by_area
from data.store import Store
from domain import catalogue
from domain import mpi_depth as md
from domain import poverty as pv
from domain.disclosure import small

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


# -- every province at once -------------------------------------------------------------------
class ProvinceDepths(NamedTuple):
    """:func:`mpi_depth`'s ``levels`` and ``children`` of every province (``code``: the
    province of a ``levels`` row, ``parent``: of a ``children`` row)."""

    levels: pd.DataFrame
    children: pd.DataFrame


def mpi_depth_by_province(store: Store, scope: AccessScope,
                          year: int) -> ProvinceDepths | None:
    """:func:`mpi_depth` (default weights) of every province of one year from one read of the
    district roll-up: a page cuts a province's out (:func:`depth_of`) instead of reading and
    working its districts for every newly picked province.

    Each province's figures are worked as its own step works them: its districts' totals from
    the same roll-up rows summed in the same order, its own totals their sum, M0 withheld among
    its districts and its own measures withheld on its own (``data.poverty``'s protection on
    the columns these figures come from, as ``poverty_child_mpi_many`` does). The area's full
    totals (``Depth.totals``) are not carried: the page does not show them. None on
    PostgreSQL (its roll-up read sums in the engine, in an order of its own): asked per area.
    """
    if store.dialect != "duckdb" or scope.is_empty:
        return None
    where, params = scope.sql_filter("r.province_code")
    rows = store.arrays(
        "SELECT r.unit_code AS code, r.score_units, r.target_poor, r.households, r.people "
        f"FROM poverty_rollup r WHERE r.survey_year = ? AND {where} "
        "AND r.unit_level = 'district'", [year, *params])
    cases = [(label, k_text, _base_rollup_totals(rows, float(pv.parse_k(k_text))))
             for label, k_text in md.DEPTH_KS]
    codes = cases[0][2].codes.astype(str).astype(object)
    if not len(codes):
        return ProvinceDepths(pd.DataFrame(), pd.DataFrame())
    parents = np.array([c[:2] for c in codes], dtype=object)
    firsts = np.flatnonzero(np.r_[True, parents[1:] != parents[:-1]])
    bounds = list(zip(firsts, [*firsts[1:], len(codes)], strict=True))
    registry = P.area_name_map(store)
    names = [registry.get(c, (None, None)) for c in codes]
    kids: dict[str, Any] = {"parent": parents, "code": codes,
                            "name_th": np.array([n[0] for n in names], dtype=object),
                            "name_en": np.array([n[1] for n in names], dtype=object)}
    own: dict[str, list[np.ndarray]] = {}
    for label, _, totals in cases:
        kids[label], measures = _province_measures(scope, codes, parents[firsts], bounds,
                                                   totals)
        for name, values in measures.items():
            own.setdefault(name, []).append(values)
    # Province by province, its three cut-offs in order; built whole (one block of each
    # kind), as the frame of one province's rows is.
    n = len(cases)
    levels = pd.DataFrame({
        "code": np.repeat(parents[firsts], n),
        "cut": np.tile(np.array([label for label, _, _ in cases], dtype=object), len(firsts)),
        "k": np.tile(np.array([k for _, k, _ in cases], dtype=object), len(firsts)),
        **{name: np.column_stack(values).ravel() for name, values in own.items()}})
    return ProvinceDepths(levels, P.frame_from_arrays(kids))


def _base_rollup_totals(rows: dict[str, Any], k: float) -> Any:
    """``data.poverty.rollup_totals`` of the roll-up rows, its first columns only (households,
    population, the target poor, the poor and their scores: all M0 and its protection read),
    each the same sum of the same rows in the same order."""
    units = np.asarray(rows["score_units"], dtype=float)
    people = np.asarray(rows["people"], dtype=float)
    poor = (units > 0) & (units >= P._poor_units(k))
    base = P._base_totals(np.asarray(rows["households"], dtype=float), people,
                          np.asarray(rows["target_poor"], dtype=bool), poor,
                          people * units / P.SCORE_SCALE)
    return P._group_totals(rows["code"], base)


def _province_measures(scope: AccessScope, codes: np.ndarray, provinces: np.ndarray,
                       bounds: list[tuple[int, int]], totals: Any
                       ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The districts' M0 (withheld among each province's districts) and each province's own
    h, a, M0, poor and population (withheld on its own) at one cut-off."""
    # Each province's totals: its districts' rows summed as poverty._drilldown sums them.
    sums = np.vstack([totals.matrix[a:b].sum(axis=0) for a, b in bounds])
    kid_cols = P._total_columns(totals)
    own_cols = P._total_columns(P.Totals(provinces, sums))
    mpi = pv.headline_arrays(kid_cols["population"], kid_cols["poor"],
                             kid_cols["score_poor"])["mpi"]
    flagged = _small_counts(kid_cols["households"]) | _small_counts(kid_cols["poor_households"])
    for a, b in bounds:
        if flagged[a:b].any():  # nothing small among them: nothing withheld (no complement)
            shown = P._protect({"households": kid_cols["households"][a:b],
                                "poor_households": kid_cols["poor_households"][a:b],
                                "mpi": mpi[a:b]}, scope, codes[a:b], siblings=True)
            mpi[a:b] = shown["mpi"]
    head = pv.headline_arrays(own_cols["population"], own_cols["poor"], own_cols["score_poor"])
    # Each province's own figures alone (no siblings): one call for all of them.
    own = P._protect({"households": own_cols["households"],
                      "population": own_cols["population"],
                      "poor_households": own_cols["poor_households"],
                      "poor": own_cols["poor"], "score_poor": own_cols["score_poor"], **head},
                     scope, provinces, siblings=False)
    return mpi, {c: np.asarray(own[c], dtype=float) for c in ("h", "a", "mpi", "poor",
                                                               "population")}


def _small_counts(counts: np.ndarray) -> np.ndarray:
    """Counts small enough to be withheld (``domain.disclosure.small`` at the threshold):
    a province none of whose districts has one has nothing withheld, complements included."""
    return small(counts, threshold())


def depth_of(depths: ProvinceDepths | None, province: str) -> Depth | None:
    """One province's :func:`mpi_depth` cut from :func:`mpi_depth_by_province` (its
    ``levels`` and ``children``; ``totals`` left empty); None where it has no districts there
    (the page asks for the province as is)."""
    if depths is None or depths.levels.empty:
        return None
    at = depths.levels.code.to_numpy(dtype=object) == province
    if not at.any():
        return None
    levels = depths.levels[at].drop(columns="code").reset_index(drop=True)
    mine = depths.children.parent.to_numpy(dtype=object) == province
    children = depths.children[mine][["code", "name_th", "name_en",
                                      *(label for label, _ in md.DEPTH_KS)]]
    return Depth(levels, children.reset_index(drop=True), {})
