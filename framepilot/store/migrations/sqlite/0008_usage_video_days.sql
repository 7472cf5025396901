-- The Costs page at 10 million calls (`repository/llm_usage.py`).
--
-- llm_usage_video_days: sums per user, UTC day and video only (no provider, model or
-- operation), so the page's top videos read one row per video and day; `llm_usage_videos`
-- stays for the pages filtered by provider or model.
CREATE TABLE llm_usage_video_days (
    user_id          INTEGER NOT NULL,
    day              TEXT NOT NULL,
    video_id         TEXT NOT NULL,
    calls            INTEGER NOT NULL DEFAULT 0,
    cost_usd         REAL NOT NULL DEFAULT 0,
    compute_seconds  REAL NOT NULL DEFAULT 0,
    audio_seconds    REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day, video_id)
) WITHOUT ROWID;
CREATE INDEX idx_llm_usage_video_days_day ON llm_usage_video_days(day);

-- fresh_ok_shots: the shots that successful, uncached local calls read (each call reads its
-- video's stored shots once, counted when the call is recorded), for the OpenAI estimate.
ALTER TABLE llm_usage_daily ADD COLUMN fresh_ok_shots INTEGER NOT NULL DEFAULT 0;

-- The CSV export pages through the calls by (created_at, id).
CREATE INDEX idx_llm_calls_created ON llm_calls(created_at, id);

INSERT INTO llm_usage_video_days (user_id, day, video_id, calls, cost_usd, compute_seconds, audio_seconds)
SELECT coalesce(c.user_id, 0), substr(c.created_at, 1, 10), c.video_id,
    count(*), coalesce(sum(c.cost_usd), 0), sum(c.compute_seconds), sum(c.audio_seconds)
FROM llm_calls c WHERE c.video_id IS NOT NULL
GROUP BY 1, 2, 3;

UPDATE llm_usage_daily SET fresh_ok_shots = s.shots
FROM (SELECT coalesce(c.user_id, 0) AS user_id, substr(c.created_at, 1, 10) AS day, c.provider AS provider,
             c.model AS model, c.operation AS operation, coalesce(j.type, '') AS job_type,
             sum((SELECT count(*) FROM shots sh WHERE sh.video_id = c.video_id)) AS shots
      FROM llm_calls c LEFT JOIN jobs j ON j.id = c.job_id
      WHERE c.provider = 'local' AND c.status = 'ok' AND c.cache_hit = 0 AND c.video_id IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5, 6) s
WHERE llm_usage_daily.user_id = s.user_id AND llm_usage_daily.day = s.day AND llm_usage_daily.provider = s.provider
  AND llm_usage_daily.model = s.model AND llm_usage_daily.operation = s.operation
  AND llm_usage_daily.job_type = s.job_type;
