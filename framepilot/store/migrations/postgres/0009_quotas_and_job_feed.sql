-- Live job streams are pushed, not polled: every change to a job's progress or state (and
-- its deletion) notifies `framepilot_jobs` with the job id, which the API's job feed LISTENs to.
CREATE OR REPLACE FUNCTION framepilot_job_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('framepilot_jobs', COALESCE(NEW.id, OLD.id));
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_changed_notify
    AFTER UPDATE OF status, stage, progress, error, cancel_requested ON jobs
    FOR EACH ROW EXECUTE FUNCTION framepilot_job_changed();

CREATE TRIGGER jobs_deleted_notify
    AFTER DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION framepilot_job_changed();

-- Per-user quotas an admin sets (`framepilot users quota`). A NULL column means the server's
-- default (FRAMEPILOT_QUOTA_* / FRAMEPILOT_API_RATE_LIMIT); no row means every default.
-- Only system work reads or writes them (row-level security in policies.sql): a user must
-- not raise their own.
CREATE TABLE user_quotas (
    user_id             BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    requests_per_minute INTEGER,
    stored_mb           INTEGER,
    videos              INTEGER,
    queued_jobs         INTEGER,
    tokens              INTEGER,
    updated_at          TEXT NOT NULL
);
