-- Row-level security, re-applied by the owner after the numbered migrations on every start
-- (idempotent), so every user table is covered by exactly these policies.
--
-- Two runtime roles, each logging in as itself (never SET ROLE from the owner, so no
-- RESET ROLE leads back to it), each a member of nothing:
-- - the app role acts for one user per transaction. Who that user is comes from
--   `framepilot.acting` = '<user id>:<signature>', signed with a key only the owner can read
--   and bound to the connection's backend, so SQL running as the app cannot name another user;
-- - the system role does the system's work (job bookkeeping, sign-in lookups, the analytics
--   feed) and sees every row. No setting turns the app role into it.
-- The setup transaction names the two roles in `framepilot.setup_app_role` and
-- `framepilot.setup_system_role`.
CREATE OR REPLACE FUNCTION framepilot_acting_user() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
DECLARE
    claim text := current_setting('framepilot.acting', true);
    signing_key bytea;
BEGIN
    IF claim IS NULL OR claim = '' THEN
        RETURN NULL;
    END IF;
    IF claim !~ '^[0-9]{1,18}:[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'framepilot: the acting user is not signed' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT decode(value, 'hex') INTO signing_key FROM framepilot_runtime_secrets WHERE name = 'acting_key';
    IF signing_key IS NULL OR encode(sha256(signing_key || sha256(signing_key || convert_to(
            split_part(claim, ':', 1) || ':' || pg_backend_pid(), 'UTF8'))), 'hex') <> split_part(claim, ':', 2) THEN
        RAISE EXCEPTION 'framepilot: the acting user is not signed' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN split_part(claim, ':', 1)::bigint;
END $$;

DROP FUNCTION IF EXISTS framepilot_is_system() CASCADE;  -- with the old policies that used it
DROP FUNCTION IF EXISTS framepilot_owns_video(text) CASCADE;

DO $$
DECLARE
    app text := current_setting('framepilot.setup_app_role');
    system_role text := current_setting('framepilot.setup_system_role');
    t text;
    rule text;
    mine text := 'user_id = (SELECT framepilot_acting_user())';
    owned text := 'EXISTS (SELECT 1 FROM videos v WHERE v.id = video_id AND v.user_id = (SELECT framepilot_acting_user()))';
BEGIN
    EXECUTE format('REVOKE ALL ON FUNCTION framepilot_acting_user() FROM PUBLIC');
    EXECUTE format('GRANT EXECUTE ON FUNCTION framepilot_acting_user() TO %I', app);
    FOR t, rule IN
        SELECT * FROM (VALUES
            ('users',                'id = (SELECT framepilot_acting_user())'),
            ('videos',               mine),
            ('jobs',                 mine),
            ('llm_calls',            mine),
            ('llm_usage_daily',      mine),
            ('llm_usage_videos',     mine),
            ('llm_latency_daily',    mine),
            ('llm_usage_video_days', mine),
            ('analysis_stages',      owned),
            ('transcripts',          owned),
            ('transcript_segments',  owned),
            ('transcript_words',     owned),
            ('shots',                owned),
            ('director_notes',       owned),
            ('voiceovers',           owned),
            ('llm_cache',            mine),
            ('budget_reservations',  mine),
            ('budget_locks',         NULL),
            ('api_tokens',           mine),
            ('auth_sessions',        mine),
            ('sign_in_codes',        mine),
            ('user_identities',      mine),
            ('rate_limits',          NULL),
            ('edit_cut_choices',     owned),
            ('note_marks',           owned),
            ('edit_user_cuts',       owned),
            ('edit_steps',           owned),
            ('user_quotas',          NULL),
            ('audit_log',            NULL)
        ) AS p(tbl, rule_sql)
        WHERE to_regclass(p.tbl) IS NOT NULL
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        -- the owner migrates and moves data; the app never connects as it
        EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS framepilot_isolation ON %I', t);
        EXECUTE format('DROP POLICY IF EXISTS framepilot_user ON %I', t);
        EXECUTE format('DROP POLICY IF EXISTS framepilot_system ON %I', t);
        EXECUTE format('CREATE POLICY framepilot_system ON %I TO %I USING (true) WITH CHECK (true)', t, system_role);
        EXECUTE format('REVOKE ALL ON %I FROM %I', t, app);
        IF rule IS NULL THEN
            CONTINUE;  -- system only: the app role holds no privilege on it at all
        END IF;
        EXECUTE format('CREATE POLICY framepilot_user ON %I TO %I USING (%s) WITH CHECK (%s)', t, app, rule, rule);
        IF t = 'users' THEN
            -- a user reads their own account row, but never its password hash, and changes
            -- nothing in it: admin, disabled and password go through the system role
            EXECUTE format('GRANT SELECT (id, email, is_admin, disabled_at, created_at) ON users TO %I', app);
        ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO %I', t, app);
        END IF;
    END LOOP;
END $$;
