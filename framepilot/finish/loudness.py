"""Two-pass loudness: measure the kept sound with loudnorm, then apply one gain and a peak limiter.

One pass of loudnorm guesses as it goes and lands off target (a clip at -49 LUFS came out at
-15.7 instead of -14). A second loudnorm pass with the measured values and `linear=true` is
only a gain, and it falls back to its dynamic mode whenever that gain would cross the
true-peak ceiling; on a short clip the dynamic mode missed by 3.6 LU (-17.6 for -14). So the
second pass here is the gain itself (target minus measured) followed by a limiter run at 4x
the sample rate (an approximation of true peak) LIMIT_MARGIN_DB under the ceiling, which
leaves room for the AAC encoder's overshoot. Speech peaks are brief, so limiting them moves
the integrated loudness by a fraction of a LU; on sound that already clips (the sample
reads +2.3 dBTP) by more, so the gain is settled by measuring the limited chain again. The check reads the output with ffmpeg's
`ebur128` filter, which is independent of loudnorm's bookkeeping.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
from pydantic import BaseModel

from framepilot.finish.plan import LoudnessPlan
from framepilot.finish.presets import Preset
from framepilot.pipeline.media_input import ffmpeg_input_args

SAMPLE_RATE = 48000
OVERSAMPLED_RATE = 192000
LIMIT_MARGIN_DB = 1.0
SETTLE_ROUNDS = 2
SETTLED_LU = 0.3


class LoudnessReading(BaseModel):
    integrated_lufs: float | None
    true_peak_dbtp: float | None
    loudness_range_lu: float | None


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def gain_filter(plan: LoudnessPlan) -> str:
    """The second pass: the gain to the target, then the peak limiter (oversampled)."""
    gain = plan.gain_db if plan.gain_db is not None else plan.target_lufs - (plan.measured_lufs or plan.target_lufs)
    limit = 10 ** ((plan.target_tp - LIMIT_MARGIN_DB) / 20)
    return (f"aresample={OVERSAMPLED_RATE},volume={gain:.2f}dB,"
            f"alimiter=limit={limit:.4f}:attack=1:release=60:level=0:latency=1")


def _loudnorm_json(source: Path, demuxer: str, chain: str, plan: LoudnessPlan, timeout_s: float) -> dict:
    graph = (f"[0:a:0]{chain},loudnorm=I={plan.target_lufs}:TP={plan.target_tp}:LRA={plan.target_lra}"
             ":print_format=json[a]")
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-vn",
           *ffmpeg_input_args(source, demuxer), "-filter_complex", graph, "-map", "[a]", "-f", "null", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg could not measure the loudness ({proc.stderr.strip()[-200:]})")
    block = proc.stderr[proc.stderr.rfind("{"):proc.stderr.rfind("}") + 1]
    try:
        return json.loads(block)
    except ValueError:
        return {}


def measure(source: Path, demuxer: str, audio_chain: str, preset: Preset, channels: int,
            timeout_s: float = 900.0) -> LoudnessPlan:
    """Measure the kept sound (`audio_chain`: the selection and clean-up the render applies),
    then settle the gain: the limiter takes a little loudness off peaky sound, so the chain with
    the gain and limiter is measured again and the gain corrected (at most SETTLE_ROUNDS times)."""
    plan = LoudnessPlan(target_lufs=preset.loudness_lufs, target_tp=preset.true_peak_dbtp,
                        target_lra=preset.loudness_range_lu, channels=channels)
    values = _loudnorm_json(source, demuxer, audio_chain, plan, timeout_s)
    plan = plan.model_copy(update={
        "measured_lufs": _number(values.get("input_i")), "measured_tp": _number(values.get("input_tp")),
        "measured_lra": _number(values.get("input_lra")), "measured_thresh": _number(values.get("input_thresh")),
        "offset": _number(values.get("target_offset")),
    })
    if not plan.applicable:
        return plan
    gain = plan.target_lufs - plan.measured_lufs
    for _ in range(SETTLE_ROUNDS):
        settled = plan.model_copy(update={"gain_db": round(gain, 2)})
        after = _number(_loudnorm_json(source, demuxer, f"{audio_chain},{gain_filter(settled)}", plan,
                                       timeout_s).get("input_i"))
        if after is None or abs(after - plan.target_lufs) <= SETTLED_LU:
            break
        gain += plan.target_lufs - after
    return plan.model_copy(update={"gain_db": round(gain, 2)})


_SUMMARY = re.compile(r"Integrated loudness:\s+I:\s+([-\d.]+|-?inf)\s+LUFS.*?LRA:\s+([-\d.]+)\s+LU"
                      r"(?:.*?True peak:\s+Peak:\s+([-\d.]+|-?inf)\s+dBFS)?", re.DOTALL)


def read_loudness(path: Path, timeout_s: float = 900.0) -> LoudnessReading:
    """ffmpeg's ebur128 over a finished file: integrated loudness, true peak and range."""
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-vn",
           "-protocol_whitelist", "file", "-i", f"file:{Path(path).resolve()}", "-map", "0:a:0",
           "-af", "ebur128=peak=true", "-f", "null", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    summary = proc.stderr[proc.stderr.rfind("Summary:"):]
    match = _SUMMARY.search(summary)
    if proc.returncode != 0 or match is None:
        return LoudnessReading(integrated_lufs=None, true_peak_dbtp=None, loudness_range_lu=None)
    return LoudnessReading(integrated_lufs=_number(match.group(1)), loudness_range_lu=_number(match.group(2)),
                           true_peak_dbtp=_number(match.group(3)) if match.group(3) else None)
