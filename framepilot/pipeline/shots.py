"""detect_shots: split a video into shots in ONE decode pass, and keep what that pass saw.

The same stream of small upright frames feeds the transition detector (cuts, fades,
dissolves) and the global-motion tracker, while a larger copy of about two frames a second
is written straight to `out_dir/samples/` as JPEG. Nothing holds more than a few frames, so
memory stays flat for long videos. Afterwards each shot gets a keyframe (the sharpest lit
sample from its middle) at `out_dir/keyframes/shot_NNN.jpg`.

Shots tile the video: shot i ends on the frame before shot i+1 starts, and the last one
ends on the last decoded frame. See transitions.py for how cuts, jump cuts, fades and
dissolves are turned into shots.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

from framepilot.core.logs import get_logger
from framepilot.models import FrameSample, ShotDetection, ShotSpan, VideoProbe
from framepilot.pipeline.decode import (
    DecodeError,
    FrameGeometry,
    FrameStream,
    frame_times,
)
from framepilot.pipeline.media_input import ffmpeg_input_args
from framepilot.pipeline.motion import GlobalMotion, motion_samples
from framepilot.pipeline.probe import InvalidVideo, frame_budget, too_long
from framepilot.pipeline.transitions import BLACK_MEAN, TransitionDetector

JPEG_QUALITY = 88
PROGRESS_EVERY_S = 1.0
# Keyframes come from the middle of a shot, away from the transitions at its ends.
KEYFRAME_MARGIN = 0.2

log = get_logger(component="shots")


@dataclass(frozen=True)
class _KeptFrame:
    frame: int
    path: Path
    sharpness: float
    luma: float


class _SampleWriter:
    """Receives the sample-size frames on the decoder's reader thread and writes them as JPEG."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.kept: list[_KeptFrame] = []

    def __call__(self, frame_index: int, image: np.ndarray) -> None:
        path = self.folder / f"frame_{frame_index:06d}.jpg"
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            return
        path.write_bytes(data.tobytes())
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
        self.kept.append(_KeptFrame(frame_index, path, sharpness, float(grey.mean())))


