-- The finish (issue 21): a job type that renders a video for a platform and reviews it.
--
-- The jobs table is rebuilt to widen its type CHECK, as 0005 did (SQLite cannot alter a CHECK).
CREATE TABLE jobs_new (
    id               TEXT PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    video_id         TEXT REFERENCES videos(id) ON DELETE CASCADE,
    type             TEXT NOT NULL CHECK (type IN ('video_analysis', 'director_notes', 'tts', 'render_edit', 'finish')),
    status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    stage            TEXT,
    progress         INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    error            TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    params_json      TEXT NOT NULL DEFAULT '{}',
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    worker           TEXT,
    heartbeat_at     TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    started_at       TEXT,
    finished_at      TEXT
);
INSERT INTO jobs_new (id, user_id, video_id, type, status, stage, progress, error, attempts, params_json,
                      cancel_requested, worker, heartbeat_at, created_at, started_at, finished_at)
SELECT id, user_id, video_id, type, status, stage, progress, error, attempts, params_json,
       cancel_requested, worker, heartbeat_at, created_at, started_at, finished_at
FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX idx_jobs_user ON jobs(user_id, created_at);
CREATE INDEX idx_jobs_status ON jobs(status);
