-- Indicator codebook (issue 22.2): one row per SDG indicator with the scoring bounds and why
-- they were chosen (SDSN's codebook fields), the imputation rule, the SDG target served, the
-- data owner and the expected update frequency. Where a row exists, scoring uses its bounds
-- and direction instead of the catalogue's. Every change is kept in the history table.
CREATE TABLE indicator_codebook (
    indicator_code VARCHAR PRIMARY KEY,
    direction INTEGER NOT NULL,
    optimum DOUBLE PRECISION NOT NULL,
    lower_bound DOUBLE PRECISION NOT NULL,
    green_threshold DOUBLE PRECISION,
    red_threshold DOUBLE PRECISION,
    optimum_reason VARCHAR,
    optimum_source VARCHAR,
    lower_reason VARCHAR,
    lower_source VARCHAR,
    threshold_source VARCHAR,
    imputation VARCHAR,
    sdg_target VARCHAR,
    owner_agency VARCHAR,
    update_frequency VARCHAR,
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE indicator_codebook_history (
    change_id BIGINT PRIMARY KEY,
    indicator_code VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    old_value VARCHAR,
    new_value VARCHAR,
    reason VARCHAR NOT NULL,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
