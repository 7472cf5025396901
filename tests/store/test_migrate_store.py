"""`framepilot migrate-store`: an install moves from SQLite to PostgreSQL with every row
(and, with --storage, every media file into S3), verified, readable with the same key, and a
re-run copies nothing twice."""

from __future__ import annotations

import io

import httpx
import psycopg

from framepilot.cli import main
from framepilot.models import (
    AnalysisParams,
    LLMCall,
    Operation,
    Segment,
    Shot,
    Transcript,
    Voiceover,
    Word,
)
from framepilot.services import accounts, media
from framepilot.services.ingest import ingest_upload
from framepilot.settings import get_settings
from framepilot.store import open_database
from framepilot.store import repository as repo
from tests.support.storage_fixtures import TEST_CREDENTIALS, new_bucket


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
        conn.execute("DELETE FROM llm_calls WHERE id > 200")
    capsys.readouterr()
    assert main(["migrate-store", "--to", postgres_dsn]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if "rows" in line}
    assert "50 copied now" in lines["llm_calls"] and "0 copied now" in lines["users"]
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM llm_calls").fetchone()[0] == 250


def test_a_target_that_is_not_postgresql_is_refused(db, capsys):
    assert main(["migrate-store", "--to", "mysql://x"]) == 2
    assert "postgresql://" in capsys.readouterr().err


def _old_install(db, settings, user):  # noqa: ANN001, ANN202
    """One video stored before media storage (absolute paths) and one uploaded since (keys)."""
    old_id = repo.new_id()
    upload = settings.data_dir / "uploads" / f"{old_id}.mp4"
    keyframe = settings.data_dir / "artifacts" / old_id / "keyframes" / "shot_000.jpg"
    voice = settings.data_dir / "artifacts" / old_id / "voice_script_rewrite_local.wav"
    for path, content in ((upload, b"old video"), (keyframe, b"old jpeg"), (voice, b"old wav")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    repo.create_video(db, user, filename="old.mp4", stored_path=str(upload), sha256="0" * 64, size_bytes=9,
                      video_id=old_id)
    repo.save_shots(db, user, old_id, [Shot(index=0, start_s=0, end_s=1, start_frame=0, end_frame=9,
                                            keyframe_path=str(keyframe))])
    repo.save_voiceover(db, user, Voiceover(video_id=old_id, mode="script_rewrite", provider="local", voice="heart",
                                            audio_path=str(voice), characters=3, duration_s=1.0))
    new = ingest_upload(db, settings, user, "new.mp4", io.BytesIO(b"new video")).video
    return old_id, new.id


def test_an_install_moves_its_files_into_s3_verified_and_a_node_with_an_empty_folder_reads_them(
        db, settings, postgres_dsn, s3_endpoint, monkeypatch, tmp_path, capsys):
    alice = accounts.add_user(db, "alice@example.com", "correct horse battery")
    old_id, new_id = _old_install(db, settings, alice)
    client, bucket = new_bucket(s3_endpoint)
    for name, value in TEST_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FRAMEPILOT_S3_ENDPOINT_URL", s3_endpoint)
    get_settings.cache_clear()
    url = f"s3://{bucket}/media"

    assert main(["migrate-store", "--to", postgres_dsn, "--storage", url]) == 0

    out = capsys.readouterr().out
    assert "4 files" in out and "4 copied now" in out and "sha256 verified" in out
    assert "3 media paths of older rows now name storage keys" in out
    objects = {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
               for o in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert objects == {f"media/uploads/{old_id}.mp4": b"old video",
                       f"media/artifacts/{old_id}/keyframes/shot_000.jpg": b"old jpeg",
                       f"media/artifacts/{old_id}/voice_script_rewrite_local.wav": b"old wav",
                       f"media/uploads/{alice.id}/{new_id}.mp4": b"new video"}

    # Another machine: an empty data folder, the moved store and the bucket, the same key.
    key = (settings.data_dir / "secret.key").read_text().strip()
    monkeypatch.setenv("FRAMEPILOT_DATA_DIR", str(tmp_path / "node-b"))
    monkeypatch.setenv("FRAMEPILOT_DATABASE_URL", postgres_dsn)
    monkeypatch.setenv("FRAMEPILOT_STORAGE_URL", url)
    monkeypatch.setenv("FRAMEPILOT_SECRET_KEY", key)
    get_settings.cache_clear()
    node_b = get_settings()
    moved = open_database(node_b)
    try:
        old = repo.get_video(moved, alice, old_id)
        shown = media.review_media(node_b, old, repo.get_shots(moved, alice, old_id),
                                   repo.list_voiceovers(moved, alice, old_id)[0])
        assert old.stored_path == f"uploads/{old_id}.mp4"
        assert [httpx.get(u).content for u in (shown.video, shown.keyframes[0], shown.voiceover_audio)] == [
            b"old video", b"old jpeg", b"old wav"]
        with media.local_copy(node_b, repo.get_video(moved, alice, new_id).stored_path) as copy:
            assert copy.read_bytes() == b"new video"
    finally:
        moved.close()


def test_a_re_run_of_the_file_move_copies_only_what_is_missing_or_differs(db, settings, s3_backend, user_a):
    from framepilot.media_storage.local import LocalStorage
    from framepilot.media_storage.move import move_files

    _old_install(db, settings, user_a)
    source, target = LocalStorage(settings.data_dir), s3_backend.storage
    first = move_files(source, target)
    some = target.list_objects("artifacts")[0].key
    target.put_stream(some, io.BytesIO(b"damaged"))  # as if a copy had gone wrong
    target.delete(target.list_objects("uploads")[0].key)  # or an earlier run had stopped early

    again = move_files(source, target)

    assert (first.files, first.copied_now) == (4, 4)
    assert (again.files, again.copied_now) == (4, 2)
    assert b"".join(target.iter_chunks(some)) == (settings.data_dir / some).read_bytes()
