"""Camera movement of a shot (static, pan, tilt, zoom, handheld) from its motion samples.

detect_shots measures global motion between consecutive sampled frames (about two a second)
at the analysis width (~320 px). A camera move is a *sustained* motion in one direction, so
the tests are on the per-second mean and on how consistently the samples agree in sign; a
hand-held camera moves as much but without a direction, and leaves residual shake.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel

from framepilot.models import CameraMovement, MotionSample

DEFAULT_INTERVAL_S = 0.5
# Pixels per second at 320 px width: 8 px/s is 2.5 % of the frame width a second, a slow pan.
PAN_SPEED = 8.0
# Sum of signed motion over sum of absolute motion: 1 = always the same way, 0 = back and forth.
CONSISTENCY = 0.6
ZOOM_RATE = 0.03  # relative scale change per second
# Without a direction: mean motion magnitude (px/s) or mean residual shake (px) above these.
# Tripod talking heads measured under 1 px/s; a street shot with passing traffic about 5.
HANDHELD_SPEED = 10.0
HANDHELD_SHAKE = 1.5


class MovementReading(BaseModel):
    movement: CameraMovement
    motion: dict[str, float]


def samples_in_shot(motion: Sequence[MotionSample], start_s: float, end_s: float) -> list[MotionSample]:
    """The samples whose time lies inside the shot (end exclusive, so a cut is not counted)."""
    return [m for m in motion if start_s <= m.t < end_s]


def sampling_interval(motion: Sequence[MotionSample]) -> float:
    """Seconds between motion samples: the median spacing of the whole detection."""
    times = sorted(m.t for m in motion)
    gaps = [b - a for a, b in zip(times, times[1:]) if b - a > 1e-6]
    return float(np.median(gaps)) if gaps else DEFAULT_INTERVAL_S


def _consistency(values: np.ndarray) -> float:
    total = float(np.abs(values).sum())
    return abs(float(values.sum())) / total if total > 1e-9 else 0.0


def _without_outlier(samples: Sequence[MotionSample]) -> Sequence[MotionSample]:
    """Drop the single largest motion when there are enough samples: the pair of frames that
    straddles a cut, or one jolt, should not turn a static shot into a pan."""
    if len(samples) < 4:
        return samples
    biggest = max(range(len(samples)), key=lambda i: abs(samples[i].dx) + abs(samples[i].dy))
    return [m for i, m in enumerate(samples) if i != biggest]


def classify_movement(samples: Sequence[MotionSample], interval_s: float = DEFAULT_INTERVAL_S) -> MovementReading:
    """The dominant camera movement of one shot; static when there are no samples."""
    if not samples:
        return MovementReading(
            movement=CameraMovement.STATIC, motion={"dx": 0.0, "dy": 0.0, "zoom": 0.0, "shake": 0.0}
        )
    interval = interval_s if interval_s > 0 else DEFAULT_INTERVAL_S
    samples = _without_outlier(samples)
    dx = np.array([m.dx for m in samples], dtype=float) / interval
    dy = np.array([m.dy for m in samples], dtype=float) / interval
    zoom = np.array([m.zoom for m in samples], dtype=float)
    shake = np.array([m.shake for m in samples], dtype=float)
    mean_dx, mean_dy = float(dx.mean()), float(dy.mean())
    mean_zoom, mean_shake = float(zoom.mean()), float(shake.mean())
    summary = {
        "dx": round(mean_dx, 3),
        "dy": round(mean_dy, 3),
        "zoom": round(mean_zoom, 4),
        "shake": round(mean_shake, 3),
    }

    if abs(mean_zoom) >= ZOOM_RATE and _consistency(zoom) >= CONSISTENCY:
        movement = CameraMovement.ZOOM
    elif abs(mean_dx) >= PAN_SPEED and abs(mean_dx) >= abs(mean_dy) and _consistency(dx) >= CONSISTENCY:
        movement = CameraMovement.PAN
    elif abs(mean_dy) >= PAN_SPEED and _consistency(dy) >= CONSISTENCY:
        movement = CameraMovement.TILT
    elif float(np.hypot(dx, dy).mean()) >= HANDHELD_SPEED or mean_shake >= HANDHELD_SHAKE:
        movement = CameraMovement.HANDHELD
    else:
        movement = CameraMovement.STATIC
    return MovementReading(movement=movement, motion=summary)
