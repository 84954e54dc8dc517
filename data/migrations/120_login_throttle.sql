-- Failed sign-ins per account and source address (and per address alone), kept apart from the
-- audit log: the back-off must hold even when audit records cannot be written. ``throttle_key``
-- holds a hash of the name tried, never the name itself (a password typed into the name field
-- stays private).
CREATE TABLE login_throttle (
    throttle_key VARCHAR PRIMARY KEY,
    failures INTEGER NOT NULL,
    first_failed_at TIMESTAMP NOT NULL,
    last_failed_at TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP
);
