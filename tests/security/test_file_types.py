"""Issue 9, item 1: files that lie about their type. The content decides, never the name:
what is not an accepted video container gets a clear reason; a real video with the wrong
suffix is analysed as what it is."""

from __future__ import annotations

import pytest

from framepilot.services import analysis as service
from testkit import media_factory as make
from tests.security.attacks import (
    analyse_expecting_failure,
    assert_nothing_was_derived,
    upload,
)


@pytest.mark.parametrize(
    ("make_file", "reason"),
    [
        (make.jpeg_still, "clip.mp4: this is an image (JPEG), not a video"),
        (make.wav_tone, "clip.mp4: this is an audio file (WAV), not a video"),
    ],
    ids=["jpeg", "wav"],
)
def test_a_file_that_is_not_a_video_but_named_mp4_gets_a_clear_reason(db, settings, user_a, tmp_path,
                                                                     make_file, reason):
    content = make_file(tmp_path / "disguised.bin").read_bytes()
    video = upload(db, settings, user_a, "clip.mp4", content)

    message = analyse_expecting_failure(db, settings, user_a, video)

    assert message == reason
    assert_nothing_was_derived(db, settings, user_a, video)


def test_a_real_matroska_video_named_mp4_is_accepted(db, settings, user_a, tmp_path):
    content = make.mkv_clip(tmp_path / "really.mkv").read_bytes()
    video = upload(db, settings, user_a, "clip.mp4", content)

    result = service.analyse_video(db, settings, user_a, video.id, modes=())

    assert result.video.demuxer == "matroska"
    assert (result.video.width, result.video.height) == (64, 48)
    assert result.shots


def test_an_unlisted_real_container_is_refused_with_the_accepted_list(db, settings, user_a, tmp_path):
    from framepilot.pipeline.media_input import VIDEO_CONTAINERS

    flv = tmp_path / "old.flv"
    make.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25:duration=1", "-c:v", "flv1", "-f", "flv", flv)
    video = upload(db, settings, user_a, "old.mp4", flv.read_bytes())

    message = analyse_expecting_failure(db, settings, user_a, video)

    assert message.startswith("old.mp4: this file format is not accepted")
    assert all(name in message for name in VIDEO_CONTAINERS.values())
