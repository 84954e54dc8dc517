"""A new measure created during an import: one catalogue row committed as its own batch.

Going through the indicator-catalogue import gives it the same checks, lineage and undo as a
catalogue file (undo is refused while later batches hold values of it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from data.importer.commit import CommitResult, commit_import
from data.importer.errors import ImportFailure, reason_text
from data.importer.pipeline import preview_import
from data.importer.specs import SPECS
from data.scope import AccessScope
from data.store import Store


@dataclass(frozen=True)
class NewMeasure:
    """``goal`` None: not an SDG indicator (browsable and mappable, never in SDG scores)."""

    code: str
    name_th: str
    name_en: str
    unit: str
    direction: str  # "higher" or "lower"
    source: str
    goal: int | None = None
    lower_bound: float | None = None
    upper_bound: float | None = None
    target_2030: float | None = None
    levels: str = "province"
    decimals: int = 1


def measure_csv(m: NewMeasure) -> bytes:
    """The measure as a one-row catalogue file with the catalogue's English headers."""
    spec = SPECS["indicator_catalogue"]
    values = {"indicator_code": m.code, "goal": m.goal, "name_th": m.name_th,
              "name_en": m.name_en, "unit": m.unit, "direction": m.direction,
              "lower_bound": m.lower_bound, "upper_bound": m.upper_bound,
              "target_2030": m.target_2030, "source": m.source, "levels": m.levels,
              "decimals": m.decimals, "in_index": m.goal is not None}
    row = {spec.field(k).en: ("" if v is None else v) for k, v in values.items()}
    buf = io.StringIO()
    pd.DataFrame([row]).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def create_measure(store: Store, scope: AccessScope, m: NewMeasure) -> CommitResult:
    """Add ``m`` to the catalogue as one batch; refuses an existing code or a bad value."""
    if store.scalar("SELECT COUNT(*) FROM sdg_indicators WHERE indicator_code = ?",
                    [m.code.strip()]):
        raise ImportFailure("indicator_exists", indicator=m.code.strip())
    preview = preview_import(store, scope, measure_csv(m), f"new-measure-{m.code.strip()}.csv",
                             "indicator_catalogue", "reject")
    if len(preview.rejected):
        r = preview.rejected.iloc[0]
        raise ImportFailure("bad_indicator", detail=reason_text(r["reason"], r["detail"]))
    return commit_import(store, scope, preview, source="created during an import")
