-- Follow-up of problems to closure: the day an assistance case entered its current status, the
-- service level (days) allowed per stage and agency (agency '' = any agency), how often each
-- dataset is expected from every province, the provinces each import batch reported, and
-- small settings of the follow-up features (a demo store's "today"). The tables hold what
-- people changed; the defaults live in the code (domain/service_levels.py, data/freshness.py),
-- so a new store's tables are empty and `python -m data copy` can fill them.
ALTER TABLE assistance_cases ADD COLUMN status_since DATE;

CREATE TABLE service_levels (
    item_kind VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    agency VARCHAR NOT NULL DEFAULT '',
    days INTEGER NOT NULL,
    updated_by VARCHAR NOT NULL DEFAULT 'default',
    updated_at TIMESTAMP,
    PRIMARY KEY (item_kind, stage, agency)
);

CREATE TABLE dataset_freshness (
    dataset VARCHAR PRIMARY KEY,
    frequency_days INTEGER NOT NULL,
    grace_days INTEGER NOT NULL DEFAULT 0,
    updated_by VARCHAR NOT NULL DEFAULT 'default',
    updated_at TIMESTAMP
);

CREATE TABLE import_provinces (
    batch_id INTEGER NOT NULL,
    dataset VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    rows_count INTEGER NOT NULL,
    reported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (batch_id, dataset, province_code)
);

CREATE TABLE action_settings (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
