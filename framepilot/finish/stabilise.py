"""Stabilisation: vid.stab's detect pass over the kept frames, whose transforms the graph applies.

The detect pass is an analysis pass (like the loudness measurement): it decodes the kept
frames once at the source size, since vid.stab's transforms are in source pixels. The render
then applies them with `optzoom=1` (the smallest static zoom that hides moving edges); the
crop this costs is estimated here from the transforms' spread, for the report.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from framepilot.cinematic.movement import HANDHELD_SHAKE
from framepilot.finish.plan import StabilisePlan
from framepilot.pipeline.media_input import ffmpeg_input_args

# Stabilise (on 'auto') when the kept picture's mean residual shake (px at 320 px width) reaches
# this: the same threshold at which the shot reading calls a shot hand-held.
SHAKE_THRESHOLD = HANDHELD_SHAKE
_LOCAL = re.compile(r"LM\s+(-?\d+)\s+(-?\d+)")


def detect(source: Path, demuxer: str, select_chain: str, transforms: Path, plan: StabilisePlan,
           width: int, height: int, timeout_s: float = 1800.0) -> StabilisePlan:
    graph = (f"[0:v:0]{select_chain},vidstabdetect=shakiness={plan.shakiness}:accuracy=9:fileformat=ascii"
             f":result='{_escape(transforms)}'[v]")
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", *ffmpeg_input_args(source, demuxer),
           "-filter_complex", graph, "-map", "[v]", "-f", "null", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    if proc.returncode != 0 or not transforms.exists():
        raise RuntimeError(f"vid.stab could not measure the shake ({proc.stderr.strip()[-200:]})")
    shift = estimated_shift(transforms, plan.smoothing)
    return plan.model_copy(update={"zoom_percent": round(200.0 * shift / min(width, height), 2)})


def _escape(path: Path) -> str:
    text = str(Path(path).resolve())
    for ch in ("\\", ":", "'", ",", ";", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return text


def estimated_shift(transforms: Path, smoothing: int) -> float:
    """The largest per-frame correction in pixels (the camera path against its smoothed path):
    the edge the static zoom has to hide on each side. vid.stab's own optzoom prints nothing,
    so this is the estimate the report shows."""
    shifts = []
    for line in transforms.read_text(errors="replace").splitlines():
        found = _LOCAL.findall(line)
        if line.startswith("Frame") and found:
            v = np.array([[int(a), int(b)] for a, b in found], dtype=float)
            shifts.append(np.median(v, axis=0))
    if len(shifts) < 3:
        return 0.0
    path = np.cumsum(np.array(shifts), axis=0)
    k = max(1, smoothing)
    padded = np.pad(path, ((k, k), (0, 0)), mode="edge")
    smooth = np.array([padded[i:i + 2 * k + 1].mean(axis=0) for i in range(len(path))])
    correction = np.abs(path - smooth).max(axis=0)
    return float(correction.max())  # pixels; turned into a share by the caller who knows the size
