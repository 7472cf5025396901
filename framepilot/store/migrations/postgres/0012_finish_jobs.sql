-- The finish (PostgreSQL flavour of sqlite/0012_finish_jobs.sql): jobs may finish a video.
ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_type_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_type_check
    CHECK (type IN ('video_analysis', 'director_notes', 'tts', 'render_edit', 'finish'));
