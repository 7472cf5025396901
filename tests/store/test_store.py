"""The store: migrations, concurrent writers, encryption at rest and user isolation."""

import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest

from framepilot.core.crypto import Cipher, generate_key, load_keys
from framepilot.models import (
    AnalysisParams,
    LLMCall,
    Operation,
    Segment,
    Transcript,
    VoiceParams,
    Word,
)
from framepilot.store import repository as repo
from framepilot.store.sqlite import SQLiteDatabase, migrate

MIGRATIONS = Path(__file__).resolve().parents[2] / "framepilot" / "store" / "migrations" / "sqlite"


def test_migrations_apply_from_empty_then_are_idempotent(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    first = migrate(path)
    second = migrate(path)
    assert first[0] == "0001_initial.sql"
    assert first == sorted(p.name for p in MIGRATIONS.glob("*.sql"))
    assert second == []
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert {"users", "videos", "jobs", "transcripts", "transcript_segments", "transcript_words",
            "shots", "director_notes", "voiceovers", "llm_calls", "api_tokens"} <= tables
    assert mode == "wal"
    assert "edit_cut_choices" in tables


def test_the_edit_migration_keeps_existing_jobs_and_accepts_render_jobs(tmp_path):
    from framepilot.store.db import iter_migrations
    from framepilot.store.sqlite import _split_sql

    path = tmp_path / "round1.sqlite3"
    with sqlite3.connect(path) as conn:  # a store as round 1 left it
        number, name, sql = next(iter_migrations("sqlite"))
        for statement in _split_sql(sql):
            conn.execute(statement)
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                     " applied_at TEXT NOT NULL DEFAULT 'then')")
        conn.execute("INSERT INTO schema_migrations(version, name) VALUES (?, ?)", (number, name))
        conn.execute("INSERT INTO users(id, email, password_hash) VALUES (1, 'a@example.com', 'x')")
        conn.execute("INSERT INTO jobs(id, user_id, type, status, params_json) VALUES ('j1', 1, 'tts', 'queued', '{}')")
    assert "0005_edit.sql" in migrate(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT id, type, status FROM jobs").fetchall() == [("j1", "tts", "queued")]
        conn.execute("INSERT INTO jobs(id, user_id, type, status) VALUES ('j2', 1, 'render_edit', 'queued')")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO jobs(id, user_id, type, status) VALUES ('j3', 1, 'nonsense', 'queued')")


def test_a_reused_connection_sees_every_commit_even_after_a_half_read_cursor(db, user_a):
    """Connections are kept per thread; a cursor left unread must not pin an old snapshot."""
    for i in range(3):
        repo.record_llm_call(db, LLMCall(provider="local", model=f"m{i}", operation=Operation.TRANSCRIBE))
    with db.read(user_a) as conn:
        left_open = conn.execute("SELECT id FROM llm_calls")
        left_open.fetchone()
    repo.record_llm_call(db, LLMCall(provider="local", model="m3", operation=Operation.TRANSCRIBE))

    with db.read(user_a) as conn:
        count = conn.execute("SELECT COUNT(*) FROM llm_calls").fetchone()[0]
    assert count == 4
    with pytest.raises(sqlite3.ProgrammingError):  # like a cursor of a closed connection
        left_open.fetchone()


def test_reads_inside_reads_and_a_failed_transaction_leave_the_store_usable(db, user_a):
    with db.read(user_a) as outer, db.read(user_a) as inner:
        assert outer.execute("SELECT 1").fetchone()[0] == inner.execute("SELECT 2").fetchone()[0] - 1
    with pytest.raises(RuntimeError), db.connect(user_a) as conn:
        conn.execute("INSERT INTO api_tokens(id, user_id, name, token_hash, hint, created_at)"
                     " VALUES ('t', ?, 'n', 'h', 'fpt_', 'now')", (user_a.id,))
        raise RuntimeError("undo")
    with db.read(user_a) as conn:
        assert conn.execute("SELECT COUNT(*) FROM api_tokens").fetchone()[0] == 0
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM api_tokens")


def test_each_thread_reads_and_writes_on_its_own_connection(db, user_a):
    from concurrent.futures import ThreadPoolExecutor

    def write_then_read(i: int) -> int:
        repo.record_llm_call(db, LLMCall(provider="local", model=f"t{i}", operation=Operation.TRANSCRIBE))
        with db.read(user_a) as conn:
            return conn.execute("SELECT COUNT(*) FROM llm_calls WHERE model = ?", (f"t{i}",)).fetchone()[0]

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(write_then_read, range(64))) == [1] * 64


