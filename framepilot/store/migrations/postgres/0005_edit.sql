-- The edit (PostgreSQL flavour of sqlite/0005_edit.sql): jobs may render a tightened preview,
-- and each user's on/off choice per suggested cut is kept.
ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_type_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_type_check
    CHECK (type IN ('video_analysis', 'director_notes', 'tts', 'render_edit'));

CREATE TABLE edit_cut_choices (
    video_id    TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    cut_id      TEXT NOT NULL,
    enabled     INTEGER NOT NULL,
    updated_at  TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    PRIMARY KEY (video_id, cut_id)
);
