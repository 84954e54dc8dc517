-- Early warning: rules defined by stewards and executives, the alerts they raise (one open
-- alert per rule and subject until the condition clears), each user's acknowledgement with a
-- note, every evaluation run and every digest or webhook delivery.
CREATE TABLE alert_rules (
    rule_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    params VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL DEFAULT '',
    severity VARCHAR NOT NULL DEFAULT 'warning',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);

CREATE TABLE alerts (
    alert_id BIGINT PRIMARY KEY,
    rule_id INTEGER NOT NULL,
    subject VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    value DOUBLE PRECISION,
    reference DOUBLE PRECISION,
    detail VARCHAR,
    raised_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX alerts_rule_subject ON alerts (rule_id, subject);
CREATE INDEX alerts_province ON alerts (province_code, raised_at);

CREATE TABLE alert_acks (
    alert_id BIGINT NOT NULL,
    username VARCHAR NOT NULL,
    acked_at TIMESTAMP NOT NULL,
    note VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (alert_id, username)
);

CREATE TABLE alert_runs (
    run_id INTEGER PRIMARY KEY,
    trigger_name VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    seconds DOUBLE PRECISION NOT NULL,
    rules INTEGER NOT NULL,
    raised INTEGER NOT NULL,
    resolved INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    errors VARCHAR
);

CREATE TABLE alert_deliveries (
    delivery_id INTEGER PRIMARY KEY,
    channel VARCHAR NOT NULL,
    recipient VARCHAR NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    alerts INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    error VARCHAR
);
