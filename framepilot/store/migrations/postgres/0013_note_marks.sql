-- The creator's marks on director notes (PostgreSQL flavour of sqlite/0013_note_marks.sql).
CREATE TABLE note_marks (
    video_id    TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    mode        TEXT NOT NULL,
    note_key    TEXT NOT NULL,
    mark        TEXT NOT NULL CHECK (mark IN ('done', 'ignored')),
    updated_at  TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    PRIMARY KEY (video_id, mode, note_key)
);

CREATE TABLE edit_user_cuts (
    video_id    TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    cut_id      TEXT NOT NULL,
    start_frame INTEGER NOT NULL,
    end_frame   INTEGER NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    PRIMARY KEY (video_id, cut_id)
);

CREATE TABLE edit_steps (
    video_id    TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    step_json   TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    PRIMARY KEY (video_id, seq)
);
