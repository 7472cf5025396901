"""Integrated loudness (LUFS, EBU R128 / ITU-R BS.1770) per shot, from one ffmpeg pass.

ffmpeg's `ebur128` filter reports the momentary loudness every 100 ms: the loudness of the
400 ms block ending there. Those blocks are exactly what BS.1770 integrates, so a shot's
integrated loudness is the gated mean of the blocks inside it (absolute gate -70 LUFS, then
relative gate -10 LU). One run covers the whole file; shots are windows over its blocks.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from framepilot.errors import FramePilotError
from framepilot.pipeline.audio import SOUNDTRACK_FORMAT
from framepilot.pipeline.media_input import ffmpeg_input_args

BLOCK_S = 0.4
STEP_S = 0.1
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
# What a shot with nothing above the absolute gate reports: "at or below -70 LUFS".
SILENCE_LUFS = -70.0

SILENT_BELOW = -60.0
VERY_QUIET_BELOW = -30.0  # online talking video is mastered near -14 to -16
VERY_LOUD_ABOVE = -9.0

SILENT_ISSUE = "no audible sound"
VERY_QUIET_ISSUE = "very quiet audio"
VERY_LOUD_ISSUE = "very loud audio"

_PTS = re.compile(r"pts_time:([-\d.]+)")
_MOMENTARY = re.compile(r"lavfi\.r128\.M=([-\d.]+|-?inf|nan)")


class LoudnessError(FramePilotError, RuntimeError):
    """ffmpeg could not read the audio file."""


@dataclass(frozen=True)
class LoudnessTrack:
    """Momentary loudness of every 400 ms block, by the time the block ends."""

    block_end_s: np.ndarray
    momentary_lufs: np.ndarray

    def integrated(self, start_s: float, end_s: float) -> float | None:
        """Gated integrated loudness of [start_s, end_s]; None if no whole block fits in it."""
        tolerance = STEP_S / 2
        inside = (self.block_end_s - BLOCK_S >= start_s - tolerance) & (self.block_end_s <= end_s + tolerance)
        return integrate(self.momentary_lufs[inside])


def integrate(momentary_lufs: np.ndarray) -> float | None:
    """BS.1770 gating over block loudness values."""
    if momentary_lufs.size == 0:
        return None
    energy = np.power(10.0, (momentary_lufs + 0.691) / 10.0)
    above = momentary_lufs > ABSOLUTE_GATE_LUFS
    if not above.any():
        return SILENCE_LUFS
    relative_gate = -0.691 + 10.0 * np.log10(energy[above].mean()) + RELATIVE_GATE_LU
    gated = above & (momentary_lufs > relative_gate)
    return round(float(-0.691 + 10.0 * np.log10(energy[gated].mean())), 2)


def measure_loudness(audio_path: Path, timeout_s: float = 600.0) -> LoudnessTrack:
    """Run ffmpeg's ebur128 once over the extracted soundtrack (a WAV) and keep every block's
    momentary loudness."""
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error",
        *ffmpeg_input_args(audio_path, SOUNDTRACK_FORMAT), "-map", "0:a:0",
        "-af", "ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.M:file=-",
        "-f", "null", "-",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    if proc.returncode != 0:
        raise LoudnessError(f"ffmpeg could not measure loudness (exit {proc.returncode})")
    ends, values = [], []
    pts = None
    for line in proc.stdout.splitlines():
        if (m := _PTS.search(line)) is not None:
            pts = float(m.group(1))
        elif (m := _MOMENTARY.search(line)) is not None and pts is not None:
            value = float(m.group(1))
            ends.append(pts + STEP_S)
            values.append(value if np.isfinite(value) else -200.0)
            pts = None
    return LoudnessTrack(np.array(ends, dtype=float), np.array(values, dtype=float))


def loudness_issues(lufs: float | None) -> list[str]:
    if lufs is None:
        return []
    if lufs <= SILENT_BELOW:
        return [SILENT_ISSUE]
    if lufs < VERY_QUIET_BELOW:
        return [VERY_QUIET_ISSUE]
    if lufs > VERY_LOUD_ABOVE:
        return [VERY_LOUD_ISSUE]
    return []
