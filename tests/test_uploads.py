"""Uploads: the server-side limit, empty files, odd names, duplicates."""

import io

import pytest

from framepilot.uploads import UploadRejected, display_name, ingest_upload


def test_file_over_the_limit_is_refused_and_leaves_nothing(monkeypatch, db, user_a):
    from framepilot.settings import load_settings

    monkeypatch.setenv("FRAMEPILOT_MAX_UPLOAD_MB", "1")
    small = load_settings()
    with pytest.raises(UploadRejected, match="1 MB upload limit"):
        ingest_upload(db, small, user_a, "big.mp4", io.BytesIO(b"\0" * (1024 * 1024 + 1)))
    assert [p for p in small.uploads_dir.rglob("*") if p.is_file()] == []


def test_zero_byte_file_is_refused(db, settings, user_a):
    with pytest.raises(UploadRejected, match="empty"):
        ingest_upload(db, settings, user_a, "empty.mp4", io.BytesIO(b""))


def test_same_content_twice_is_a_duplicate_for_the_same_user_only(db, settings, user_a, user_b):
    first = ingest_upload(db, settings, user_a, "a.mp4", io.BytesIO(b"video-bytes"))
    again = ingest_upload(db, settings, user_a, "renamed.mp4", io.BytesIO(b"video-bytes"))
    other = ingest_upload(db, settings, user_b, "a.mp4", io.BytesIO(b"video-bytes"))
    assert not first.duplicate and again.duplicate and not other.duplicate
    assert again.video.id == first.video.id
    assert other.video.id != first.video.id


def test_path_separators_and_unicode_in_names_are_safe(db, settings, user_a):
    result = ingest_upload(db, settings, user_a, "../../etc/passwd\x00 ünïcødé 🎬.mp4", io.BytesIO(b"x"))
    assert result.video.filename == "passwd ünïcødé 🎬.mp4"
    assert result.video.stored_path.startswith(str(settings.uploads_dir))
    assert display_name("C:\\Users\\me\\clip.mov") == "clip.mov"
