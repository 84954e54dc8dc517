"""Small-number protection applied to what the data layer returns (rule: domain/disclosure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from data import config
from data.scope import AccessScope
from domain import disclosure

Groups = Sequence[tuple[str, Iterable[str]]]
# The village rollup's counts: a unit of too few households goes whole, its target poor with it.
ROLLUP_GROUPS: Groups = (
    ("households", ("people", "target_poor_households", "target_poor_people")),
    ("target_poor_households", ("target_poor_people",)))


def threshold() -> int:
    return int(config.get("WARROOM_SMALL_COUNT"))


def protect_columns(columns: dict[str, np.ndarray], scope: AccessScope, codes: Iterable[Any],
                    groups: Groups, *, siblings: bool) -> dict[str, np.ndarray]:
    """``columns`` (one element per area or year) with small counts withheld (NaN) where the
    viewer may not list the area's households, plus a boolean ``withheld`` column.
    ``siblings``: the rows are parts of a total shown beside them (complementary cells)."""
    exempt = np.fromiter((scope.can_list_households(str(c)) for c in codes), dtype=bool)
    out, hidden = disclosure.withhold(columns, groups, threshold(), sibling_totals=siblings,
                                      exempt_rows=exempt)
    return {**(out if hidden.any() else columns), "withheld": hidden}


def protect_frame(frame: pd.DataFrame, scope: AccessScope, groups: Groups = ROLLUP_GROUPS, *,
                  code_column: str = "code", siblings: bool = True) -> pd.DataFrame:
    """:func:`protect_columns` for a frame with one row per area (``code_column``)."""
    if frame.empty:
        return frame.assign(withheld=pd.Series(dtype=bool))
    counted = {c: frame[c].to_numpy() for c in frame.columns
               if c in {n for g, members in groups for n in (g, *members)}}
    protected = protect_columns(counted, scope, frame[code_column], groups, siblings=siblings)
    return frame.assign(**protected)


def protect_figures(figures: dict[str, Any], scope: AccessScope, area_code: str | None,
                    groups: Groups) -> dict[str, Any]:
    """One area's figures (a dict of counts) with small ones set to None and ``withheld``."""
    columns = {k: np.array([v if v is not None else np.nan], dtype=float)
               for k, v in figures.items() if isinstance(v, int | float | None)}
    protected = protect_columns(columns, scope, [area_code or ""], groups, siblings=False)
    out = dict(figures)
    for name, values in protected.items():
        if name == "withheld":
            out["withheld"] = bool(values[0])
        elif name in figures and np.isnan(values[0]) and figures[name] is not None:
            out[name] = None
    return out
