"""Data freshness: when each province last reported a dataset, and whether it is late."""

from __future__ import annotations

import datetime as dt

import pandas as pd

# The indicator codebook's update frequencies in days (irregular: no expectation).
FREQUENCY_DAYS = {"monthly": 31, "quarterly": 92, "annual": 365, "biennial": 730,
                  "triennial": 1095, "quinquennial": 1826}
STATUSES = ("on_time", "late", "never")


def codebook_frequency_days(frequencies: pd.Series) -> int | None:
    """The dataset's expected frequency from its indicators' codebook entries: the most
    frequent one (a province must report at least as often as its most frequent indicator);
    None when no indicator has a regular frequency."""
    days = [FREQUENCY_DAYS[f] for f in frequencies.dropna() if f in FREQUENCY_DAYS]
    return min(days) if days else None


def freshness_status(last_report: pd.Series, as_of: dt.date, frequency_days: int,
                     grace_days: int = 0) -> pd.DataFrame:
    """Days since each last report, the date the next report was due, and the status.

    A province is late when more than ``frequency_days + grace_days`` days have passed since
    its last report (exactly that many is still on time); ``never`` when it has no report.
    """
    last = pd.to_datetime(last_report)
    now = pd.Timestamp(as_of)
    since = (now - last).dt.days
    due = last + pd.Timedelta(days=int(frequency_days) + int(grace_days))
    late = since > (frequency_days + grace_days)
    status = pd.Series("on_time", index=last.index, dtype=object)
    status[late.fillna(False).astype(bool)] = "late"
    status[last.isna()] = "never"
    return pd.DataFrame({"days_since": since.astype(float), "due_on": due, "status": status},
                        index=last.index)
