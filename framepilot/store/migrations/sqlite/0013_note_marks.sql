-- The creator's marks on director notes (issue 23): a note marked done or ignored stays so on the
-- Review page, and the finish render and the next analysis can read which notes are still open.
-- A note is named by its mode and a key made from its topic and times (services/note_marks.py),
-- so the same note from a later analysis keeps its mark.
CREATE TABLE note_marks (
    video_id    TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    mode        TEXT NOT NULL,
    note_key    TEXT NOT NULL,
    mark        TEXT NOT NULL CHECK (mark IN ('done', 'ignored')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (video_id, mode, note_key)
);

-- The creator's own cuts (made from the transcript or the timeline), by frames only: the words
-- they remove are read from the (encrypted) transcript, never stored here.
CREATE TABLE edit_user_cuts (
    video_id    TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    cut_id      TEXT NOT NULL,
    start_frame INTEGER NOT NULL,
    end_frame   INTEGER NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (video_id, cut_id)
);

-- Each change to the edit, newest last, so it can be undone: JSON of cut ids, frames and
-- on/off states (no transcript text).
CREATE TABLE edit_steps (
    video_id    TEXT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    step_json   TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (video_id, seq)
);
