-- Usage rollups for the Costs page (and budgets): sums of `llm_calls` kept up to date by the
-- repository in the same transaction as each call row (`repository/llm_usage.py`), so the page
-- reads thousands of rows instead of millions. Keys use '' (no job, no video) and 0 (no user)
-- instead of NULL, so that ON CONFLICT finds the row on both dialects. Days are UTC days
-- ('YYYY-MM-DD', the first ten characters of created_at). Each table is backfilled here from
-- the calls stored before.

-- Per user, day, provider, model, operation and job type. `fresh_ok_*` count the successful
-- calls not served from the cache (what the OpenAI estimate prices).
CREATE TABLE llm_usage_daily (
    user_id                  BIGINT NOT NULL,
    day                      TEXT NOT NULL,
    provider                 TEXT NOT NULL,
    model                    TEXT NOT NULL,
    operation                TEXT NOT NULL,
    job_type                 TEXT NOT NULL,
    calls                    BIGINT NOT NULL DEFAULT 0,
    error_calls              BIGINT NOT NULL DEFAULT 0,
    cache_hits               BIGINT NOT NULL DEFAULT 0,
    cost_usd                 DOUBLE PRECISION NOT NULL DEFAULT 0,
    unknown_cost_calls       BIGINT NOT NULL DEFAULT 0,
    input_tokens             BIGINT NOT NULL DEFAULT 0,
    output_tokens            BIGINT NOT NULL DEFAULT 0,
    cached_tokens            BIGINT NOT NULL DEFAULT 0,
    image_tokens             BIGINT NOT NULL DEFAULT 0,
    audio_seconds            DOUBLE PRECISION NOT NULL DEFAULT 0,
    characters               BIGINT NOT NULL DEFAULT 0,
    compute_seconds          DOUBLE PRECISION NOT NULL DEFAULT 0,
    latency_ms               DOUBLE PRECISION NOT NULL DEFAULT 0,
    fresh_ok_calls           BIGINT NOT NULL DEFAULT 0,
    fresh_ok_audio_seconds   DOUBLE PRECISION NOT NULL DEFAULT 0,
    fresh_ok_characters      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day, provider, model, operation, job_type)
);
CREATE INDEX idx_llm_usage_daily_day ON llm_usage_daily(day);

-- Per video as well (calls without a video are not here): top videos, compute per video, and
-- the shots the local calls read (for the estimate).
CREATE TABLE llm_usage_videos (
    user_id          BIGINT NOT NULL,
    day              TEXT NOT NULL,
    provider         TEXT NOT NULL,
    model            TEXT NOT NULL,
    operation        TEXT NOT NULL,
    video_id         TEXT NOT NULL,
    calls            BIGINT NOT NULL DEFAULT 0,
    fresh_ok_calls   BIGINT NOT NULL DEFAULT 0,
    cost_usd         DOUBLE PRECISION NOT NULL DEFAULT 0,
    compute_seconds  DOUBLE PRECISION NOT NULL DEFAULT 0,
    audio_seconds    DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day, provider, model, operation, video_id)
);
CREATE INDEX idx_llm_usage_videos_day ON llm_usage_videos(day);

-- A latency histogram per user, day and model: calls per fixed bucket (bounds 1, 1.5, 2, 3, 5,
-- 7 ms per decade, up to 1,000,000 ms; `repository.llm_usage.LATENCY_BOUNDS_MS`). p50/p95 read
-- from it are approximate (interpolated within a bucket).
CREATE TABLE llm_latency_daily (
    user_id   BIGINT NOT NULL,
    day       TEXT NOT NULL,
    provider  TEXT NOT NULL,
    model     TEXT NOT NULL,
    bucket    INTEGER NOT NULL,
    calls     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day, provider, model, bucket)
);

INSERT INTO llm_usage_daily (user_id, day, provider, model, operation, job_type, calls, error_calls, cache_hits,
    cost_usd, unknown_cost_calls, input_tokens, output_tokens, cached_tokens, image_tokens, audio_seconds,
    characters, compute_seconds, latency_ms, fresh_ok_calls, fresh_ok_audio_seconds, fresh_ok_characters)
