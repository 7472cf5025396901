-- Row-level security, re-applied after the numbered migrations on every start (idempotent),
-- so every user table is covered by exactly these policies.
--
-- A transaction acts for one user (set_config('framepilot.user_id', id, true)) or for the
-- system (set_config('framepilot.system', 'on', true)): the worker's job bookkeeping,
-- sign-in lookups, the analytics feed. With neither set, every user table reads as empty.
CREATE OR REPLACE FUNCTION framepilot_acting_user() RETURNS bigint LANGUAGE sql STABLE
AS $$ SELECT nullif(current_setting('framepilot.user_id', true), '')::bigint $$;

CREATE OR REPLACE FUNCTION framepilot_is_system() RETURNS boolean LANGUAGE sql STABLE
AS $$ SELECT coalesce(current_setting('framepilot.system', true), '') = 'on' $$;

CREATE OR REPLACE FUNCTION framepilot_owns_video(video text) RETURNS boolean LANGUAGE sql STABLE
AS $$ SELECT EXISTS (SELECT 1 FROM videos v WHERE v.id = video AND v.user_id = framepilot_acting_user()) $$;

DO $$
DECLARE
    t text;
    rule text;
BEGIN
    FOR t, rule IN
        SELECT * FROM (VALUES
            ('users',               'id = framepilot_acting_user()'),
            ('videos',              'user_id = framepilot_acting_user()'),
            ('jobs',                'user_id = framepilot_acting_user()'),
            ('llm_calls',           'user_id = framepilot_acting_user()'),
            ('llm_usage_daily',     'user_id = framepilot_acting_user()'),
            ('llm_usage_videos',    'user_id = framepilot_acting_user()'),
            ('llm_latency_daily',   'user_id = framepilot_acting_user()'),
            ('llm_usage_video_days', 'user_id = framepilot_acting_user()'),
            ('analysis_stages',     'framepilot_owns_video(video_id)'),
            ('transcripts',         'framepilot_owns_video(video_id)'),
            ('transcript_segments', 'framepilot_owns_video(video_id)'),
            ('transcript_words',    'framepilot_owns_video(video_id)'),
            ('shots',               'framepilot_owns_video(video_id)'),
            ('director_notes',      'framepilot_owns_video(video_id)'),
            ('voiceovers',          'framepilot_owns_video(video_id)'),
            ('llm_cache',           'framepilot_acting_user() IS NOT NULL'),
            ('budget_reservations', 'user_id = framepilot_acting_user()'),
            ('budget_locks',        'false'),
            ('api_tokens',          'user_id = framepilot_acting_user()'),
            ('auth_sessions',       'user_id = framepilot_acting_user()'),
            ('sign_in_codes',       'user_id = framepilot_acting_user()'),
            ('user_identities',     'user_id = framepilot_acting_user()'),
            ('rate_limits',         'false'),
            ('user_quotas',         'false'),
            ('edit_cut_choices',    'framepilot_owns_video(video_id)'),
            ('note_marks',          'framepilot_owns_video(video_id)'),
            ('edit_user_cuts',      'framepilot_owns_video(video_id)'),
            ('edit_steps',          'framepilot_owns_video(video_id)')
        ) AS p(tbl, rule_sql)
        WHERE to_regclass(p.tbl) IS NOT NULL
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS framepilot_isolation ON %I', t);
        EXECUTE format(
            'CREATE POLICY framepilot_isolation ON %I USING (framepilot_is_system() OR (%s))'
            ' WITH CHECK (framepilot_is_system() OR (%s))', t, rule, rule);
    END LOOP;
END $$;
