"""Global camera motion from the single decode pass, so no later stage decodes again.

Every few frames (about six times a second) corners are tracked from the previous measured
frame with pyramidal Lucas-Kanade, and a similarity transform (shift, scale, rotation) is
fitted with RANSAC, so a moving person does not drag the estimate as long as the background
shows. After the shots are known, the pairs inside each shot are summed into half-second
`MotionSample`s: pairs that straddle a cut are dropped, since flow across a cut is noise.

Units: pixels at 320 px frame width. dx/dy are how far the picture content moved (a camera
panning right moves the content left: dx < 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from framepilot.models import MotionSample, ShotSpan

MEASURES_PER_SECOND = 6.0
SAMPLE_INTERVAL_S = 0.5
REFERENCE_WIDTH = 320.0
MIN_INLIERS = 12
BAND_SIDE = 0.25  # share of the width tracked at each side
BAND_TOP = 0.2  # share of the height tracked at the top
MIN_INLIER_SHARE = 0.3


@dataclass(frozen=True)
class FlowPair:
    """Similarity motion from frame `start` to frame `end`; `ok` is False when it could not be measured."""

    start: int
    end: int
    dx: float
    dy: float
    scale: float
    ok: bool


def _background_mask(shape: tuple[int, ...]) -> np.ndarray:
    """Where to look for the camera's motion: the left, right and top bands of the frame.

    A talk-to-camera subject fills the centre and bottom and moves on its own; tracking it
    would report a head turn as a pan. Without texture in these bands (a plain studio
    wall) the motion is unknown rather than the subject's.
    """
    h, w = shape[:2]
    mask = np.zeros((h, w), np.uint8)
    side, top = int(w * BAND_SIDE), int(h * BAND_TOP)
    mask[:, :side] = 255
    mask[:, w - side:] = 255
    mask[:top, :] = 255
    return mask


class GlobalMotion:
    """Feed every frame with `add`; only every `step`-th is measured."""

    def __init__(self, fps: float, frame_width: int) -> None:
        self.step = max(1, int(round((fps if fps > 0 else 25.0) / MEASURES_PER_SECOND)))
        self.to_reference = REFERENCE_WIDTH / frame_width
        self.pairs: list[FlowPair] = []
        self._previous: tuple[int, np.ndarray] | None = None
        self._mask: np.ndarray | None = None

    def add(self, index: int, frame: np.ndarray) -> None:
        """`frame`: grey (as the decoder's motion stream sends it) or BGR."""
        if index % self.step:
            return
        grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        if self._previous is not None:
            start, previous = self._previous
            self.pairs.append(self._measure(start, index, previous, grey))
        self._previous = (index, grey)

    def _measure(self, start: int, end: int, before: np.ndarray, after: np.ndarray) -> FlowPair:
        failed = FlowPair(start, end, 0.0, 0.0, 1.0, False)
        if self._mask is None or self._mask.shape != before.shape:
            self._mask = _background_mask(before.shape)
        corners = cv2.goodFeaturesToTrack(before, maxCorners=200, qualityLevel=0.01, minDistance=7, blockSize=7,
                                          mask=self._mask)
        if corners is None or len(corners) < MIN_INLIERS:
            return failed
        moved, status, _err = cv2.calcOpticalFlowPyrLK(
            before, after, corners, None, winSize=(21, 21), maxLevel=3,
            criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03),
        )
        tracked = status.reshape(-1) == 1
        if tracked.sum() < MIN_INLIERS:
            return failed
        src, dst = corners[tracked].reshape(-1, 2), moved[tracked].reshape(-1, 2)
        matrix, inliers = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=2.0)
        if matrix is None or inliers is None:
            return failed
        count = int(inliers.sum())
        if count < MIN_INLIERS or count < MIN_INLIER_SHARE * len(src):
            return failed
        h, w = before.shape
        centre = np.array([w / 2.0, h / 2.0])
        shifted = matrix[:, :2] @ centre + matrix[:, 2] - centre
        scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
        return FlowPair(start, end, float(shifted[0]) * self.to_reference,
                        float(shifted[1]) * self.to_reference, scale, True)


def motion_samples(pairs: Sequence[FlowPair], spans: Sequence[ShotSpan], times: Sequence[float],
                   interval_s: float = SAMPLE_INTERVAL_S) -> list[MotionSample]:
    """About two motion samples a second inside each shot.

    Consecutive measured pairs are grouped into windows of about `interval_s` (the same
    number of pairs each, so sample times are evenly spaced). dx/dy: displacement over one
    full window (a window cut short by a shot end or a failed measurement is scaled up);
    zoom: relative scale change per second; shake: RMS deviation of the ~1/6 s steps from
    their window's mean step, i.e. the jitter left once the smooth motion is removed.
    """
    durations = sorted(times[p.end] - times[p.start] for p in pairs)
    pair_s = durations[len(durations) // 2] if durations else interval_s
    per_window = max(1, int(round(interval_s / pair_s))) if pair_s > 0 else 1
    nominal_s = per_window * pair_s
    samples: list[MotionSample] = []
    index = 0
    for span in spans:
        while index < len(pairs) and pairs[index].start < span.start_frame:
            index += 1  # pairs straddling the cut into this shot measure nothing real
        inside: list[FlowPair] = []
        while index < len(pairs) and pairs[index].end <= span.end_frame:
            if pairs[index].ok:
                inside.append(pairs[index])
            index += 1
        samples += _windows(inside, times, per_window, nominal_s)
    return samples


def _windows(pairs: Sequence[FlowPair], times: Sequence[float], per_window: int,
             nominal_s: float) -> list[MotionSample]:
    out: list[MotionSample] = []
    window: list[FlowPair] = []

    def flush() -> None:
        if not window:
            return
        t0, t1 = times[window[0].start], times[window[-1].end]
        duration = max(t1 - t0, 1e-6)
        dx = np.array([p.dx for p in window])
        dy = np.array([p.dy for p in window])
        to_nominal = nominal_s / duration
        scale = float(np.prod([p.scale for p in window]))
        jitter = np.hypot(dx - dx.mean(), dy - dy.mean())
        out.append(MotionSample(
            t=round(float(t0), 4),
            dx=round(float(dx.sum()) * to_nominal, 3),
            dy=round(float(dy.sum()) * to_nominal, 3),
            zoom=round((scale - 1.0) / duration, 4),
            shake=round(float(np.sqrt((jitter ** 2).mean())), 3),
        ))
        window.clear()

    for pair in pairs:
        if window and (len(window) >= per_window or pair.start != window[-1].end):
            flush()
        window.append(pair)
    flush()
    return out
