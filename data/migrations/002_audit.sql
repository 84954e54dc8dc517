-- Audit log: who did what, when, in which area. Never personal data values.
CREATE TABLE audit_log (
    event_id BIGINT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    user_name VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    area_code VARCHAR,
    detail VARCHAR
);
