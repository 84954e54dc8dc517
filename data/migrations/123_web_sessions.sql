-- Signed-in browser sessions, so that a reload or a second tab within the idle time keeps the
-- user signed in. Only a hash of the browser's token is kept; a session ends when it is
-- revoked (sign-out, disabled account) or idle longer than WARROOM_IDLE_MINUTES.
CREATE TABLE web_sessions (
    token_hash VARCHAR PRIMARY KEY,
    username VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    agent_hash VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
