"""Item 9: files at rest. The data folder is 0700 and its files 0600 (also what an older
version left readable); FRAMEPILOT_SECRET_KEY_FILE keeps the key out of the data folder (and
so out of its backups); `framepilot keys rotate` moves every encrypted value to a new key;
exports name no server paths.

Commands run as real processes with the common 022 umask, as an operator would start them.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken

from framepilot.cli.launcher import acquire_run_lock
from framepilot.core.crypto import (
    Cipher,
    generate_key,
    load_keys,
    parse_keys,
    write_key_file,
)
from framepilot.models import (
    DirectorMode,
    DirectorResult,
    Segment,
    Transcript,
    Voiceover,
)
from framepilot.services import accounts, exports
from framepilot.services.analysis import load_analysis
from framepilot.services.ingest import ingest_path
from framepilot.settings import get_settings
from framepilot.store import Database, open_database
from framepilot.store import repository as repo
from framepilot.store.sqlite import SQLiteDatabase
from tests.jobs.test_worker import WorkerProcess, wait_for
from tests.support.page_fixtures import analysed_video, make_clip

ROOT = Path(__file__).resolve().parents[2]
SECRET_WORDS = "the launch code is swordfish"


def framepilot(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """`python -m framepilot.cli ARGS` under umask 022, in this test's environment."""
    return subprocess.run(
        [sys.executable, "-m", "framepilot.cli", *args], cwd=ROOT, input=stdin, text=True,
        capture_output=True, timeout=240, preexec_fn=lambda: os.umask(0o022),
        env={**os.environ, "PYTHONPATH": str(ROOT), "FRAMEPILOT_LOG_LEVEL": "WARNING", **env},
    )


def modes_below(folder: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def assert_owner_only(folder: Path) -> None:
    modes = modes_below(folder)
    wrong = {name: oct(mode) for name, mode in modes.items()
             if mode != (0o700 if (folder / name).is_dir() else 0o600)}
    assert not wrong, wrong
    assert len(modes) > 3


# --- permissions -------------------------------------------------------------------------


def test_commands_leave_the_data_folder_owner_only(settings, tmp_path):
    clip = make_clip(tmp_path / "clip.mp4", seconds=1)

    done = framepilot("jobs", "submit", str(clip), "--modes", "")

    assert done.returncode == 0, done.stderr
    assert {"framepilot.sqlite3", "queue.sqlite3", "secret.key", "uploads"} <= set(os.listdir(settings.data_dir))
    assert_owner_only(settings.data_dir)


def test_starting_the_worker_makes_what_an_older_version_left_readable_owner_only(settings, tmp_path):
    old = os.umask(0o022)
    try:
        open_database(settings)
        for folder in (settings.data_dir, settings.uploads_dir, settings.artifacts_dir / "v1"):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o755)
        (settings.uploads_dir / "old.mp4").write_bytes(b"old upload")
        (settings.artifacts_dir / "v1" / "detection.json").write_text("{}")
        (settings.data_dir / "secret.key").chmod(0o644)
    finally:
        os.umask(old)
    worker = WorkerProcess(settings.data_dir, tmp_path / "worker.log").start()
    try:
        wait_for(lambda: any(e.get("event") == "worker.started" for e in worker.events()), 60, "the worker")
    finally:
        worker.stop()
    assert_owner_only(settings.data_dir)


# --- where the key lives -------------------------------------------------------------------


def test_the_key_file_can_live_outside_the_data_folder(settings, tmp_path, monkeypatch):
    key_file = tmp_path / "keys" / "framepilot.key"
    clip = make_clip(tmp_path / "my secret vlog.mp4", seconds=1)

    done = framepilot("jobs", "submit", str(clip), "--modes", "", FRAMEPILOT_SECRET_KEY_FILE=str(key_file))

    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not list(settings.data_dir.rglob("*.key")), "a backup of the data folder would carry the key"
    monkeypatch.setenv("FRAMEPILOT_SECRET_KEY_FILE", str(key_file))
    get_settings.cache_clear()
    db = open_database(get_settings())
    (video,) = repo.list_videos(db, repo.user_credentials(db, accounts.DEMO_EMAIL)[0])
    assert video.filename == "my secret vlog.mp4"


def test_both_key_settings_at_once_are_refused(tmp_path):
    done = framepilot("users", "list", FRAMEPILOT_SECRET_KEY=generate_key(),
                      FRAMEPILOT_SECRET_KEY_FILE=str(tmp_path / "k"))
    assert done.returncode == 2 and "FRAMEPILOT_SECRET_KEY_FILE" in done.stderr


# --- key rotation --------------------------------------------------------------------------


def store_secrets(db: Database, user, folder: Path, name: str) -> str:  # noqa: ANN001
    """A video whose filename, transcript, director notes and a cached reply are encrypted."""
    clip = make_clip(folder / name, seconds=1, colour_shift=sum(map(ord, name)) % 97)  # distinct content
    video = ingest_path(db, get_settings(), user, clip).video
    repo.save_transcript(db, user, video.id, Transcript(
        text=SECRET_WORDS, segments=[Segment(start=0, end=1, text=SECRET_WORDS)]))
    repo.save_director_result(db, user, video.id, DirectorResult(
        mode=DirectorMode.SCENE_DIRECTOR, provider="local", model="rules", prompt_version="v1",
        summary=SECRET_WORDS))
    repo.cache_put(db, user.id, f"cache-{video.id}", db.cipher.encrypt(SECRET_WORDS))
    return video.id


def stored_tokens(db: Database) -> list[str]:
    with sqlite3.connect(db.path) as conn:
        return [token for column in repo.ENCRYPTED_COLUMNS
                for (token,) in conn.execute(f"SELECT {column.column} FROM {column.table}")]


