"""`framepilot migrate-store`: an install moves from SQLite to PostgreSQL with every row,
verified, readable with the same key, and a re-run copies nothing twice."""

from __future__ import annotations

import psycopg

from framepilot import accounts
from framepilot.cli import main
from framepilot.models import (
    AnalysisParams,
    LLMCall,
    Operation,
    Segment,
    Transcript,
    Word,
)
from framepilot.settings import get_settings
from framepilot.store import open_database
from framepilot.store import repository as repo


def _install(db):
    alice = accounts.add_user(db, "alice@example.com", "correct horse battery")
    video = repo.create_video(db, alice, filename="vlog ünïcode.mp4", stored_path="uploads/a.mp4",
                              sha256="a" * 64, size_bytes=5)
    repo.save_transcript(db, alice, video.id, Transcript(language="en", text="hello there", segments=[
        Segment(start=0, end=1.0, text="hello there", words=[Word(word="hello", start=0, end=0.4)])]))
    repo.create_job(db, alice, video.id, AnalysisParams())
    for i in range(250):
        repo.record_llm_call(db, LLMCall(user_id=alice.id, video_id=video.id, provider="local",
                                         model="whisper-base", operation=Operation.TRANSCRIBE, compute_seconds=i / 10))
    return alice, video


def test_an_install_moves_to_postgresql_verified_and_readable(db, postgres_dsn, monkeypatch, capsys):
    alice, video = _install(db)

    assert main(["migrate-store", "--to", postgres_dsn]) == 0
    out = capsys.readouterr().out
    assert "llm_calls" in out and "250 rows" in out and "verified" in out

    monkeypatch.setenv("FRAMEPILOT_DATABASE_URL", postgres_dsn)
    get_settings.cache_clear()
    moved = open_database(get_settings())  # same data folder, so the same secret key
    try:
        assert repo.get_video(moved, alice, video.id).filename == "vlog ünïcode.mp4"
        assert repo.get_transcript(moved, alice, video.id).segments[0].words[0].word == "hello"
        assert len(repo.list_llm_calls(moved, alice)) == 250
        new_call = repo.record_llm_call(moved, LLMCall(user_id=alice.id, provider="local", model="m",
                                                       operation=Operation.DIRECT_SCENE_DIRECTOR))
        assert new_call == 251  # the id sequence continues after the moved rows
        assert accounts.authenticate(moved, "alice@example.com", "correct horse battery") == alice
    finally:
        moved.close()


def test_a_re_run_after_an_interruption_copies_only_what_is_missing(db, postgres_dsn, capsys):
    _install(db)
    assert main(["migrate-store", "--to", postgres_dsn]) == 0
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:  # as if the first run died midway
        conn.execute("SELECT set_config('framepilot.system', 'on', false)")
        conn.execute("DELETE FROM llm_calls WHERE id > 200")
    capsys.readouterr()
    assert main(["migrate-store", "--to", postgres_dsn]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if "rows" in line}
    assert "50 copied now" in lines["llm_calls"] and "0 copied now" in lines["users"]
    with psycopg.connect(postgres_dsn) as conn:
        conn.execute("SELECT set_config('framepilot.system', 'on', false)")
        assert conn.execute("SELECT count(*) FROM llm_calls").fetchone()[0] == 250


def test_a_target_that_is_not_postgresql_is_refused(db, capsys):
    assert main(["migrate-store", "--to", "mysql://x"]) == 2
    assert "postgresql://" in capsys.readouterr().err
