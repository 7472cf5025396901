-- Sign-in hardening: disabled accounts, server-side sessions (only token hashes stored),
-- one-time codes that turn a sign-in into a session cookie, identity-provider subjects,
-- and the sign-in rate-limit counters shared by every process.
ALTER TABLE users ADD COLUMN disabled_at TEXT;

CREATE TABLE auth_sessions (
    id            TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    revoked_at    TEXT
);
CREATE INDEX idx_auth_sessions_user ON auth_sessions(user_id);

CREATE TABLE sign_in_codes (
    code_hash     TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at    TEXT NOT NULL
);

CREATE TABLE user_identities (
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX idx_user_identities_user ON user_identities(user_id);

CREATE TABLE rate_limits (
    key           TEXT PRIMARY KEY,
    hits          INTEGER NOT NULL,
    expires_at    DOUBLE PRECISION NOT NULL
);
CREATE INDEX idx_rate_limits_expiry ON rate_limits(expires_at);
