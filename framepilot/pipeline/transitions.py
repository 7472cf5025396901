"""Where one shot ends and the next begins: hard cuts, jump cuts, fades through black and dissolves.

Fed one small frame at a time by the single decode pass (see shots.py). Four signals:

- Hard cuts: PySceneDetect's AdaptiveDetector (HSV content change against a rolling
  average of its neighbours, so fast motion does not read as a cut).
- Jump cuts: two takes at the same framing (see jumps.py). A hard cut whose two sides
  still show the same framing is a jump cut too.
- Fades: runs of black frames. A fade-out + black + fade-in is ONE transition, placed on
  the first frame where the picture comes back (the black tail belongs to the outgoing
  shot). Black reached or left by a hard cut adds nothing: the cut is the boundary and the
  fade-up is how the shot opens. Black at the very start or end of the video is a head or
  a tail, not a transition. Cuts the detector reports inside a ramp or in black are noise
  and dropped.
- Dissolves: over a short window the middle frame is the average of the window's ends
  (a linear mix of two pictures), the change is large, and no single frame step carries
  it. A pan or zoom fails the linearity test; a cut fails the single-step test.

Memory: a few numbers per frame (about 1 MB for ten minutes at 30 fps), the block vectors
of the last ten seconds or so for jump cuts (under 1 MB) and a ring of 64-px thumbnails; no
frames are kept.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np
from scenedetect.common import FrameTimecode
from scenedetect.detectors import AdaptiveDetector

from framepilot.pipeline.jumps import JumpCutDetector, correlation

CUT, JUMP, FADE, DISSOLVE = "cut", "jump", "fade", "dissolve"

THUMB_WIDTH = 64
# The cut detector's colour statistics are frame-wide means: at 160 px they are the same
# as at 320 px (same cuts on every test clip) for a quarter of the work.
CUT_DETECTOR_WIDTH = 160
# A frame is black when its mean luma (0-255, after ffmpeg expanded TV range) is below
# BLACK_MEAN and no area of a 64-px thumbnail is brighter than BLACK_PEAK.
BLACK_MEAN = 12.0
BLACK_PEAK = 48.0
# A fade ramp rises (or falls) at least this much luma per frame, and a ramp whose first
# step carries more than ABRUPT_SHARE of its whole rise is a cut, not a fade.
RAMP_STEP = 0.15
ABRUPT_SHARE = 0.6
MIN_RAMP_FRAMES = 3
# Dissolves: window half-width (s), least change between its ends (mean luma distance),
# most residual from a linear mix (share of the change), largest single step (share), and
# the fewest consecutive window centres that must agree.
DISSOLVE_HALF_WINDOWS_S = (0.12, 0.3, 0.8)  # short, usual and slow dissolves
DISSOLVE_MIN_CHANGE = 14.0
DISSOLVE_MAX_RESIDUAL = 0.22
DISSOLVE_MAX_STEP = 0.35
DISSOLVE_MIN_RUN = 2
# The two ends of a dissolve are different pictures; above this correlation they are one
# picture whose exposure changed.
DISSOLVE_MAX_CORRELATION = 0.8
# Shots shorter than this (s) are not cut again: a flash or a camera bump is not a new shot.
MIN_SHOT_S = 0.5
# A jump cut this close (frames) to a hard cut is the same boundary.
SAME_BOUNDARY_FRAMES = 2


@dataclass(frozen=True)
class Boundary:
    """The first frame of a new shot and how it came in."""

    frame: int
    kind: str


def _shrink(image: np.ndarray, width: int) -> np.ndarray:
    h, w = image.shape[:2]
    if w <= width:
        return image
    return cv2.resize(image, (width, max(2, round(h * width / w))), interpolation=cv2.INTER_AREA)


class _FastAdaptiveDetector(AdaptiveDetector):
    """PySceneDetect's AdaptiveDetector with its frame score computed in three OpenCV calls.

    The score is the same number (the mean absolute HSV difference from the previous frame,
    averaged over hue, saturation and value with the default weights and no edges); upstream
    splits the channels and widens each to int32 in numpy, which was the largest single cost
    of the analysis loop.
    """

    def _calculate_frame_score(self, timecode: FrameTimecode, frame_img: np.ndarray) -> float:
        hsv = cv2.cvtColor(frame_img, cv2.COLOR_BGR2HSV)
        last, self._last_hsv = getattr(self, "_last_hsv", None), hsv
        if last is None:
            return 0.0
        means = cv2.mean(cv2.absdiff(hsv, last))
        weights = self._weights
        return (means[0] * weights.delta_hue + means[1] * weights.delta_sat + means[2] * weights.delta_lum) / (
            abs(weights.delta_hue) + abs(weights.delta_sat) + abs(weights.delta_lum))


@dataclass
class _Ramp:
    first: int  # first frame of the ramp
    last: int  # last frame of the ramp
    abrupt: bool


class TransitionDetector:
    """Feed every frame in order with `add`, then call `boundaries()` once."""

    def __init__(self, fps: float) -> None:
        self.fps = fps if fps > 0 else 25.0
        min_len = max(2, int(round(MIN_SHOT_S * self.fps)))
        self._min_len = min_len
        self._cuts_detector = _FastAdaptiveDetector(min_scene_len=min_len)
        self._cuts: list[int] = []
        self._luma: list[float] = []
        self._black: list[bool] = []
        self._steps: list[float] = []  # mean |thumb_i - thumb_{i-1}|, 0 for frame 0
        self._halves = sorted({max(2, int(round(s * self.fps))) for s in DISSOLVE_HALF_WINDOWS_S})
        self._thumbs: deque[np.ndarray] = deque(maxlen=2 * self._halves[-1] + 1)
        self._dissolve_centres: list[tuple[int, int]] = []  # (centre, half-window)
        self._jumps = JumpCutDetector(self.fps)
        self._count = 0

    # --- streaming -------------------------------------------------------------------

    def add(self, index: int, frame_bgr: np.ndarray) -> None:
        timecode = FrameTimecode(index, self.fps)
        small = _shrink(frame_bgr, CUT_DETECTOR_WIDTH)  # the decoder already sends 160 px
        self._cuts += [tc.frame_num for tc in self._cuts_detector.process_frame(timecode, small)]
        grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        thumb = _shrink(grey, THUMB_WIDTH).astype(np.float32)
        self._luma.append(float(thumb.mean()))
        self._black.append(self._luma[-1] < BLACK_MEAN and float(thumb.max()) < BLACK_PEAK)
        previous = self._thumbs[-1] if self._thumbs else None
        self._steps.append(float(np.abs(thumb - previous).mean()) if previous is not None else 0.0)
        self._thumbs.append(thumb)
        self._jumps.add(index, cv2.GaussianBlur(thumb, (3, 3), 0),
                        cv2.GaussianBlur(grey.astype(np.float32), (3, 3), 0))
        self._count = index + 1
        for half in self._halves:
            if len(self._thumbs) >= 2 * half + 1:
                self._check_dissolve(index - half, half)

    def _check_dissolve(self, centre: int, half: int) -> None:
        """Is `centre` the middle of a linear mix between the frames `half` before and after it?"""
        base = len(self._thumbs) - 2 * half - 1
        first, last = self._thumbs[base], self._thumbs[-1]
        if self._black[centre - half] or self._black[centre + half]:
            return  # a fade through black; handled by the black runs
        change = float(np.abs(first - last).mean())
        if change < DISSOLVE_MIN_CHANGE or correlation(first, last) > DISSOLVE_MAX_CORRELATION:
            return  # too little change, or the same picture brighter/darker (exposure, lights)
        steps = self._steps[centre - half + 1: centre + half + 1]
        if max(steps) > DISSOLVE_MAX_STEP * change:
            return
        quarter = max(1, half // 2)
        for offset in (0, -quarter, quarter):
            weight = 0.5 + offset / (2 * half)
            expected = first * (1 - weight) + last * weight
            if float(np.abs(self._thumbs[base + half + offset] - expected).mean()) > DISSOLVE_MAX_RESIDUAL * change:
                return
        self._dissolve_centres.append((centre, half))

    # --- after the last frame ----------------------------------------------------------

    def boundaries(self) -> list[Boundary]:
        """Every shot start after frame 0, in order, at least MIN_SHOT_S apart."""
        if self._count:
            last = FrameTimecode(self._count, self.fps)
            self._cuts += [tc.frame_num for tc in self._cuts_detector.post_process(last)]
        fades, quiet = self._fade_boundaries()
        dissolves, dissolve_spans = self._dissolve_boundaries(quiet)
        found = [Boundary(f, FADE) for f in fades] + [Boundary(f, DISSOLVE) for f in dissolves]
        gradual = quiet + dissolve_spans
        cuts = [c for c in sorted(set(self._cuts))
                if 0 < c < self._count and not any(a <= c <= b for a, b in gradual)]
        found += [Boundary(c, JUMP if self._jumps.same_framing(c) else CUT) for c in cuts]
        for jump in self._jumps.jumps():
            near_cut = any(abs(jump - c) <= SAME_BOUNDARY_FRAMES for c in cuts)
            if not near_cut and not any(a <= jump <= b for a, b in gradual):
                found.append(Boundary(jump, JUMP))
        return self._spaced(sorted(found, key=lambda b: b.frame))

    def _spaced(self, found: list[Boundary]) -> list[Boundary]:
        """Drop boundaries closer than the minimum shot length to the one kept before them."""
        kept: list[Boundary] = []
        for boundary in found:
            previous = kept[-1].frame if kept else 0
            if boundary.frame - previous >= self._min_len:
                kept.append(boundary)
        return kept

    def _black_runs(self) -> list[tuple[int, int]]:
        runs, start = [], None
        for i, black in enumerate(self._black):
            if black and start is None:
                start = i
            elif not black and start is not None:
                runs.append((start, i - 1))
                start = None
        if start is not None:
            runs.append((start, len(self._black) - 1))
        return runs

    def _ramp(self, edge: int, direction: int) -> _Ramp | None:
        """The luma ramp leaving black at `edge` (direction +1: fade-in after it; -1: fade-out
        before it), or None when there is no picture on that side."""
        first = edge + direction
        if not 0 <= first < self._count:
            return None
        k = first
        while 0 <= k + direction < self._count and abs(k - first) < 3 * self.fps:
            step = self._luma[k + direction] - self._luma[k]
            if step < RAMP_STEP:
                break
            k += direction
        total = self._luma[k] - self._luma[edge]
        first_step = self._luma[first] - self._luma[edge]
        length = abs(k - first) + 1
        abrupt = length < MIN_RAMP_FRAMES or total <= 0 or first_step > ABRUPT_SHARE * total
        lo, hi = sorted((first, k))
        return _Ramp(lo, hi, abrupt)

    def _fade_boundaries(self) -> tuple[list[int], list[tuple[int, int]]]:
        """Fade boundaries, and the frame ranges (ramps and black) where cuts are noise."""
        fades: list[int] = []
        quiet: list[tuple[int, int]] = []
        for start, end in self._black_runs():
            fade_out = self._ramp(start, -1)
            fade_in = self._ramp(end, +1)
            # Cuts inside black, and inside gradual ramps, are not transitions of their own;
            # a cut into or out of black may land a frame off its edge and is kept.
            lo = fade_out.first + 1 if fade_out and not fade_out.abrupt else start + 2
            hi = fade_in.last if fade_in and not fade_in.abrupt else end - 1
            if lo <= hi:
                quiet.append((lo, hi))
            if fade_in is None or fade_out is None:
                continue  # black head or tail of the video
            if fade_in.abrupt or fade_out.abrupt:
                continue  # the hard cut into or out of black is the boundary
            first_light = end + 1
            while first_light - 1 > start and self._luma[first_light - 1] - self._luma[first_light - 2] > RAMP_STEP:
                first_light -= 1  # the picture starts coming back while still counted as black
            fades.append(first_light)
        return fades, quiet

    def _dissolve_boundaries(self, quiet: list[tuple[int, int]]) -> tuple[list[int], list[tuple[int, int]]]:
        runs: list[list[tuple[int, int]]] = []
        for centre, half in sorted(set(self._dissolve_centres)):
            if runs and centre - runs[-1][-1][0] <= 2:
                runs[-1].append((centre, half))
            else:
                runs.append([(centre, half)])
        frames, spans = [], []
        for run in runs:
            first, last = run[0][0], run[-1][0]
            if len({c for c, _ in run}) < DISSOLVE_MIN_RUN or any(a <= last and first <= b for a, b in quiet):
                continue  # a fade to or from black is a mix with black: not a dissolve
            reach = max(h for _, h in run)
            frames.append((first + last + 1) // 2)
            spans.append((first - reach, last + reach))
        return frames, spans
