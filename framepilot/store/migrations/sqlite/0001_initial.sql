-- FramePilot's system of record. Encrypted columns end in _enc.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE videos (
    id            TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    filename_enc  TEXT NOT NULL,
    stored_path   TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    duration_s    REAL,
    fps           REAL,
    width         INTEGER,
    height        INTEGER,
    has_audio     INTEGER,
    probe_json    TEXT,
    status        TEXT NOT NULL DEFAULT 'uploaded',
    error         TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (user_id, sha256)
);
CREATE INDEX idx_videos_user ON videos(user_id, created_at);

CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    video_id         TEXT REFERENCES videos(id) ON DELETE CASCADE,
    type             TEXT NOT NULL CHECK (type IN ('video_analysis', 'director_notes', 'tts')),
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
CREATE INDEX idx_jobs_user ON jobs(user_id, created_at);
CREATE INDEX idx_jobs_status ON jobs(status);

-- Which stages of a video's analysis are stored (the basis for resuming).
CREATE TABLE analysis_stages (
    video_id     TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,
    duration_s   REAL NOT NULL,
    completed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (video_id, stage)
);

CREATE TABLE transcripts (
    video_id             TEXT PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
    provider             TEXT NOT NULL,
    model                TEXT NOT NULL,
    language             TEXT,
    language_probability REAL,
    text_enc             TEXT NOT NULL,
    no_speech            INTEGER NOT NULL DEFAULT 0,
    no_speech_reason     TEXT,
    created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE transcript_segments (
    video_id  TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    start_s   REAL NOT NULL,
    end_s     REAL NOT NULL,
    text_enc  TEXT NOT NULL,
    PRIMARY KEY (video_id, idx)
);

CREATE TABLE transcript_words (
    video_id     TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    segment_idx  INTEGER NOT NULL,
    idx          INTEGER NOT NULL,
    start_s      REAL NOT NULL,
    end_s        REAL NOT NULL,
    word_enc     TEXT NOT NULL,
    probability  REAL,
    PRIMARY KEY (video_id, segment_idx, idx)
);

CREATE TABLE shots (
    video_id       TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    idx            INTEGER NOT NULL,
    start_s        REAL NOT NULL,
    end_s          REAL NOT NULL,
    start_frame    INTEGER NOT NULL,
    end_frame      INTEGER NOT NULL,
    scale          TEXT,
    movement       TEXT,
    keyframe_path  TEXT,
    analysis_json  TEXT NOT NULL,
    PRIMARY KEY (video_id, idx)
);

CREATE TABLE director_notes (
    id              INTEGER PRIMARY KEY,
    video_id        TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    mode            TEXT NOT NULL CHECK (mode IN ('scene_director', 'script_rewrite', 'full_rewrite')),
    provider        TEXT NOT NULL,
    model           TEXT NOT NULL,
    prompt_version  TEXT NOT NULL,
    result_enc      TEXT NOT NULL,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_notes_video ON director_notes(video_id, mode, created_at);

CREATE TABLE voiceovers (
    id            INTEGER PRIMARY KEY,
    video_id      TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    mode          TEXT NOT NULL,
    provider      TEXT NOT NULL,
    voice         TEXT NOT NULL,
    audio_path    TEXT NOT NULL,
    preview_path  TEXT,
    characters    INTEGER NOT NULL,
    duration_s    REAL NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE llm_calls (
    id              INTEGER PRIMARY KEY,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    user_id         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    video_id        TEXT,
    job_id          TEXT,
    provider        TEXT NOT NULL,
    model           TEXT NOT NULL,
    operation       TEXT NOT NULL,
    prompt_version  TEXT,
    input_tokens    INTEGER NOT NULL DEFAULT 0,
    output_tokens   INTEGER NOT NULL DEFAULT 0,
    cached_tokens   INTEGER NOT NULL DEFAULT 0,
    image_tokens    INTEGER NOT NULL DEFAULT 0,
    audio_seconds   REAL NOT NULL DEFAULT 0,
    characters      INTEGER NOT NULL DEFAULT 0,
    compute_seconds REAL NOT NULL DEFAULT 0,
    cost_usd        REAL,
    unit_prices     TEXT,
    price_date      TEXT,
    latency_ms      REAL NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'ok',
    error           TEXT,
    retries         INTEGER NOT NULL DEFAULT 0,
    cache_hit       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_llm_calls_user ON llm_calls(user_id, created_at);
CREATE INDEX idx_llm_calls_video ON llm_calls(video_id);

-- Served responses for identical AI requests (the openai cache).
CREATE TABLE llm_cache (
    key         TEXT PRIMARY KEY,
    response    TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