def _fresh_folder(folder: Path) -> Path:
    """Create `folder`, removing JPEGs of an earlier run so no stale shot keyframe survives."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.jpg"):
        old.unlink()
    return folder


def _all_frame_times(demuxed: np.ndarray, frame_count: int, fps: float) -> np.ndarray:
    """A time for every decoded frame: packet times when they line up, else frame / fps."""
    if len(demuxed) >= frame_count:
        return demuxed[:frame_count]
    start = demuxed[-1] + 1.0 / fps if len(demuxed) else 0.0
    missing = start + np.arange(frame_count - len(demuxed)) / fps
    return np.concatenate([demuxed, missing])


def _spans(starts: list[tuple[int, str]], frame_count: int, times: np.ndarray, fps: float) -> list[ShotSpan]:
    end_of_video = float(times[-1]) + 1.0 / fps
    spans = []
    for i, (start, kind) in enumerate(starts):
        next_start = starts[i + 1][0] if i + 1 < len(starts) else frame_count
        spans.append(ShotSpan(
            index=i,
            start_s=round(float(times[start]), 4),
            end_s=round(float(times[next_start]) if next_start < frame_count else end_of_video, 4),
            start_frame=start,
            end_frame=next_start - 1,
            transition_in=kind,
        ))
    return spans


def _pick_keyframe(span: ShotSpan, kept: list[_KeptFrame]) -> _KeptFrame | None:
    inside = [k for k in kept if span.start_frame <= k.frame <= span.end_frame]
    margin = (span.end_frame - span.start_frame + 1) * KEYFRAME_MARGIN
    middle = [k for k in inside if span.start_frame + margin <= k.frame <= span.end_frame - margin] or inside
    lit = [k for k in middle if k.luma >= BLACK_MEAN] or middle
    return max(lit, key=lambda k: k.sharpness) if lit else None


def _grab_frame(path: Path, fmt: str, t: float, geometry: FrameGeometry, out: Path) -> bool:
    """One frame by seeking, for a shot too short to hold a sample (rare: under ~0.5 s)."""
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-ss", f"{t:.3f}",
           *ffmpeg_input_args(path, fmt), "-frames:v", "1",
           "-vf", f"scale={geometry.sample_width}:{geometry.sample_height}", "-q:v", "3", str(out)]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return False
    return out.exists() and out.stat().st_size > 0


def _write_keyframes(spans: list[ShotSpan], kept: list[_KeptFrame], folder: Path, path: Path, fmt: str,
                     geometry: FrameGeometry) -> list[ShotSpan]:
    result = []
    for span in spans:
        target = folder / f"shot_{span.index:03d}.jpg"
        chosen = _pick_keyframe(span, kept)
        if chosen is not None:
            shutil.copyfile(chosen.path, target)
        elif not _grab_frame(path, fmt, (span.start_s + span.end_s) / 2, geometry, target):
            result.append(span)
            continue
        result.append(span.model_copy(update={"keyframe_path": str(target)}))
    return result


def detect_shots(path: Path, probe: VideoProbe, out_dir: Path,
                 progress: Callable[[float], None] | None = None,
                 max_duration_s: float | None = None) -> ShotDetection:
    """Shots, frame samples, keyframes and camera motion of `path`, from one decode pass.

    `progress(fraction)` is called about once a second; it may raise to cancel (ffmpeg is
    stopped). Raises InvalidVideo when not a single frame can be decoded, and when more frames
    decode than `max_duration_s` allows at the probed frame rate (decoding stops there).
    """
    path, out_dir = Path(path), Path(out_dir)
    fps = probe.fps if probe.fps > 0 else 25.0
    geometry = FrameGeometry.for_video(probe.display_width, probe.display_height, fps)
    samples_dir = _fresh_folder(out_dir / "samples")
    keyframes_dir = _fresh_folder(out_dir / "keyframes")
    writer = _SampleWriter(samples_dir)
    transitions = TransitionDetector(fps)
    motion = GlobalMotion(fps, geometry.motion_width)
    expected = max(probe.frame_count, 1)
    budget = frame_budget(fps, max_duration_s) if max_duration_s is not None else None

    started = last_report = time.perf_counter()
    try:
        demuxed = frame_times(path, probe.demuxer, budget)
        with FrameStream(path, probe.demuxer, geometry, on_sample=writer, on_motion=motion.add) as stream:
            for index, frame in stream:
                if budget is not None and index >= budget:
                    raise too_long(path.name, max_duration_s)
                transitions.add(index, frame)
                now = time.perf_counter()
                if progress is not None and now - last_report >= PROGRESS_EVERY_S:
                    last_report = now
                    progress(min(0.99, (index + 1) / expected))
    except DecodeError as exc:
        raise InvalidVideo(path.name, "its video could not be decoded") from exc
    decode_seconds = time.perf_counter() - started

    frame_count = stream.frames_read
    times = _all_frame_times(demuxed, frame_count, fps)
    starts = [(0, "start")] + [(b.frame, b.kind) for b in transitions.boundaries()]
    spans = _spans(starts, frame_count, times, fps)
    kept = sorted(writer.kept, key=lambda k: k.frame)
    spans = _write_keyframes(spans, kept, keyframes_dir, path, probe.demuxer, geometry)
    detection = ShotDetection(
        fps=fps,
        frame_count=frame_count,
        spans=spans,
        motion=motion_samples(motion.pairs, spans, times),
        samples=[FrameSample(t=round(float(times[k.frame]), 4), frame=k.frame, path=str(k.path))
                 for k in kept if k.frame < frame_count],
        decode_seconds=round(decode_seconds, 3),
    )
    log.info("shots.detected", shots=len(spans), frames=frame_count, samples=len(detection.samples),
             transitions={kind: sum(s.transition_in == kind for s in spans) for kind in ("cut", "jump", "fade", "dissolve")},
             decode_seconds=detection.decode_seconds, expected_frames=probe.frame_count)
    if progress is not None:
        progress(1.0)
    return detection
