"""The reframe window: follows the face, smoothly, within a speed limit; falls back when there is none."""

from __future__ import annotations

import numpy as np

from framepilot.finish.look import Face, Look
from framepilot.finish.plan import Segment
from framepilot.finish.reframe import MAX_SPEED, crop_commands, plan_crop, window_size


def _look(xs: list[float | None], fps: float = 25.0, rate: float = 5.0) -> Look:
    look = Look(fps=fps, width=320, height=180, frames=int(len(xs) / rate * fps))
    look.faces = [(i / rate, [Face(cx=x, cy=0.35, w=0.12, h=0.2, score=0.9)] if x is not None else [])
                  for i, x in enumerate(xs)]
    return look


def _segments(duration: float, fps: float = 25.0) -> list[Segment]:
    return [Segment(start_frame=0, end_frame=int(duration * fps), src_start_s=0.0, src_end_s=duration, out_start_s=0.0)]


def test_the_window_is_the_largest_of_the_output_shape():
    assert window_size(1920, 1080, 1080, 1920) == (608, 1080)
    assert window_size(1920, 1080, 1080, 1080) == (1080, 1080)
    assert window_size(720, 1280, 1080, 1350) == (720, 900)


def test_the_window_follows_a_face_that_walks_across_without_outrunning_the_speed_limit():
    xs = list(np.linspace(0.3, 0.7, 50))  # ten seconds, left to right
    path, _segs, notes = plan_crop(_look(xs), _segments(10.0), 1920, 1080, 1080, 1920)
    assert path.follows == "face" and not notes
    centres = [(k.t, k.cx) for k in path.keys]
    for t, cx in centres[1:-1]:
        assert abs(cx - np.interp(t, np.arange(50) / 5.0, np.array(xs) * 1920)) < path.width / 6
    assert path.max_step_px <= MAX_SPEED * path.width / 25.0 + 1e-6


def test_a_face_that_only_trembles_leaves_the_window_still():
    rng = np.random.default_rng(1)
    xs = list(0.5 + rng.normal(0, 0.005, 50))
    path, _segs, _ = plan_crop(_look(xs), _segments(10.0), 1920, 1080, 1080, 1920)
    assert max(k.cx for k in path.keys) - min(k.cx for k in path.keys) < 2.0


def test_without_a_face_the_window_holds_the_subject_or_the_centre_and_says_so():
    path, _segs, notes = plan_crop(_look([None] * 20), _segments(4.0), 1920, 1080, 1080, 1920, fallback_x=0.3)
    assert path.follows == "subject" and all(abs(k.cx - 576) < 1 for k in path.keys)
    assert notes and "No face" in notes[0]
    path, _segs, notes = plan_crop(_look([None] * 20), _segments(4.0), 1920, 1080, 1080, 1920)
    assert path.follows == "centre" and "centre" in notes[0]


def test_crop_commands_move_the_window_on_every_frame_and_resize_it_for_a_punch_in():
    segments = [Segment(start_frame=0, end_frame=50, src_start_s=0.0, src_end_s=2.0, out_start_s=0.0),
                Segment(start_frame=75, end_frame=125, src_start_s=3.0, src_end_s=5.0, out_start_s=2.0,
                        punch_in=1.15)]
    path, segments, _ = plan_crop(_look([0.5] * 20), segments, 1920, 1080, 1080, 1920)
    lines = crop_commands(path, segments, 25.0, 1920, 1080).splitlines()
    assert len(lines) == 100
    assert "crop w 608, crop h 1080" in lines[0] and "crop w 528, crop h 940" in lines[50]
