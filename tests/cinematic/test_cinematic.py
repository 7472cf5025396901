"""Specifications of the cinematic measurements: shot scale, composition, exposure, camera
movement, loudness and speech pace, on real frames and on media generated with ffmpeg.

tests/fixtures/grid_talking_head.jpg is frame 37 of GRID corpus clip bbaf2n (from the
rizkiarm/LipNet evaluation samples; GRID is believed CC BY 4.0): a tripod talking head, MCU.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import av
import cv2
import imageio_ffmpeg
import numpy as np
import pytest

from framepilot.cinematic.composition import (
    CUT_OFF_AT_TOP_ISSUE,
    NO_LEAD_ROOM_ISSUE,
    TOO_MUCH_HEADROOM_ISSUE,
    composition_issues,
    read_composition,
)
from framepilot.cinematic.exposure import exposure_issues, measure_exposure
from framepilot.cinematic.loudness import (
    SILENCE_LUFS,
    loudness_issues,
    measure_loudness,
)
from framepilot.cinematic.movement import classify_movement, samples_in_shot
from framepilot.cinematic.pace import pace_issues, words_per_minute
from framepilot.cinematic.scale import (
    BodyReading,
    FaceBox,
    ScaleReading,
    classify_shot_scale,
    combine_scale_readings,
    scale_from_body,
)
from framepilot.models import CameraMovement, MotionSample, ShotScale, Word

TALKING_HEAD = Path(__file__).resolve().parents[1] / "fixtures" / "grid_talking_head.jpg"


def ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-v", "error", "-nostdin", *args, "-y"],
                   check=True, timeout=120)


@pytest.fixture(scope="module")
def talking_head() -> np.ndarray:
    image = cv2.imread(str(TALKING_HEAD))
    assert image is not None
    return image


@pytest.fixture
def testsrc_frame(tmp_path) -> np.ndarray:
    """A generated test pattern: colour bars and a counter, nobody in it."""
    out = tmp_path / "testsrc.png"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=1", "-frames:v", "1", str(out))
    return cv2.imread(str(out))


def _face_px(image: np.ndarray) -> tuple[float, float, float, float]:
    face = classify_shot_scale(image).face
    h, w = image.shape[:2]
    return face.x * w, face.y * h, (face.x + face.w) * w, (face.y + face.h) * h


def _crop(image: np.ndarray, top: float, bottom: float, centre_x: float, aspect: float) -> np.ndarray:
    h, w = image.shape[:2]
    half = (bottom - top) * aspect / 2
    crop = image[int(max(top, 0)):int(min(bottom, h)), int(max(centre_x - half, 0)):int(min(centre_x + half, w))]
    return cv2.resize(crop, (crop.shape[1] * 2, crop.shape[0] * 2), interpolation=cv2.INTER_CUBIC)


def _smaller_on_canvas(image: np.ndarray, share: float) -> np.ndarray:
    """The frame shrunk to `share` of a twice-as-large plain canvas, standing on its bottom edge."""
    h, w = image.shape[:2]
    canvas = np.full((h * 2, w * 2, 3), (150, 140, 130), np.uint8)
    small = cv2.resize(image, (int(w * 2 * share), int(h * 2 * share)), interpolation=cv2.INTER_AREA)
    x = (canvas.shape[1] - small.shape[1]) // 2
    canvas[canvas.shape[0] - small.shape[0]:, x:x + small.shape[1]] = small
    return canvas


# --- shot scale --------------------------------------------------------------------------------


def test_a_tripod_talking_head_reads_as_a_medium_close_up_from_its_face(talking_head):
    reading = classify_shot_scale(talking_head)
    assert reading.scale is ShotScale.MCU
    assert reading.method == "face"
    assert 0.35 < reading.face_height < 0.6
    assert reading.confidence > 0.5


def test_tighter_framings_of_the_same_person_read_tighter(talking_head):
    x0, y0, x1, y1 = _face_px(talking_head)
    fh, cx = y1 - y0, (x0 + x1) / 2
    framings = {
        ShotScale.FS: _smaller_on_canvas(talking_head, 0.3),
        ShotScale.MS: _smaller_on_canvas(talking_head, 0.4),
        ShotScale.MCU: talking_head,
        ShotScale.CU: _crop(talking_head, y0 - 0.35 * fh, y1 + 0.05 * fh, cx, 1.25),
        ShotScale.ECU: _crop(talking_head, y0 + 0.1 * fh, y1 - 0.1 * fh, cx, 1.5),
    }
    read = {expected: classify_shot_scale(image).scale for expected, image in framings.items()}
    assert read == {s: s for s in framings}


def test_an_eye_filling_the_frame_is_an_extreme_close_up(talking_head):
    x0, y0, x1, y1 = _face_px(talking_head)
    fh = y1 - y0
    eyes = _crop(talking_head, y0 + 0.15 * fh, y0 + 0.55 * fh, (x0 + x1) / 2, 1.8)
    assert classify_shot_scale(eyes).scale is ShotScale.ECU


def test_a_frame_without_people_falls_back(testsrc_frame):
    reading = classify_shot_scale(testsrc_frame)
    assert reading.method == "fallback"
    assert reading.face is None and reading.body is None
    assert reading.scale is not None


def test_a_black_frame_has_no_scale():
    reading = classify_shot_scale(np.zeros((360, 640, 3), np.uint8))
    assert reading.scale is None
    assert reading.method == "fallback"


def test_body_parts_in_frame_decide_the_wider_scales():
    def body(parts, top=0.1, bottom=0.9):
        return BodyReading(parts=parts, centre_x=0.5, top_y=top, bottom_y=bottom, visibility=0.9)

    assert scale_from_body(body(["head", "shoulders", "hips", "knees", "ankles"])) is ShotScale.FS
    assert scale_from_body(body(["head", "shoulders", "hips", "knees", "ankles"], 0.5, 0.65)) is ShotScale.WS
    assert scale_from_body(body(["head", "shoulders", "elbows", "hips"])) is ShotScale.MS
    assert scale_from_body(body(["head", "shoulders"])) is ShotScale.MCU
    assert scale_from_body(body(["head"])) is None


def test_frames_with_a_person_outvote_frames_without():
    person = ScaleReading(scale=ShotScale.MS, method="pose", confidence=0.9)
    empty = ScaleReading(scale=ShotScale.CU, method="fallback", confidence=0.3)
    assert combine_scale_readings([empty, person, empty]).scale is ShotScale.MS
    assert combine_scale_readings([empty, empty]).scale is ShotScale.CU


@pytest.mark.shared_media
def test_shared_stills_scale_mostly_exact_and_never_off_by_more_than_one(shared_media):
    import json

    truth = json.loads((shared_media / "ground_truth.json").read_text())
    stills = [f for f in truth["files"] if "shot_scale" in f]
    assert stills
    off = [
        abs(classify_shot_scale(cv2.imread(str(shared_media / f["path"]))).scale.rank
            - ShotScale(f["shot_scale"]).rank)
        for f in stills
    ]
    assert sum(o == 0 for o in off) / len(off) >= 0.7
    assert max(off) <= 1


@pytest.mark.shared_media
def test_every_labelled_shot_of_the_shared_media_is_within_one_class(shared_media):
    from testkit.evalsets.scale import evaluate

    result = evaluate(shared_media)
    assert len(result["rows"]) >= 15
    assert result["exact"] >= 0.7
    assert result["within_one"] == 1.0


# --- composition -------------------------------------------------------------------------------


def test_a_well_framed_talking_head_has_no_composition_issues(talking_head):
    reading = classify_shot_scale(talking_head)
    composition = read_composition(reading)
    assert 0.3 < composition.subject_x < 0.65
    assert 0.05 < composition.headroom < 0.3
    assert composition.thirds_offset < 0.25
    assert composition_issues(reading, composition) == []


def test_a_subject_sunk_to_the_bottom_has_too_much_headroom(talking_head):
    h = talking_head.shape[0]
    backdrop = np.empty((int(h * 0.8), talking_head.shape[1], 3), np.uint8)
    backdrop[:] = talking_head[5, 5]
    sunk = np.vstack([backdrop, talking_head])
    reading = classify_shot_scale(sunk)
    composition = read_composition(reading)
    assert composition.headroom > 0.4
    assert TOO_MUCH_HEADROOM_ISSUE in composition_issues(reading, composition)


def _reading(scale, **face) -> ScaleReading:
    box = FaceBox(score=0.9, **face)
    return ScaleReading(scale=scale, method="face", confidence=0.9, face=box, face_height=box.h)


def test_a_forehead_cut_by_the_frame_is_an_issue_only_in_wider_shots():
    face = dict(x=0.4, y=-0.06, w=0.2, h=0.3, right_eye=(0.45, 0.05), left_eye=(0.55, 0.05), nose_tip=(0.5, 0.12))
    wide = _reading(ShotScale.MS, **face)
    tight = _reading(ShotScale.CU, **face)
    assert CUT_OFF_AT_TOP_ISSUE in composition_issues(wide, read_composition(wide))
    assert CUT_OFF_AT_TOP_ISSUE not in composition_issues(tight, read_composition(tight))


def test_an_off_centre_subject_facing_the_near_edge_lacks_lead_room():
    eyes = dict(x=0.05, y=0.25, w=0.15, h=0.25, right_eye=(0.09, 0.33), left_eye=(0.15, 0.33))
    facing_edge = _reading(ShotScale.MCU, **eyes, nose_tip=(0.09, 0.4))
    facing_frame = _reading(ShotScale.MCU, **eyes, nose_tip=(0.16, 0.4))
    assert NO_LEAD_ROOM_ISSUE in composition_issues(facing_edge, read_composition(facing_edge))
    assert NO_LEAD_ROOM_ISSUE not in composition_issues(facing_frame, read_composition(facing_frame))


# --- exposure ----------------------------------------------------------------------------------


def test_a_normal_talking_head_has_no_exposure_issues(talking_head):
    face = classify_shot_scale(talking_head).face
    exposure = measure_exposure(talking_head, face)
    assert 0.3 < exposure.brightness < 0.7
    assert 0.35 < exposure.face_brightness < 0.75
    assert 4000 < exposure.colour_temperature_k < 10000
    assert exposure_issues(exposure) == []


def test_a_dark_image_is_underexposed(talking_head, testsrc_frame):
    face = classify_shot_scale(talking_head).face
    dark_face = (talking_head.astype(np.float32) * 0.25).astype(np.uint8)
    dark_scene = (testsrc_frame.astype(np.float32) * 0.2).astype(np.uint8)
    assert "underexposed face" in exposure_issues(measure_exposure(dark_face, face))
    assert "underexposed" in exposure_issues(measure_exposure(dark_scene))
    assert "underexposed" not in exposure_issues(measure_exposure(testsrc_frame))


def test_a_blown_out_image_is_overexposed_with_clipped_highlights(talking_head):
    bright = np.clip(talking_head.astype(np.float32) * 2.2 + 40, 0, 255).astype(np.uint8)
    issues = exposure_issues(measure_exposure(bright))
    assert "overexposed" in issues and "blown highlights" in issues


def test_a_blurred_image_is_soft_and_the_sharp_one_is_not(talking_head):
    face = classify_shot_scale(talking_head).face
    blurred = cv2.GaussianBlur(talking_head, (0, 0), 2.0)
    sharp, soft = measure_exposure(talking_head, face), measure_exposure(blurred, face)
    assert soft.sharpness < sharp.sharpness / 5
    assert "soft focus" in exposure_issues(soft)
    assert "soft focus" not in exposure_issues(sharp)


def test_colour_casts_read_as_warm_and_cool_white_balance(testsrc_frame, talking_head):
    scene = talking_head.astype(np.float32)
    warm = np.clip(scene * [0.6, 0.9, 1.35], 0, 255).astype(np.uint8)  # BGR: less blue, more red
    cool = np.clip(scene * [1.35, 1.0, 0.65], 0, 255).astype(np.uint8)
    k_warm = measure_exposure(warm).colour_temperature_k
    k_cool = measure_exposure(cool).colour_temperature_k
    k_orig = measure_exposure(talking_head).colour_temperature_k
    assert k_warm < k_orig < k_cool
    assert "very cool white balance" in exposure_issues(measure_exposure(cool))


# --- movement ----------------------------------------------------------------------------------


def _samples(dxs, dys=None, zooms=None, shakes=None, interval=0.5):
    n = len(dxs)
    dys, zooms, shakes = dys or [0.0] * n, zooms or [0.0] * n, shakes or [0.2] * n
    return [MotionSample(t=(i + 1) * interval, dx=dx, dy=dy, zoom=z, shake=s)
            for i, (dx, dy, z, s) in enumerate(zip(dxs, dys, zooms, shakes))]


def test_synthetic_motion_reads_as_the_matching_camera_movement():
    assert classify_movement(_samples([0.3, -0.2, 0.1, 0.0])).movement is CameraMovement.STATIC
    assert classify_movement(_samples([-18, -20, -19, -21])).movement is CameraMovement.PAN
    assert classify_movement(_samples([0.5] * 4, dys=[12, 11, 13, 12])).movement is CameraMovement.TILT
    assert classify_movement(_samples([0.0] * 4, zooms=[0.08] * 4)).movement is CameraMovement.ZOOM
    jitter = classify_movement(_samples([5, -6, 4, -5, 6], dys=[-4, 5, -3, 4, -5], shakes=[2.5] * 5))
    assert jitter.movement is CameraMovement.HANDHELD
    assert classify_movement([]).movement is CameraMovement.STATIC


def test_one_jolt_across_a_cut_does_not_make_a_pan():
    reading = classify_movement(_samples([0.2, 90.0, -0.1, 0.3, 0.0]))
    assert reading.movement is CameraMovement.STATIC


def test_the_motion_summary_is_per_second():
    reading = classify_movement(_samples([-10, -10, -10], interval=0.5), interval_s=0.5)
    assert reading.motion["dx"] == pytest.approx(-20.0)
    assert set(reading.motion) == {"dx", "dy", "zoom", "shake"}


def _phase_correlation_motion(path: Path, every_s: float = 0.5) -> list[MotionSample]:
    """Global translation between frames half a second apart at 320 px width, as detect_shots
    measures it (test-only stand-in for the real estimator)."""
    samples, prev, next_t = [], None, 0.0
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            t = float(frame.time)
            if t + 1e-6 < next_t:
                continue
            next_t = t + every_s
            image = frame.to_ndarray(format="bgr24")
            h, w = image.shape[:2]
            grey = cv2.cvtColor(cv2.resize(image, (320, round(h * 320 / w)), interpolation=cv2.INTER_AREA),
                                cv2.COLOR_BGR2GRAY).astype(np.float32)
            if prev is not None:
                (dx, dy), _ = cv2.phaseCorrelate(prev, grey)
                samples.append(MotionSample(t=t, dx=dx, dy=dy, zoom=0.0, shake=0.0))
            prev = grey
    return samples


def _texture(path: Path) -> None:
    rng = np.random.default_rng(1)
    layers = [cv2.resize(rng.random((360 // s, 1280 // s, 3)).astype(np.float32), (1280, 360),
                         interpolation=cv2.INTER_CUBIC) * weight for s, weight in ((40, 0.5), (10, 0.3), (3, 0.2))]
    cv2.imwrite(str(path), np.clip(sum(layers) * 255, 0, 255).astype(np.uint8))


@pytest.mark.parametrize(("crop_x", "expected"), [("t*80", CameraMovement.PAN), ("100", CameraMovement.STATIC)])
def test_generated_footage_reads_as_pan_or_static(tmp_path, crop_x, expected):
    _texture(tmp_path / "texture.png")
    clip = tmp_path / "clip.mp4"
    ffmpeg("-loop", "1", "-framerate", "25", "-i", str(tmp_path / "texture.png"),
           "-vf", f"crop=640:360:x='{crop_x}':y=0", "-t", "4", "-pix_fmt", "yuv420p",
           "-c:v", "libx264", "-preset", "ultrafast", str(clip))
    motion = _phase_correlation_motion(clip)
    assert len(motion) >= 6
    reading = classify_movement(samples_in_shot(motion, 0.0, 4.0), interval_s=0.5)
    assert reading.movement is expected
    if expected is CameraMovement.PAN:
        assert reading.motion["dx"] == pytest.approx(-40.0, abs=4.0)  # 80 px/s at 640 -> 40 at 320


@pytest.mark.shared_media
def test_a_tripod_talking_head_clip_reads_as_static(shared_media):
    motion = _phase_correlation_motion(shared_media / "talking" / "grid_bbaf2n.mpg")
    assert classify_movement(motion).movement is CameraMovement.STATIC


# --- loudness ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tone_then_silence(tmp_path_factory) -> Path:
    """3 s of a 440 Hz tone, then 3 s of digital silence, 16 kHz mono (as the audio stage writes)."""
    out = tmp_path_factory.mktemp("audio") / "tone_silence.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3:sample_rate=16000",
           "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono",
           "-filter_complex", "[1]atrim=duration=3[s];[0][s]concat=n=2:v=0:a=1", "-ac", "1", str(out))
    return out


def _ffmpeg_integrated(path: Path) -> float:
    proc = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path),
                           "-af", "ebur128", "-f", "null", "-"], capture_output=True, text=True, check=True)
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", proc.stderr)[-1])


def test_a_tone_is_loud_and_silence_sits_at_the_gate(tone_then_silence, tmp_path):
    track = measure_loudness(tone_then_silence)
    tone_only = tmp_path / "tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3:sample_rate=16000", str(tone_only))

    tone, silence = track.integrated(0.0, 3.0), track.integrated(3.5, 6.0)
    assert tone == pytest.approx(_ffmpeg_integrated(tone_only), abs=0.3)
    assert silence == SILENCE_LUFS
    assert loudness_issues(tone) == []
    assert loudness_issues(silence) == ["no audible sound"]
    # the windows integrate to what ffmpeg reports for the whole file
    assert track.integrated(0.0, 6.0) == pytest.approx(_ffmpeg_integrated(tone_then_silence), abs=0.3)
    assert track.integrated(1.0, 1.2) is None  # shorter than one 400 ms block


def test_a_faint_tone_is_very_quiet(tmp_path):
    faint = tmp_path / "faint.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=16000", "-af", "volume=0.03", str(faint))
    lufs = measure_loudness(faint).integrated(0.0, 2.0)
    assert -60 < lufs < -30
    assert loudness_issues(lufs) == ["very quiet audio"]


# --- pace --------------------------------------------------------------------------------------


def test_words_per_minute_counts_words_starting_in_the_shot():
    words = [Word(word=f"w{i}", start=0.4 * i, end=0.4 * i + 0.3) for i in range(20)]  # 0.0 .. 7.6 s
    assert words_per_minute(words, 0.0, 4.0) == pytest.approx(150.0)  # 10 words in 4 s
    assert words_per_minute(words, 0.0, 1.5) is None  # too short to say
    assert words_per_minute(words, 10.0, 14.0) is None  # nobody speaks
    assert pace_issues(150.0, 10) == []
    assert pace_issues(240.0, 12) == ["very fast speech"]
