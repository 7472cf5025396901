"""Uploads: into media storage (a folder or S3) under the server-side limit; empty files,
odd names, duplicates."""

import hashlib
import io
import sqlite3

import pytest

from framepilot.services.ingest import UploadFailed, UploadRejected, display_name, ingest_upload
from framepilot.settings import get_settings, load_settings
from framepilot.store import repository as repo


def test_an_upload_is_streamed_into_storage_under_its_key_with_its_hash(backend, db, user_a):
    content = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 9000  # a little over 2 MB

    video = ingest_upload(db, get_settings(), user_a, "My Clip.MP4", io.BytesIO(content)).video

    assert video.stored_path == f"uploads/{user_a.id}/{video.id}.mp4"
    assert b"".join(backend.reopen().iter_chunks(video.stored_path)) == content
    assert (video.sha256, video.size_bytes) == (hashlib.sha256(content).hexdigest(), len(content))
    assert backend.raw_leftovers() == [video.stored_path] if backend.name == "local" else [
        f"media/{video.stored_path}"]


def test_file_over_the_limit_is_refused_and_leaves_nothing(backend, monkeypatch, db, user_a):
    monkeypatch.setenv("FRAMEPILOT_MAX_UPLOAD_MB", "1")
    small = load_settings()
    with pytest.raises(UploadRejected, match="1 MB upload limit"):
        ingest_upload(db, small, user_a, "big.mp4", io.BytesIO(b"\0" * (1024 * 1024 + 1)))
    assert backend.raw_leftovers() == []


def test_zero_byte_file_is_refused(db, settings, user_a):
    with pytest.raises(UploadRejected, match="empty"):
        ingest_upload(db, settings, user_a, "empty.mp4", io.BytesIO(b""))


def test_same_content_twice_is_a_duplicate_for_the_same_user_only(backend, db, user_a, user_b):
    settings = get_settings()
    first = ingest_upload(db, settings, user_a, "a.mp4", io.BytesIO(b"video-bytes"))
    again = ingest_upload(db, settings, user_a, "renamed.mp4", io.BytesIO(b"video-bytes"))
    other = ingest_upload(db, settings, user_b, "a.mp4", io.BytesIO(b"video-bytes"))
    assert not first.duplicate and again.duplicate and not other.duplicate
    assert again.video.id == first.video.id
    assert other.video.id != first.video.id
    assert len(backend.raw_leftovers()) == 2  # the duplicate kept no copy


def test_path_separators_and_unicode_in_names_are_safe(db, settings, user_a):
    result = ingest_upload(db, settings, user_a, "../../etc/passwd\x00 ünïcødé 🎬.mp4", io.BytesIO(b"x"))
    assert result.video.filename == "passwd ünïcødé 🎬.mp4"
    assert result.video.stored_path == f"uploads/{user_a.id}/{result.video.id}.mp4"
    assert display_name("C:\\Users\\me\\clip.mov") == "clip.mov"


def test_a_failed_insert_leaves_nothing_stored_in_any_storage(backend, db, user_a, monkeypatch):
    def broken_insert(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(repo, "create_video", broken_insert)
    with pytest.raises(UploadFailed, match="could not be registered"):
        ingest_upload(db, get_settings(), user_a, "a.mp4", io.BytesIO(b"video-bytes"))
    assert backend.raw_leftovers() == []


def test_an_unreachable_bucket_fails_the_upload_and_registers_nothing(s3_backend, db, user_a, monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_STORAGE_URL", "s3://no-such-bucket-here/media")
    get_settings.cache_clear()
    with pytest.raises(UploadFailed, match="could not be saved"):
        ingest_upload(db, get_settings(), user_a, "a.mp4", io.BytesIO(b"video-bytes"))
    assert repo.list_videos(db, user_a) == []