def readable_with(key: bytes, token: str) -> bool:
    try:
        Fernet(key).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def assert_everything_reads(user, video_ids: list[str]) -> None:  # noqa: ANN001
    get_settings.cache_clear()
    db = open_database(get_settings())
    videos = {v.id: v for v in repo.list_videos(db, user)}
    assert set(video_ids) <= set(videos) and not any(v.unreadable for v in videos.values())
    for video_id in video_ids:
        assert repo.get_transcript(db, user, video_id).text == SECRET_WORDS
        assert repo.list_director_results(db, user, video_id)[0].summary == SECRET_WORDS
        assert db.cipher.decrypt(repo.cache_get(db, user.id, f"cache-{video_id}")) == SECRET_WORDS


def test_keys_rotate_moves_every_encrypted_value_to_a_new_key_and_drops_the_old(db, settings, user_a, tmp_path):
    (old,) = load_keys(settings)
    ids = [store_secrets(db, user_a, tmp_path, f"clip{i}.mp4") for i in range(2)]

    done = framepilot("keys", "rotate")

    assert done.returncode == 0, done.stderr
    (new,) = parse_keys(settings.key_path.read_text())
    assert new != old and stat.S_IMODE(settings.key_path.stat().st_mode) == 0o600
    tokens = stored_tokens(db)
    assert len(tokens) >= 10
    assert all(readable_with(new, t) and not readable_with(old, t) for t in tokens)
    assert_everything_reads(user_a, ids)
    assert framepilot("keys", "rotate").returncode == 0  # and again: nothing is lost
    assert_everything_reads(user_a, ids)


def test_an_interrupted_rotation_finishes_when_run_again(db, settings, user_a, tmp_path):
    (old,) = load_keys(settings)
    ids = [store_secrets(db, user_a, tmp_path, "before.mp4")]
    new = generate_key().encode()
    write_key_file(settings.key_path, [new, old])  # where a rotation that died had got to
    halfway = SQLiteDatabase(db.path, Cipher([new, old]))
    ids.append(store_secrets(halfway, user_a, tmp_path, "during.mp4"))

    done = framepilot("keys", "rotate")

    assert done.returncode == 0, done.stderr
    assert parse_keys(settings.key_path.read_text()) == [new]
    assert all(readable_with(new, t) for t in stored_tokens(db))
    assert_everything_reads(user_a, ids)


def test_rotating_an_environment_key_needs_the_new_key_in_front(db, settings, user_a, tmp_path, monkeypatch):
    old = generate_key()
    monkeypatch.setenv("FRAMEPILOT_SECRET_KEY", old)
    get_settings.cache_clear()
    ids = [store_secrets(open_database(get_settings()), user_a, tmp_path, "env.mp4")]
    refused = framepilot("keys", "rotate")
    new = generate_key()

    done = framepilot("keys", "rotate", FRAMEPILOT_SECRET_KEY=f"{new},{old}")

    assert refused.returncode == 1 and "NEW,OLD" in refused.stderr
    assert done.returncode == 0, done.stderr
    assert "Remove the old key" in done.stdout
    assert all(readable_with(new.encode(), t) for t in stored_tokens(db))
    monkeypatch.setenv("FRAMEPILOT_SECRET_KEY", new)
    assert_everything_reads(user_a, ids)


def test_rotation_refuses_while_framepilot_is_running(settings):
    lock = acquire_run_lock(settings.data_dir)
    try:
        done = framepilot("keys", "rotate")
    finally:
        lock.close()
    assert done.returncode == 1 and "already running" in done.stderr
    assert len(load_keys(settings)) == 1


def test_every_encrypted_column_in_the_schema_is_rotated(db):
    with sqlite3.connect(db.path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        encrypted = {f"{t}.{c[1]}" for t in tables for c in conn.execute(f"PRAGMA table_info({t})")
                     if c[1].endswith("_enc")}
    assert encrypted <= {column.label for column in repo.ENCRYPTED_COLUMNS}


# --- exports -----------------------------------------------------------------------------


@pytest.fixture
def voiced_video(db, settings, user_a, tmp_path):
    video = analysed_video(db, settings, user_a, tmp_path)
    work = settings.artifacts_dir / video.id
    work.mkdir(parents=True, exist_ok=True)
    repo.save_voiceover(db, user_a, Voiceover(
        video_id=video.id, mode=DirectorMode.SCRIPT_REWRITE, provider="local", voice="heart",
        audio_path=str(work / "voice.wav"), preview_path=str(work / "voice.mp4"), characters=40, duration_s=3.0))
    return video


def server_paths(settings, tmp_path) -> list[str]:  # noqa: ANN001
    return [str(settings.data_dir.resolve()), str(tmp_path.resolve()), str(tmp_path)]


def test_downloads_name_no_server_paths(db, settings, user_a, voiced_video, tmp_path):
    result = load_analysis(db, user_a, voiced_video.id)
    assert any(shot.keyframe_path for shot in result.shots) and result.voiceover is not None

    documents = [exports.to_json(result), exports.to_srt(result.transcript), exports.to_vtt(result.transcript),
                 exports.director_markdown(result.director, voiced_video.filename)]

    for document in documents:
        assert not [p for p in server_paths(settings, tmp_path) if p in document], document[:300]
    assert '"preview_path": "voice.mp4"' in documents[0]


def test_analyze_json_names_no_server_paths_and_is_owner_only(settings, user_a, voiced_video, tmp_path):
    out = tmp_path / "exports" / "result.json"
    out.parent.mkdir()

    done = framepilot("analyze", str(tmp_path / "talk.mp4"), "--json", str(out), "--user", user_a.email,
                      "--modes", "scene_director")

    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert '"keyframe_path": "' in text
    assert not [p for p in server_paths(settings, tmp_path) if p in text]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
