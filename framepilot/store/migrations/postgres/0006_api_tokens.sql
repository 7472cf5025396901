-- Personal API tokens. Only a SHA-256 of each token is stored (the token is shown once);
-- `hint` is its first characters, so a user can tell tokens apart. Times are UTC ISO-8601
-- text written by the application, so the same SQL runs on SQLite and PostgreSQL.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    hint         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX idx_api_tokens_user ON api_tokens(user_id, created_at);
