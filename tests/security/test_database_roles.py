"""PostgreSQL's row-level security holds against the app's own role (issue 19, item 9).

Each test runs the attack as raw SQL inside a transaction the app opened for user B, the way
an injected statement would run: it may set any setting, switch roles, or write any column.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from framepilot.models import Segment, Transcript, Word
from framepilot.services import accounts
from framepilot.settings import get_settings
from framepilot.store import SYSTEM, open_database
from framepilot.store import repository as repo
from framepilot.store.postgres import RoleSetupError


@pytest.fixture
def pg(postgres_dsn, monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_DATABASE_URL", postgres_dsn)
    get_settings.cache_clear()
    database = open_database(get_settings())
    yield database
    database.close()


@pytest.fixture
def alice_bob_video(pg):
    alice = accounts.add_user(pg, "alice@example.com", "correct horse battery")
    bob = accounts.add_user(pg, "bob@example.com", "another long password")
    video = repo.create_video(pg, alice, filename="a.mp4", stored_path="uploads/a.mp4", sha256="a" * 64, size_bytes=1)
    repo.save_transcript(pg, alice, video.id, Transcript(language="en", text="private words", segments=[
        Segment(start=0, end=1, text="private words", words=[Word(word="private", start=0, end=0.5)])]))
    repo.cache_put(pg, alice.id, "reply-key", pg.cipher.encrypt("alice's private reply"))
    return alice, bob, video


def visible(conn, table: str) -> int:  # noqa: ANN001
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_system_setting_no_longer_opens_every_row(pg, alice_bob_video):
    alice, bob, video = alice_bob_video
    with pg.connect(bob) as conn:
        conn.execute("SELECT set_config('framepilot.system', 'on', true)")
        assert (visible(conn, "videos"), visible(conn, "transcripts"), visible(conn, "users")) == (0, 0, 1)


def test_bob_cannot_claim_to_be_alice(pg, alice_bob_video):
    alice, bob, video = alice_bob_video
    with pg.connect(bob) as conn:  # the old identity setting is ignored
        conn.execute("SELECT set_config('framepilot.user_id', ?, true)", (str(alice.id),))
        assert visible(conn, "videos") == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not signed"), pg.connect(bob) as conn:
        claim = conn.execute("SELECT current_setting('framepilot.acting')").fetchone()[0]
        forged = f"{alice.id}:{claim.split(':')[1]}"  # bob's own signature on alice's id
        conn.execute("SELECT set_config('framepilot.acting', ?, true)", (forged,))
        conn.execute("SELECT count(*) FROM videos")


def test_no_role_switch_leads_back_to_the_owner(pg, postgres_dsn, alice_bob_video):
    owner = psycopg.conninfo.conninfo_to_dict(postgres_dsn)["user"]
    with pg.connect(alice_bob_video[1]) as conn:
        conn.execute("RESET ROLE")
        role, superuser = conn.execute("SELECT current_user, current_setting('is_superuser')").fetchone()
        assert role == pg.roles.app and superuser == "off"
        assert visible(conn, "videos") == 0
    for attempt in (sql.SQL("SET ROLE {}").format(sql.Identifier(owner)),
                    sql.SQL("SET ROLE {}").format(sql.Identifier(pg.roles.system)),
                    sql.SQL("SET SESSION AUTHORIZATION {}").format(sql.Identifier(owner))):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), pg.connect(alice_bob_video[1]) as conn:
            conn._conn.execute(attempt)
    with pg.read(1) as conn:
        owners = {r[0] for r in conn.execute("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")}
        member_of = conn.execute("SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
                                 " WHERE r.rolname = current_user").fetchone()[0]
        bypass = conn.execute("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone()[0]
    assert pg.roles.app not in owners and member_of == 0 and bypass is False


@pytest.mark.parametrize("column, value", [("is_admin", 1), ("disabled_at", None), ("password_hash", "x")])
def test_bob_cannot_change_the_guarded_columns_of_his_own_row(pg, alice_bob_video, column, value):
    bob = alice_bob_video[1]
    with pytest.raises(psycopg.errors.InsufficientPrivilege), pg.connect(bob) as conn:
        conn.execute(f"UPDATE users SET {column} = ? WHERE id = ?", (value, bob.id))
    assert repo.get_user(pg, bob.id).is_admin is False


def test_bob_cannot_read_his_own_password_hash_or_the_runtime_secrets(pg, alice_bob_video):
    bob = alice_bob_video[1]
    for query in ("SELECT password_hash FROM users", "SELECT * FROM users", "SELECT * FROM framepilot_runtime_secrets",
                  "SELECT * FROM rate_limits", "SELECT * FROM audit_log"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), pg.connect(bob) as conn:
            conn.execute(query)
    with pg.read(bob) as conn:
        assert conn.execute("SELECT id, email, is_admin FROM users").fetchall() == [(bob.id, bob.email, 0)]


def test_cached_ai_replies_belong_to_their_user(pg, alice_bob_video):
    alice, bob, _ = alice_bob_video
    with pg.connect(bob) as conn:
        assert visible(conn, "llm_cache") == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO llm_cache(user_id, key, response) VALUES (?, 'x', 'y')", (alice.id,))
    assert repo.cache_get(pg, bob.id, "reply-key") is None
    assert pg.cipher.decrypt(repo.cache_get(pg, alice.id, "reply-key")) == "alice's private reply"


def test_the_system_role_cannot_rewrite_the_audit_log_or_read_the_secrets(pg, alice_bob_video):
    repo.append_audit_entry(pg, "sign_in", subject_id=alice_bob_video[0].id)
    for statement in ("UPDATE audit_log SET event = 'x'", "DELETE FROM audit_log",
                      "SELECT * FROM framepilot_runtime_secrets", "DELETE FROM schema_migrations"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), pg.connect(SYSTEM) as conn:
            conn.execute(statement)


def test_an_owner_that_cannot_create_roles_is_refused_with_what_to_do(postgres_dsn, monkeypatch):
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS fp_owner_test")
        conn.execute("CREATE ROLE fp_owner_test LOGIN")
        conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO fp_owner_test").format(sql.Identifier(conn.info.dbname)))
        conn.execute("ALTER SCHEMA public OWNER TO fp_owner_test")
    monkeypatch.setenv("FRAMEPILOT_DATABASE_URL", postgres_dsn.replace("postgresql://fp@", "postgresql://fp_owner_test@"))
    get_settings.cache_clear()
    with pytest.raises(RoleSetupError, match="ALTER ROLE fp_owner_test CREATEROLE"):
        open_database(get_settings())
