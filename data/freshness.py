"""Data freshness by province: when each province last reported each dataset, how often it is
expected to, and which provinces are late."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from data.scope import AccessScope
from data.store import Store
from domain.areas import REGIONS_NESDC
from domain.freshness import codebook_frequency_days, freshness_status

PROVINCES = sorted(p for r in REGIONS_NESDC for p in r.provinces)

# The newest date each province's own rows carry, per dataset: the end of a survey or
# indicator year, a progress report, a registration, mediation or outcome, an activity start.
_LAST_DATES = {
    "sdg_values": "SELECT substr(area_code, 1, 2) AS province_code, MAX(year) AS y "
                  "FROM sdg_values GROUP BY 1",
    "households": "SELECT province_code, MAX(survey_year) AS y FROM household_rollup "
                  "GROUP BY 1",
    "plan_projects": "SELECT province_code, MAX(last_update) AS d FROM plan_projects GROUP BY 1",
    "debt_cases": "SELECT province_code, MAX(d) AS d FROM ("
                  "SELECT province_code, MAX(registered_on) AS d FROM debt_cases GROUP BY 1 "
                  "UNION ALL SELECT province_code, MAX(mediation_on) FROM debt_cases GROUP BY 1 "
                  "UNION ALL SELECT province_code, MAX(outcome_on) FROM debt_cases GROUP BY 1"
                  ") t GROUP BY 1",
    "partner_activities": "SELECT province_code, MAX(started_on) AS d FROM partner_activities "
                          "GROUP BY 1",
}
DATASETS = tuple(_LAST_DATES)
# Expected frequency and grace days of each dataset until a steward sets others: annual
# indicators and surveys (published within half a year), monthly project progress reports,
# the debt centres' weekly figures, partners' quarterly activity reports.
DEFAULT_FRESHNESS = {"sdg_values": (365, 180), "households": (365, 180),
                     "plan_projects": (31, 14), "debt_cases": (7, 7),
                     "partner_activities": (92, 30)}
# Import kinds that write each dataset (their batches are province reports too).
IMPORT_KINDS = {"indicators": "sdg_values", "households": "households",
                "plan_projects": "plan_projects", "debt_cases": "debt_cases",
                "activities": "partner_activities"}
_PROVINCE_SQL = {"sdg_values": "substr(area_code, 1, 2)"}


def load_dataset_settings(store: Store, scope: AccessScope | None = None) -> pd.DataFrame:
    """Expected frequency and grace days per dataset; the indicators' frequency comes from
    the indicator codebook when one holds regular frequencies (``source`` says which)."""
    del scope  # settings, not data
    stored = store.query("SELECT dataset, frequency_days, grace_days, updated_by, updated_at "
                         "FROM dataset_freshness")
    defaults = pd.DataFrame([{"dataset": d, "frequency_days": f, "grace_days": g,
                              "updated_by": "default", "updated_at": None}
                             for d, (f, g) in DEFAULT_FRESHNESS.items()
                             if d not in set(stored.dataset)])
    frames = [f for f in (stored, defaults) if len(f)]
    df = pd.concat(frames, ignore_index=True).sort_values("dataset").reset_index(drop=True)
    df["source"] = "settings"
    codebook = _codebook_days(store)
    if codebook is not None:
        df.loc[df.dataset == "sdg_values", ["frequency_days", "source"]] = [codebook,
                                                                            "codebook"]
    return df


def _codebook_days(store: Store) -> int | None:
    for table in ("sdg_codebook", "indicator_codebook"):
        if store.table_exists(table):
            cols = set(store.query(f"SELECT * FROM {table} LIMIT 0").columns)
            if "update_frequency" in cols:
                freq = store.query(f"SELECT update_frequency FROM {table}")
                return codebook_frequency_days(freq.update_frequency)
    return None


def save_dataset_setting(store: Store, scope: AccessScope, dataset: str, frequency_days: int,
                         grace_days: int) -> None:
    if not scope.has_role("steward", "admin"):
        raise PermissionError("dataset settings belong to data stewards")
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}")
    if not (1 <= int(frequency_days) <= 3650 and 0 <= int(grace_days) <= 3650):
        raise ValueError("frequency 1-3650 days, grace 0-3650 days")
    with store.transaction():
        store.execute("DELETE FROM dataset_freshness WHERE dataset = ?", [dataset])
        store.execute("INSERT INTO dataset_freshness (dataset, frequency_days, grace_days, "
                      "updated_by, updated_at) VALUES (?, ?, ?, ?, ?)",
                      [dataset, int(frequency_days), int(grace_days), scope.user,
                       dt.datetime.now()])


def _last_reports(store: Store, dataset: str) -> pd.Series:
    """The last report date of every province that ever reported ``dataset``."""
    df = store.query(_LAST_DATES[dataset])
    if "y" in df:
        dates = [None if pd.isna(y) else dt.date(int(y), 12, 31) for y in df.y]
    else:
        dates = [None if pd.isna(d) else pd.Timestamp(d).date() for d in df.d]
    data = pd.Series(dates, index=df.province_code.astype(str), dtype=object)
    imports = store.query("SELECT province_code, MAX(reported_at) AS d FROM import_provinces "
                          "WHERE dataset = ? GROUP BY 1", [dataset])
    for code, when in zip(imports.province_code, imports.d, strict=True):
        day = pd.Timestamp(when).date()
        if code not in data.index or data[code] is None or day > data[code]:
            data[code] = day
    return data


def settings_token(store: Store) -> tuple[tuple[str, int, int], ...]:
    """The frequencies in force as a plain value (the app passes it to ``load_freshness``, so
    that a steward's change is part of the cache key)."""
    df = load_dataset_settings(store)
    return tuple((d, int(f), int(g)) for d, f, g in zip(df.dataset, df.frequency_days,
                                                         df.grace_days, strict=True))


def load_freshness(store: Store, scope: AccessScope, as_of: dt.date | None = None,
                   datasets: tuple[str, ...] = DATASETS,
                   settings: tuple[tuple[str, int, int], ...] | None = None) -> pd.DataFrame:
    """For each dataset and province the user may see: last report, expected frequency,
    days since, the date it was due and ``status`` (on_time, late, never)."""
    from data.tracking import load_as_of

    as_of = as_of or load_as_of(store)
    settings = pd.DataFrame(list(settings or settings_token(store)),
                            columns=["dataset", "frequency_days", "grace_days"]).set_index(
                                "dataset")
    provinces = [p for p in PROVINCES if scope.can_see_province(p)]
    frames = []
    for dataset in datasets:
        last = _last_reports(store, dataset).reindex(provinces)
        freq = int(settings.frequency_days.get(dataset, 365))
        grace = int(settings.grace_days.get(dataset, 0))
        status = freshness_status(last, as_of, freq, grace)
        frames.append(pd.DataFrame({
            "dataset": dataset, "province_code": provinces, "last_report": last.to_numpy(),
            "frequency_days": freq, "grace_days": grace,
            "days_since": status.days_since.to_numpy(), "due_on": status.due_on.to_numpy(),
            "status": status.status.to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def record_import_provinces(store: Store, batch_id: int) -> int:
    """Note which provinces a committed batch reported (a separate step after the commit):
    a batch is a report of every province it holds rows of. Returns the provinces noted."""
    row = store.rows("SELECT kind, imported_at FROM import_batches WHERE batch_id = ? "
                     "AND status = 'committed'", [int(batch_id)])
    if not row or row[0][0] not in IMPORT_KINDS:
        return 0
    kind, when = row[0]
    dataset = IMPORT_KINDS[kind]
    province = _PROVINCE_SQL.get(dataset, "province_code")
    counts = store.rows(f"SELECT {province}, COUNT(*) FROM {dataset} WHERE batch_id = ? "
                        "GROUP BY 1", [int(batch_id)])
    rows: list[list[Any]] = [[int(batch_id), dataset, str(p), int(n), when]
                             for p, n in counts if p]
    with store.transaction():
        store.execute("DELETE FROM import_provinces WHERE batch_id = ?", [int(batch_id)])
        if rows:
            store.executemany("INSERT INTO import_provinces (batch_id, dataset, province_code, "
                              "rows_count, reported_at) VALUES (?, ?, ?, ?, ?)", rows)
    return len(rows)
