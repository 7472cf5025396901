"""Jump cuts (framepilot/pipeline/jumps.py): small moves between takes are found, speech is not a cut."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from framepilot.pipeline.transitions import JUMP, TransitionDetector

FPS = 25.0
SIZE = (320, 240)


def _texture(seed: int, width: int, height: int) -> np.ndarray:
    noise = np.random.default_rng(seed).uniform(0, 255, (height, width)).astype(np.float32)
    return cv2.GaussianBlur(noise, (0, 0), 2.0)


def presenter_frames(seconds: float, removed: tuple[float, float] | None = None) -> list[np.ndarray]:
    """A textured head drifting slowly (under half a pixel a frame) in front of a textured wall,
    its mouth opening and closing three times a second like speech. With `removed`, that
    stretch (seconds) is cut out: a jump cut in which the head moves by only a few pixels."""
    width, height = SIZE
    wall = _texture(1, width, height) * 0.5 + 64
    face = _texture(2, width, height) * 0.8 + 40
    mask = np.zeros((height, width), np.float32)
    cv2.ellipse(mask, (width // 2, height // 2), (45, 60), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 1.5)
    frames = []
    for n in range(round(seconds * FPS)):
        t = n / FPS
        if removed and removed[0] <= t < removed[1]:
            continue
        dx, dy = 8 * float(np.sin(2 * np.pi * t / 6)), 3 * float(np.sin(2 * np.pi * t / 5))
        shift = np.float32([[1, 0, dx], [0, 1, dy]])
        head = cv2.warpAffine(face, shift, SIZE, borderMode=cv2.BORDER_REFLECT)
        head_mask = cv2.warpAffine(mask, shift, SIZE)
        picture = wall * (1 - head_mask) + head * head_mask
        mouth_x, mouth_y = width // 2 + round(dx), height // 2 + 30 + round(dy)
        opening = 4 + 4 * np.sin(2 * np.pi * 3 * t)
        cv2.ellipse(picture, (mouth_x, mouth_y), (14, max(1, int(opening))), 0, 0, 360, 30.0, -1)
        picture += np.random.default_rng(100 + n).normal(0, 1.5, picture.shape).astype(np.float32)
        frames.append(cv2.cvtColor(np.clip(picture, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR))
    return frames


def boundaries(frames: list[np.ndarray]) -> list[tuple[int, str]]:
    detector = TransitionDetector(FPS)
    for index, frame in enumerate(frames):
        detector.add(index, frame)
    return [(b.frame, b.kind) for b in detector.boundaries()]


def test_a_jump_cut_that_moves_the_speaker_only_a_few_pixels_is_found():
    found = boundaries(presenter_frames(8.0, removed=(4.0, 4.4)))
    assert [kind for _, kind in found] == [JUMP]
    assert abs(found[0][0] - 100) <= 2


def test_a_speaker_talking_and_drifting_in_one_take_is_one_shot():
    assert boundaries(presenter_frames(8.0)) == []


def test_a_slideshow_of_stills_held_for_seconds_is_cut_only_where_the_picture_changes():
    """Every distinct frame is seconds from the next, so there is no usual motion to compare
    with: four builds of one slide (a little brighter each time), then four of another."""
    rng = np.random.default_rng(7)
    bases = [cv2.GaussianBlur(rng.uniform(0, 255, (SIZE[1], SIZE[0])).astype(np.float32), (0, 0), 3)
             for _ in range(2)]
    slides = [cv2.cvtColor(np.clip((bases[k // 4] - 128) * 4 + 100 + 2 * (k % 4), 0, 255).astype(np.uint8),
                           cv2.COLOR_GRAY2BGR) for k in range(8)]
    frames = [slides[n // 150] for n in range(1200)]  # a new slide every 6 s
    assert [frame for frame, _ in boundaries(frames)] == [600]


@pytest.mark.shared_media
@pytest.mark.parametrize(("clip", "removed"), [("grid_lbax4n.mpg", [(18, 29)]),
                                               ("liveportrait_d12.mp4", [(98, 155)])])
def test_jump_cuts_with_little_movement_in_real_talking_clips_are_found(shared_media, tmp_path, clip, removed):
    """Calibration cases of testkit/evalsets/jumpcuts.py that the 64-px detector of round 1 missed."""
    from framepilot.pipeline.probe import probe_video
    from framepilot.pipeline.shots import detect_shots
    from testkit.evalsets.jumpcuts import render_case

    path = tmp_path / "jump.mp4"
    render_case(shared_media / "talking" / clip, path, removed)
    detection = detect_shots(path, probe_video(path), tmp_path / "out")
    found = [(s.start_frame, s.transition_in) for s in detection.spans[1:]]
    assert [kind for _, kind in found] == [JUMP]
    assert abs(found[0][0] - removed[0][0]) <= 2


@pytest.mark.shared_media
def test_untouched_talking_clips_stay_one_shot(shared_media, tmp_path):
    """Speech, blinks and gestures in single-take clips must never read as a jump cut."""
    from framepilot.pipeline.probe import probe_video
    from framepilot.pipeline.shots import detect_shots

    clips = sorted((shared_media / "talking").iterdir())
    assert clips
    extra = {clip.name: len(detect_shots(clip, probe_video(clip), tmp_path / clip.stem).spans) - 1
             for clip in clips}
    assert extra == dict.fromkeys(extra, 0)