SELECT coalesce(c.user_id, 0), substr(c.created_at, 1, 10), c.provider, c.model, c.operation, coalesce(j.type, ''),
    count(*), sum(CASE WHEN c.status <> 'ok' THEN 1 ELSE 0 END), sum(CASE WHEN c.cache_hit <> 0 THEN 1 ELSE 0 END),
    coalesce(sum(c.cost_usd), 0), sum(CASE WHEN c.cost_usd IS NULL THEN 1 ELSE 0 END),
    sum(c.input_tokens), sum(c.output_tokens), sum(c.cached_tokens), sum(c.image_tokens), sum(c.audio_seconds),
    sum(c.characters), sum(c.compute_seconds), sum(c.latency_ms),
    sum(CASE WHEN c.status = 'ok' AND c.cache_hit = 0 THEN 1 ELSE 0 END),
    sum(CASE WHEN c.status = 'ok' AND c.cache_hit = 0 THEN c.audio_seconds ELSE 0 END),
    sum(CASE WHEN c.status = 'ok' AND c.cache_hit = 0 THEN c.characters ELSE 0 END)
FROM llm_calls c LEFT JOIN jobs j ON j.id = c.job_id
GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO llm_usage_videos (user_id, day, provider, model, operation, video_id, calls, fresh_ok_calls,
    cost_usd, compute_seconds, audio_seconds)
SELECT coalesce(c.user_id, 0), substr(c.created_at, 1, 10), c.provider, c.model, c.operation, c.video_id,
    count(*), sum(CASE WHEN c.status = 'ok' AND c.cache_hit = 0 THEN 1 ELSE 0 END),
    coalesce(sum(c.cost_usd), 0), sum(c.compute_seconds), sum(c.audio_seconds)
FROM llm_calls c WHERE c.video_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO llm_latency_daily (user_id, day, provider, model, bucket, calls)
SELECT coalesce(c.user_id, 0), substr(c.created_at, 1, 10), c.provider, c.model,
    CASE
        WHEN c.latency_ms < 1 THEN 0 WHEN c.latency_ms < 1.5 THEN 1 WHEN c.latency_ms < 2 THEN 2 WHEN c.latency_ms < 3 THEN 3
        WHEN c.latency_ms < 5 THEN 4 WHEN c.latency_ms < 7 THEN 5 WHEN c.latency_ms < 10 THEN 6 WHEN c.latency_ms < 15 THEN 7
        WHEN c.latency_ms < 20 THEN 8 WHEN c.latency_ms < 30 THEN 9 WHEN c.latency_ms < 50 THEN 10 WHEN c.latency_ms < 70 THEN 11
        WHEN c.latency_ms < 100 THEN 12 WHEN c.latency_ms < 150 THEN 13 WHEN c.latency_ms < 200 THEN 14 WHEN c.latency_ms < 300 THEN 15
        WHEN c.latency_ms < 500 THEN 16 WHEN c.latency_ms < 700 THEN 17 WHEN c.latency_ms < 1000 THEN 18 WHEN c.latency_ms < 1500 THEN 19
        WHEN c.latency_ms < 2000 THEN 20 WHEN c.latency_ms < 3000 THEN 21 WHEN c.latency_ms < 5000 THEN 22 WHEN c.latency_ms < 7000 THEN 23
        WHEN c.latency_ms < 10000 THEN 24 WHEN c.latency_ms < 15000 THEN 25 WHEN c.latency_ms < 20000 THEN 26 WHEN c.latency_ms < 30000 THEN 27
        WHEN c.latency_ms < 50000 THEN 28 WHEN c.latency_ms < 70000 THEN 29 WHEN c.latency_ms < 100000 THEN 30 WHEN c.latency_ms < 150000 THEN 31
        WHEN c.latency_ms < 200000 THEN 32 WHEN c.latency_ms < 300000 THEN 33 WHEN c.latency_ms < 500000 THEN 34 WHEN c.latency_ms < 700000 THEN 35
        WHEN c.latency_ms < 1000000 THEN 36
        ELSE 37 END,
    count(*)
FROM llm_calls c
GROUP BY 1, 2, 3, 4, 5;
