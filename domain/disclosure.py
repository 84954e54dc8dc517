"""Small-number protection: which counts are withheld so that no household can be singled out.

The rule (the debt page's, now for every household-derived figure): a count of 1 to
``threshold - 1`` is withheld; zero is shown. Where a total is shown beside its parts, a single
withheld part could be recovered by subtraction, so one more part of the same total is withheld
too (the smallest one shown): complementary suppression, repeated until no total has exactly one
withheld part. A figure computed from a withheld count (a rate, an intensity, a contribution)
is withheld with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

DEFAULT_THRESHOLD = 5


def small(values: np.ndarray, threshold: int) -> np.ndarray:
    """Cells holding a count from 1 to ``threshold - 1`` (NaN is not small: already hidden)."""
    arr = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return (arr > 0) & (arr < threshold)


def _complete_line(values: np.ndarray, hidden: np.ndarray, free: np.ndarray) -> bool:
    """One total's parts: if exactly one is hidden, hide the smallest shown positive part that
    may still be hidden (``free``). Returns whether anything changed."""
    if int(hidden.sum()) != 1:
        return False
    candidates = np.flatnonzero(~hidden & free & (np.nan_to_num(values) > 0))
    if not len(candidates):
        return False
    pick = candidates[np.argmin(values[candidates])]
    hidden[pick] = True
    return True


def withheld_cells(table: np.ndarray, threshold: int = DEFAULT_THRESHOLD, *,
                   row_totals: bool = False, column_totals: bool = True,
                   exempt_rows: np.ndarray | None = None) -> np.ndarray:
    """Mask of the cells of ``table`` (areas x counts, or a two-way count table) to withhold.

    ``column_totals``: each column's sum is shown (a parent area beside its children);
    ``row_totals``: each row's sum is shown (a stacked bar's length). ``exempt_rows`` are rows
    the viewer may see in full (their own household records): never withheld, and never
    picked as a complement, because the viewer sees them anyway.
    """
    values = np.asarray(table, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    exempt = np.zeros(values.shape[0], dtype=bool) if exempt_rows is None \
        else np.asarray(exempt_rows, dtype=bool)
    free = np.broadcast_to(~exempt[:, None], values.shape)
    hidden = small(values, threshold) & free
    changed = True
    while changed:
        changed = False
        if column_totals:
            # Only a column with exactly one withheld cell needs a complement (the others
            # are left as they are by _complete_line): those are found for all at once.
            for j in np.flatnonzero(hidden.sum(axis=0) == 1):
                col = hidden[:, j].copy()
                if _complete_line(values[:, j], col, free[:, j]):
                    hidden[:, j] = col
                    changed = True
        if row_totals:
            for i in range(values.shape[0]):
                row = hidden[i, :].copy()
                if _complete_line(values[i, :], row, free[i, :]):
                    hidden[i, :] = row
                    changed = True
    return hidden


def withhold(columns: dict[str, np.ndarray], groups: Sequence[tuple[str, Iterable[str]]],
             threshold: int = DEFAULT_THRESHOLD, *, sibling_totals: bool = True,
             exempt_rows: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """``columns`` (equal-length arrays, one element per area or year) with withheld figures
    set to NaN, and the mask of rows where anything was withheld.

    ``groups``: (driving count, the columns computed from it). A driving count that is small
    withholds its whole group in that row; with ``sibling_totals`` (children of one shown
    parent) each driving count also gets its complement. Groups run in order and a withheld
    row of an earlier group (the households themselves) withholds every later group's too.
    """
    members = _members(groups)
    out = {name: np.asarray(values, dtype=float).copy() if name in members
           else values for name, values in columns.items()}
    rows = len(next(iter(columns.values()))) if columns else 0
    any_hidden = np.zeros(rows, dtype=bool)
    whole = np.zeros(rows, dtype=bool)
    # Each driving count is its own total's parts (a column of its own, no row totals), so
    # all of them go through withheld_cells at once: the same cells as one call each.
    drivers = list(dict.fromkeys(d for d, _ in groups if d in columns))
    masks = withheld_cells(np.column_stack([np.asarray(columns[d], dtype=float)
                                            for d in drivers]) if drivers and rows
                           else np.zeros((rows, len(drivers))), threshold,
                           column_totals=sibling_totals, exempt_rows=exempt_rows)
    mask_of = {d: masks[:, i] for i, d in enumerate(drivers)}
    for index, (driver, members) in enumerate(groups):
        if driver not in columns:
            continue
        mask = mask_of[driver].copy()
        if index == 0:
            whole = mask
        mask = mask | whole
        for name in (driver, *members):
            if name in out:
                out[name][mask] = np.nan
        any_hidden |= mask
    return out, any_hidden


def _members(groups: Sequence[tuple[str, Iterable[str]]]) -> set[str]:
    return {name for driver, members in groups for name in (driver, *members)}
