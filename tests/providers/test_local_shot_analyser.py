"""The local shot analyser end to end: a ShotDetection built from real JPEGs, a transcript and
a generated WAV go in; one Shot per span and exactly one metered llm_calls row come out.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import imageio_ffmpeg
import pytest

from framepilot.models import (
    CameraMovement,
    FrameSample,
    MotionSample,
    Segment,
    Shot,
    ShotDetection,
    ShotScale,
    ShotSpan,
    Transcript,
    VideoProbe,
    Word,
)
from framepilot.providers.base import ShotAnalyser
from framepilot.providers.local.shot_analyser import LocalShotAnalyser
from framepilot.store import repository as repo
from framepilot.usage.metering import CallContext

TALKING_HEAD = Path(__file__).resolve().parents[1] / "fixtures" / "grid_talking_head.jpg"
FPS = 25.0


def ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-v", "error", "-nostdin", *args, "-y"],
                   check=True, timeout=120)


@pytest.fixture
def detection(tmp_path) -> ShotDetection:
    """Shot 0 (0-4 s): a tripod talking head. Shot 1 (4-8 s): a test pattern panning left."""
    person = cv2.imread(str(TALKING_HEAD))
    pattern_png = tmp_path / "pattern.png"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=1", "-frames:v", "1", str(pattern_png))
    pattern = cv2.imread(str(pattern_png))

    samples, motion = [], []
    for i in range(16):  # two samples a second, as detect_shots keeps them
        t = i * 0.5
        path = tmp_path / f"sample_{i:03d}.jpg"
        cv2.imwrite(str(path), person if t < 4.0 else pattern)
        samples.append(FrameSample(t=t, frame=int(t * FPS), path=str(path)))
        if i:
            panning = t >= 4.0
            motion.append(MotionSample(t=t, dx=-20.0 if panning else 0.2, dy=0.0, zoom=0.0, shake=0.3))
    keyframes = []
    for name, image in (("key_0.jpg", person), ("key_1.jpg", pattern)):
        cv2.imwrite(str(tmp_path / name), image)
        keyframes.append(str(tmp_path / name))
    spans = [
        ShotSpan(index=0, start_s=0.0, end_s=4.0, start_frame=0, end_frame=99, transition_in="start",
                 keyframe_path=keyframes[0]),
        ShotSpan(index=1, start_s=4.0, end_s=8.0, start_frame=100, end_frame=199, keyframe_path=keyframes[1]),
    ]
    return ShotDetection(fps=FPS, frame_count=200, spans=spans, motion=motion, samples=samples)


@pytest.fixture
def probe() -> VideoProbe:
    return VideoProbe(duration_s=8.0, fps=FPS, width=360, height=288, display_width=360, display_height=288,
                      video_codec="h264", audio_codec="pcm_s16le", has_audio=True, frame_count=200,
                      size_bytes=1000)


@pytest.fixture
def transcript() -> Transcript:
    words = [Word(word=f"word{i}", start=0.3 + 0.35 * i, end=0.3 + 0.35 * i + 0.3) for i in range(10)]
    return Transcript(language="en", text=" ".join(w.word for w in words),
                      segments=[Segment(start=0.3, end=3.8, text="...", words=words)])


@pytest.fixture
def audio(tmp_path) -> Path:
    """Speech-level tone in the first shot, digital silence in the second (16 kHz mono). The tone
    stops half a second before the cut, past the loudness filter's ringing."""
    out = tmp_path / "audio.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=3.5:sample_rate=16000",
           "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono",
           "-filter_complex", "[1]atrim=duration=4.5[s];[0][s]concat=n=2:v=0:a=1", "-ac", "1", str(out))
    return out


def test_analyse_reads_every_shot_and_records_one_free_local_call(
    settings, db, user_a, probe, detection, transcript, audio
):
    analyser = LocalShotAnalyser(settings)
    assert isinstance(analyser, ShotAnalyser) and analyser.provider == "local"
    ctx = CallContext(db=db, user_id=user_a.id)

    shots = analyser.analyse(probe, detection, transcript, audio, ctx)

    assert [s.index for s in shots] == [0, 1]
    assert all(Shot.model_validate(s.model_dump()) == s for s in shots)
    talking, pattern = shots
    assert (talking.start_s, talking.end_s, talking.keyframe_path) == (0.0, 4.0, detection.spans[0].keyframe_path)
    assert talking.scale is ShotScale.MCU and talking.scale_method == "face"
    assert talking.movement is CameraMovement.STATIC
    assert talking.words_per_minute == pytest.approx(150.0)
    assert -30 < talking.loudness_lufs < -10
    assert 0.3 < talking.composition.subject_x < 0.65 and talking.composition.face_height > 0.3
    assert talking.exposure is not None and talking.exposure.face_brightness > 0.3
    assert talking.issues == []

    assert pattern.scale_method == "fallback"
    assert pattern.movement is CameraMovement.PAN and pattern.motion["dx"] == pytest.approx(-40.0, abs=1.0)
    assert pattern.words_per_minute is None
    assert pattern.loudness_lufs == -70.0 and "no audible sound" in pattern.issues

    calls = repo.list_llm_calls(db, user_a)
    assert len(calls) == 1
    call = calls[0]
    assert (call.provider, call.model, call.operation, call.status) == (
        "local", "mediapipe-0.10.21", "analyse_shots", "ok")
    assert call.cost_usd == 0.0
    assert call.compute_seconds > 0.0
    assert [c.operation for c in ctx.calls] == ["analyse_shots"]


def test_without_audio_there_is_no_loudness(settings, probe, detection, transcript):
    shots = LocalShotAnalyser(settings).analyse(probe, detection, transcript, None, CallContext())
    assert [s.loudness_lufs for s in shots] == [None, None]
    assert not any("audio" in issue or "sound" in issue for s in shots for issue in s.issues)


def test_a_shot_without_frames_still_gets_movement_and_pace(settings, probe, transcript):
    bare = ShotDetection(fps=FPS, frame_count=100, spans=[
        ShotSpan(index=0, start_s=0.0, end_s=4.0, start_frame=0, end_frame=99, keyframe_path="/nonexistent.jpg")])
    (shot,) = LocalShotAnalyser(settings).analyse(probe, bare, transcript, None, CallContext())
    assert shot.scale is None and shot.exposure is None
    assert shot.movement is CameraMovement.STATIC
    assert shot.words_per_minute == pytest.approx(150.0)


def test_importing_the_analyser_does_not_load_mediapipe():
    code = "import sys, framepilot.providers.local.shot_analyser; print('mediapipe' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"
