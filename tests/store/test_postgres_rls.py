"""Row-level security inside PostgreSQL: the database itself keeps users apart, whatever
SQL the app runs, and the app never queries as the tables' owner (the attacks by the app's
own role are in tests/security/test_database_roles.py)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from framepilot.models import Segment, Transcript, Word
from framepilot.services import accounts
from framepilot.settings import get_settings
from framepilot.store import open_database
from framepilot.store import repository as repo


@pytest.fixture
def pg(postgres_dsn, monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_DATABASE_URL", postgres_dsn)
    get_settings.cache_clear()
    database = open_database(get_settings())
    yield database
    database.close()


def _alice_with_a_video(db):
    alice = accounts.add_user(db, "alice@example.com", "correct horse battery")
    bob = accounts.add_user(db, "bob@example.com", "another long password")
    video = repo.create_video(db, alice, filename="a.mp4", stored_path="uploads/a.mp4",
                              sha256="a" * 64, size_bytes=1)
    repo.save_transcript(db, alice, video.id, Transcript(language="en", text="private words", segments=[
        Segment(start=0, end=1, text="private words", words=[Word(word="private", start=0, end=0.5)])]))
    return alice, bob, video


def test_the_app_queries_as_a_role_that_owns_nothing_and_cannot_bypass_rls(pg):
    with pg.read(1) as conn:
        role, superuser = conn.execute("SELECT current_user, current_setting('is_superuser')").fetchone()
        owners = {r[0] for r in conn.execute("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")}
        bypass = conn.execute("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone()[0]
    assert role == pg.roles.app and superuser == "off" and bypass is False
    assert pg.roles.app not in owners


def test_a_query_without_an_acting_user_returns_no_rows(pg, postgres_dsn):
    _alice_with_a_video(pg)
    with psycopg.connect(postgres_dsn) as conn:
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(pg.roles.app)))
        counts = {t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
                  for t in ("users", "videos", "transcripts", "transcript_words")}
    assert counts == {"users": 0, "videos": 0, "transcripts": 0, "transcript_words": 0}


def test_user_b_cannot_read_or_change_user_as_rows_even_by_id(pg):
    alice, bob, video = _alice_with_a_video(pg)
    # raw SQL without any user filter: only the database's policies stand in the way
    with pg.connect(bob) as conn:
        assert conn.execute("SELECT * FROM videos WHERE id = ?", (video.id,)).fetchone() is None
        assert conn.execute("SELECT count(*) FROM transcript_words WHERE video_id = ?", (video.id,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1  # bob himself
        assert conn.execute("UPDATE videos SET status = 'failed' WHERE id = ?", (video.id,)).rowcount == 0
        assert conn.execute("DELETE FROM transcripts WHERE video_id = ?", (video.id,)).rowcount == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege), pg.connect(bob) as conn:
        conn.execute("INSERT INTO jobs(id, user_id, video_id, type, status) VALUES ('x', ?, ?, 'tts', 'queued')",
                     (alice.id, video.id))
    with pg.read(alice) as conn:
        assert conn.execute("SELECT status FROM videos WHERE id = ?", (video.id,)).fetchone()[0] == "uploaded"
        assert conn.execute("SELECT count(*) FROM transcript_words WHERE video_id = ?", (video.id,)).fetchone()[0] == 1
