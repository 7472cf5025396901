-- Hearing (issue 20): the spoken language an upload names (NULL: Whisper detects it), whether
-- a transcript's language was set or detected, and filler words (written by Whisper or heard
-- only in the audio, with the measurement that found them).
ALTER TABLE videos ADD COLUMN language TEXT;
ALTER TABLE transcripts ADD COLUMN language_source TEXT;
ALTER TABLE transcript_words ADD COLUMN filler INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transcript_words ADD COLUMN heard TEXT;
