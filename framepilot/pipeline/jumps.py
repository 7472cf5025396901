"""Jump cuts: a cut between two takes at the same framing (the subject shifts, the room stays).

A hard-cut detector misses them, since colour and layout hardly change. What does change is
WHEN things move: in one take every part of the picture changes smoothly from frame to frame,
while across a jump cut a large share of the picture changes at once, by more than it does
in the frames around it and more than it usually does. So the picture is split into 8-px
blocks of the 64-px thumbnail, and a frame is a jump cut when at least JUMP_MIN_AREA of the
blocks spike together:
- beyond twice (and at least one grey level above) their change between the two distinct
  frames before and after it, so steady motion, a blink or a flash (which changes back)
  does not count;
- beyond 1.5 times their own 90th-percentile change within JUMP_USUAL_S, so an animated
  speaker's usual gestures do not count either.

Phone footage often repeats frames (frame-rate conversion); repeated frames are skipped so
a move that lands after a repeat is not mistaken for a burst. The thresholds were fitted on
the calibration clips of `bench/jumpcut_set.py` only; `bench/eval_jumpcuts.py` reports the
held-out clips.

Whether a boundary is a jump cut or a cut to another shot is `same_framing`: the two frames
still correlate (measured: jump cuts 0.47-1.0, cuts between shots at most 0.2).
"""

from __future__ import annotations

import cv2
import numpy as np

# A frame repeats the previous one when its mean luma change (0-255) is below this.
DUPLICATE_STEP = 0.2
BLOCK = 8  # px of the 64-px thumbnail
NEIGHBOURS = 2  # distinct frames on each side
SPIKE = 2.0
SPIKE_FLOOR = 1.0  # grey levels
JUMP_USUAL_S = 5.0
USUAL_PERCENTILE = 90
USUAL_SPIKE = 1.5
JUMP_MIN_AREA = 0.12
SAME_FRAMING_CORRELATION = 0.35


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two equal-sized images (1.0 for two flat images)."""
    a = a.ravel() - a.mean()
    b = b.ravel() - b.mean()
    norm = float(np.sqrt(np.dot(a, a) * np.dot(b, b)))
    return float(np.dot(a, b)) / norm if norm > 1e-6 else 1.0


def _block_means(diff: np.ndarray) -> np.ndarray:
    rows, cols = diff.shape[0] // BLOCK, diff.shape[1] // BLOCK
    # INTER_AREA by a whole factor is the exact mean of each block.
    return cv2.resize(diff[:rows * BLOCK, :cols * BLOCK], (cols, rows), interpolation=cv2.INTER_AREA).ravel()


class JumpCutDetector:
    """Feed every frame's blurred 64-px grey thumbnail with `add`, then call `jumps()` once.

    Keeps one small vector per distinct frame (48-112 numbers): up to 8 MB for ten minutes
    at 30 fps.
    """

    def __init__(self, fps: float) -> None:
        self.fps = fps if fps > 0 else 25.0
        self._previous: np.ndarray | None = None
        self._frames: list[int] = []  # index of each distinct frame after the first
        self._changes: list[np.ndarray] = []  # block changes from the distinct frame before
        self.frame_correlation: list[float] = []  # every frame against the one before it

    def add(self, index: int, thumb: np.ndarray) -> None:
        previous = self._previous
        if previous is None:
            self.frame_correlation.append(1.0)
            self._previous = thumb
            return
        diff = cv2.absdiff(thumb, previous)
        if float(diff.mean()) < DUPLICATE_STEP:
            # A repeated frame: the next distinct frame is compared with the last one kept.
            self.frame_correlation.append(1.0)
            return
        self.frame_correlation.append(correlation(previous, thumb))
        self._frames.append(index)
        self._changes.append(_block_means(diff))
        self._previous = thumb

    def same_framing(self, frame: int) -> bool:
        """Do the pictures either side of a boundary at `frame` (give or take one) still match?"""
        nearby = self.frame_correlation[max(0, frame - 1): frame + 2]
        return bool(nearby) and min(nearby) >= SAME_FRAMING_CORRELATION

    def jumps(self) -> list[int]:
        """First frames of jump cuts, in order."""
        if len(self._changes) < 2 * NEIGHBOURS + 1:
            return []
        changes = np.asarray(self._changes, dtype=np.float32)
        frames = np.asarray(self._frames)
        count = len(changes)
        # Each block's largest change among the NEIGHBOURS distinct frames either side.
        padded = np.pad(changes, ((NEIGHBOURS, NEIGHBOURS), (0, 0)))
        around = np.max([padded[NEIGHBOURS + d: NEIGHBOURS + d + count]
                         for d in range(-NEIGHBOURS, NEIGHBOURS + 1) if d], axis=0)
        bursts = changes > np.maximum(SPIKE * around, around + SPIKE_FLOOR)
        found = []
        reach = JUMP_USUAL_S * self.fps
        for k in np.flatnonzero(bursts.mean(axis=1) >= JUMP_MIN_AREA):
            if k < NEIGHBOURS or k >= count - NEIGHBOURS:
                continue  # too near an end to know what is usual around it
            window = (np.abs(frames - frames[k]) <= reach)
            window[k] = False
            usual = np.percentile(changes[window], USUAL_PERCENTILE, axis=0)
            unusual = changes[k] > np.maximum(USUAL_SPIKE * usual, usual + SPIKE_FLOOR)
            if (bursts[k] & unusual).mean() >= JUMP_MIN_AREA:
                found.append(int(frames[k]))
        return found
