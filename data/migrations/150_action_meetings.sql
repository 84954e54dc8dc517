-- Meetings: a dated snapshot of the figures an executive meeting looked at (per province and
-- for the country, area_code ''), so that any later view can say what moved since.
CREATE TABLE meetings (
    meeting_id INTEGER PRIMARY KEY,
    title VARCHAR NOT NULL,
    held_at TIMESTAMP NOT NULL,
    kind VARCHAR NOT NULL DEFAULT 'manual',
    created_by VARCHAR NOT NULL,
    last_batch_id INTEGER NOT NULL DEFAULT 0,
    last_alert_id BIGINT NOT NULL DEFAULT 0,
    sdg_year INTEGER,
    survey_year INTEGER,
    fiscal_year INTEGER,
    as_of DATE
);

CREATE TABLE meeting_figures (
    meeting_id INTEGER NOT NULL,
    area_code VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    value DOUBLE PRECISION,
    PRIMARY KEY (meeting_id, area_code, metric)
);
