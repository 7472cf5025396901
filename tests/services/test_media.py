"""A video's media wherever storage keeps it (a folder or S3): what the review page loads,
deleting it with the video, rows older than media storage, and exports without server paths."""

from __future__ import annotations

import io
import json

import httpx
import pytest

from framepilot.media_storage.keys import artifact_key
from framepilot.models import AnalysisResult, Shot, Transcript, VideoProbe, Voiceover
from framepilot.services import exports, library, media
from framepilot.services.ingest import ingest_upload
from framepilot.settings import get_settings
from framepilot.store import repository as repo

CONTENT = b"\x00\x00\x00\x18ftypmp42" + b"pretend this is a video" * 100


def _analysed(db, user, storage, filename: str = "talk.mp4"):  # noqa: ANN001, ANN202
    """An uploaded video with a keyframe and a voiceover stored the way the pipeline stores them."""
    video = ingest_upload(db, get_settings(), user, filename, io.BytesIO(CONTENT + filename.encode())).video
    keyframe = artifact_key(user.id, video.id, "keyframes/shot_000.jpg")
    voice = artifact_key(user.id, video.id, "voice_script_rewrite_local.wav")
    storage.put_stream(keyframe, io.BytesIO(b"jpeg bytes"))
    storage.put_stream(voice, io.BytesIO(b"wav bytes"))
    repo.save_shots(db, user, video.id, [Shot(index=0, start_s=0, end_s=1, start_frame=0, end_frame=9,
                                              keyframe_path=keyframe)])
    repo.save_voiceover(db, user, Voiceover(video_id=video.id, mode="script_rewrite", provider="local",
                                            voice="heart", audio_path=voice, characters=5, duration_s=1.0))
    return repo.get_video(db, user, video.id)


def test_the_review_page_loads_a_local_file_from_a_folder_and_a_presigned_url_from_s3(backend, db, user_a):
    video = _analysed(db, user_a, backend.storage)
    shots, voiceovers = repo.get_shots(db, user_a, video.id), repo.list_voiceovers(db, user_a, video.id)

    shown = media.review_media(get_settings(), video, shots, voiceovers[0])

    sources = {"video": shown.video, "keyframe": shown.keyframes[0], "voice": shown.voiceover_audio}
    if backend.name == "local":
        with open(sources["video"], "rb") as fh:
            assert fh.read() == CONTENT + b"talk.mp4"
    else:
        assert all(s.startswith(get_settings().s3_endpoint_url) for s in sources.values())
        assert httpx.get(sources["video"]).content == CONTENT + b"talk.mp4"
        assert httpx.get(sources["keyframe"]).content == b"jpeg bytes"
        again = media.review_media(get_settings(), video, shots, voiceovers[0])
        assert again.video == shown.video  # a page rerun keeps the same URL, so the player is not reloaded
    assert shown.voiceover_preview is None


def test_deleting_a_video_removes_its_upload_and_every_artifact_and_nothing_else(backend, db, user_a, user_b):
    kept = _analysed(db, user_a, backend.storage, "kept.mp4")
    gone = _analysed(db, user_a, backend.storage, "gone.mp4")
    before = backend.raw_leftovers()

    with pytest.raises(repo.NotFound):
        library.delete_video(db, get_settings(), user_b, gone.id)
    library.delete_video(db, get_settings(), user_a, gone.id)

    left = backend.raw_leftovers()
    assert len(before) == 6 and len(left) == 3
    assert all(kept.id in name for name in left) and not any(gone.id in name for name in left)
    with pytest.raises(repo.NotFound):
        repo.get_video(db, user_a, gone.id)


def test_a_row_written_before_media_storage_still_plays_and_exports_no_server_path(db, settings, user_a, tmp_path):
    old_file = settings.data_dir / "uploads" / "0123.mp4"
    old_file.parent.mkdir(parents=True, exist_ok=True)
    old_file.write_bytes(CONTENT)
    keyframe = settings.data_dir / "artifacts" / "0123" / "keyframes" / "shot_000.jpg"
    keyframe.parent.mkdir(parents=True)
    keyframe.write_bytes(b"jpeg")
    video = repo.create_video(db, user_a, filename="old.mp4", stored_path=str(old_file), sha256="0" * 64,
                              size_bytes=len(CONTENT), video_id="0123")
    shot = Shot(index=0, start_s=0, end_s=1, start_frame=0, end_frame=9, keyframe_path=str(keyframe))

    shown = media.review_media(settings, video, [shot])
    exported = exports.to_json(AnalysisResult(
        video=VideoProbe(duration_s=1, fps=10, width=2, height=2, display_width=2, display_height=2,
                         video_codec="h264", has_audio=False, frame_count=10, size_bytes=1),
        shots=[shot], transcript=Transcript()))

    assert shown.video == str(old_file) and shown.keyframes == {0: str(keyframe)}
    assert media.key_of(settings, video.stored_path) == "uploads/0123.mp4"  # what migrate-store moves it to
    assert json.loads(exported)["shots"][0]["keyframe_path"] == "shot_000.jpg"
    assert str(tmp_path) not in exported