def _writer(path: str, key: bytes, worker: int, count: int) -> None:
    db = SQLiteDatabase(path, Cipher(key))
    for i in range(count):
        repo.record_llm_call(db, LLMCall(provider="local", model=f"w{worker}", operation=Operation.TRANSCRIBE))


def test_two_writer_processes_lose_nothing(settings, db):
    key = load_keys(settings)[0]
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db.path), key, w, 300)) for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with sqlite3.connect(db.path) as conn:
        counts = dict(conn.execute("SELECT model, count(*) FROM llm_calls GROUP BY model").fetchall())
    assert counts == {"w0": 300, "w1": 300}


def test_encrypted_columns_round_trip_and_are_not_plaintext_on_disk(db, user_a):
    video = repo.create_video(db, user_a, filename="my secret vlog.mp4", stored_path="/x.mp4",
                              sha256="a" * 64, size_bytes=10)
    repo.save_transcript(db, user_a, video.id, Transcript(
        language="en", text="the launch code is swordfish",
        segments=[Segment(start=0, end=1, text="the launch code is swordfish",
                          words=[Word(word="swordfish", start=0.5, end=1.0)])]))
    assert repo.get_video(db, user_a, video.id).filename == "my secret vlog.mp4"
    assert repo.get_transcript(db, user_a, video.id).segments[0].words[0].word == "swordfish"
    wal = db.path.with_name(db.path.name + "-wal")
    raw = db.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert b"swordfish" not in raw and b"secret vlog" not in raw


def test_wrong_key_gives_a_clear_message_not_garbage(db, user_a):
    video = repo.create_video(db, user_a, filename="clip.mp4", stored_path="/x.mp4",
                              sha256="b" * 64, size_bytes=10)
    other = SQLiteDatabase(db.path, Cipher(generate_key().encode()))
    seen = repo.get_video(other, user_a, video.id)
    assert "secret key" in seen.unreadable and seen.filename != "clip.mp4"


def test_generated_key_file_is_private_and_stable(settings):
    first = load_keys(settings)
    second = load_keys(settings)
    assert first == second and len(first) == 1
    assert (settings.data_dir / "secret.key").stat().st_mode & 0o777 == 0o600


def test_user_b_cannot_read_list_or_delete_user_a_rows(db, user_a, user_b):
    video = repo.create_video(db, user_a, filename="a.mp4", stored_path="/a.mp4", sha256="c" * 64, size_bytes=1)
    job = repo.create_job(db, user_a, video.id, AnalysisParams())
    repo.record_llm_call(db, LLMCall(provider="openai", model="gpt-4o", operation=Operation.DIRECT_SCENE_DIRECTOR,
                                     cost_usd=1.0, user_id=user_a.id, video_id=video.id))

    assert repo.list_videos(db, user_b) == []
    assert repo.list_jobs(db, user_b) == []
    assert repo.list_llm_calls(db, user_b) == []
    assert repo.llm_call_rows_after(db, user_b, 0, all_users=True)[1] == []
    for attempt in (
        lambda: repo.get_video(db, user_b, video.id),
        lambda: repo.delete_video(db, user_b, video.id),
        lambda: repo.get_job(db, user_b, job.id),
        lambda: repo.request_cancel(db, user_b, job.id),
        lambda: repo.get_transcript(db, user_b, video.id),
        lambda: repo.get_shots(db, user_b, video.id),
        lambda: repo.list_director_results(db, user_b, video.id),
        lambda: repo.create_job(db, user_b, video.id, VoiceParams()),
    ):
        with pytest.raises(repo.NotFound):
            attempt()
    # and user A still has everything
    assert [v.id for v in repo.list_videos(db, user_a)] == [video.id]
    assert repo.get_job(db, user_a, job.id).id == job.id
    assert len(repo.list_llm_calls(db, user_a)) == 1
