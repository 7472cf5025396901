"""Issue 9, item 2: the duration limit holds on what is actually decoded.

Media is tiny (32x24) so that minutes of it decode in moments; the limit is lowered to 20 s
so that the files stay small too. The messages are the ones users see.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from framepilot.media_storage.keys import artifacts_prefix
from framepilot.pipeline.audio import extract_audio
from framepilot.pipeline.probe import InvalidVideo, probe_video
from framepilot.pipeline.shots import detect_shots
from framepilot.settings import load_settings
from framepilot.store import repository as repo
from testkit import media_factory as make
from tests.security.attacks import (
    analyse_expecting_failure,
    assert_nothing_was_derived,
    ffconcat,
    upload,
)

LIMIT_S = 20


@pytest.fixture
def limited(monkeypatch):
    """Settings with a 20-second limit."""
    monkeypatch.setenv("FRAMEPILOT_MAX_DURATION_S", str(LIMIT_S))
    return load_settings()


def test_a_playlist_repeating_a_short_clip_thousands_of_times_is_refused(db, limited, user_a, attacker_video):
    own_name = Path(attacker_video.stored_path).name  # her own 1 s clip, beside the playlist
    hostile = upload(db, limited, user_a, "clip.mp4", ffconcat(*[own_name] * 3000))

    message = analyse_expecting_failure(db, limited, user_a, hostile)

    assert "clip.mp4: this is a playlist (ffconcat), not a video file" in message
    assert_nothing_was_derived(db, limited, user_a, hostile)


def test_a_video_whose_header_states_no_length_is_measured_against_the_limit(db, limited, user_a, tmp_path):
    long_stream = make.streamed_mkv(tmp_path / "stream.mkv", seconds=40)
    video = upload(db, limited, user_a, "screen recording.mkv", long_stream.read_bytes())

    message = analyse_expecting_failure(db, limited, user_a, video)

    assert message == "screen recording.mkv: the video is longer than the 20-second limit"
    assert_nothing_was_derived(db, limited, user_a, video)


def test_a_streamed_video_within_the_limit_gets_its_real_length(tmp_path):
    stream = make.streamed_mkv(tmp_path / "stream.mkv", seconds=15, audio=False)

    probe = probe_video(stream, max_duration_s=LIMIT_S)

    assert probe.duration_s == pytest.approx(15.0, abs=0.1)  # not the 12 s guessed from 300 packets
    assert probe.frame_count == 15 * make.FPS


@pytest.mark.parametrize("audio", [True, False], ids=["stopped-by-audio", "stopped-by-frame-decode"])
def test_decoding_stops_at_the_limit_when_the_header_understates_the_length(db, limited, user_a, tmp_path, audio):
    liar = make.mkv_claiming(tmp_path / "liar.mkv", seconds=45, claimed_s=5, audio=audio)
    video = upload(db, limited, user_a, "short.mkv", liar.read_bytes())

    message = analyse_expecting_failure(db, limited, user_a, video)

    assert message == "short.mkv: the video is longer than the 20-second limit"
    stored = repo.get_video(db, user_a, video.id)
    assert stored.probe.duration_s == pytest.approx(5.0)  # the header's claim passed the probe...
    work = limited.data_dir / artifacts_prefix(user_a.id, video.id)  # where folder storage keeps them
    assert not (work / "audio.wav").exists()  # ...but nothing past the limit was kept
    assert not list(work.glob("keyframes/*.jpg"))
    assert repo.get_shots(db, user_a, video.id) == []


def test_the_decoding_stages_refuse_a_genuine_long_file_over_the_limit(tmp_path):
    long_clip = make.tiny_clip(tmp_path / "long.mp4", seconds=30)
    probe = probe_video(long_clip)  # its real length, 30 s, against a 10 s limit below

    with pytest.raises(InvalidVideo, match="longer than the 10-second limit"):
        extract_audio(long_clip, tmp_path / "work" / "audio.wav", probe, max_duration_s=10)
    with pytest.raises(InvalidVideo, match="longer than the 10-second limit"):
        detect_shots(long_clip, probe, tmp_path / "work", max_duration_s=10)
    assert [p.name for p in (tmp_path / "work").iterdir() if p.is_file()] == []
    # Decoding stopped near the limit, not at the end: the whole 30 s would give 60 samples.
    assert len(list((tmp_path / "work" / "samples").glob("*.jpg"))) < 2 * 15
