-- Per-user quotas an admin sets (`framepilot users quota`). A NULL column means the server's
-- default (FRAMEPILOT_QUOTA_* / FRAMEPILOT_API_RATE_LIMIT); no row means every default.
CREATE TABLE user_quotas (
    user_id             INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    requests_per_minute INTEGER,
    stored_mb           INTEGER,
    videos              INTEGER,
    queued_jobs         INTEGER,
    tokens              INTEGER,
    updated_at          TEXT NOT NULL
);
