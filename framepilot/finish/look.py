"""One low-resolution pass over a timeline: faces, visible jumps and shake, for planning and checking.

The same function reads the source's kept ranges (before the finish: where the face is, which
joins would show as jumps, how much the camera shakes) and the finished file (after: the
report's framing, jump and shake figures), so before and after are measured alike. Frames
arrive 320 px wide from one ffmpeg process; every frame feeds the project's own transition
detector (jump cuts) and global-motion tracker (shake), and about FACES_PER_SECOND of them go
to mediapipe's face detector. Nothing holds more than a frame or two, so memory stays flat.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

from framepilot.cinematic.movement import classify_movement, sampling_interval
from framepilot.models import ShotSpan
from framepilot.pipeline.media_input import ffmpeg_input_args
from framepilot.pipeline.motion import GlobalMotion, motion_samples
from framepilot.pipeline.transitions import JUMP, TransitionDetector

LOOK_WIDTH = 320
FACES_PER_SECOND = 5.0
FACE_MIN_CONFIDENCE = 0.5
# A boundary found within this many frames of a join belongs to that join.
JOIN_TOLERANCE_FRAMES = 2


@dataclass(frozen=True)
class Face:
    """A detected face in frame-relative units (0..1)."""

    cx: float
    cy: float
    w: float
    h: float
    score: float


@dataclass
class Look:
    fps: float
    width: int
    height: int
    frames: int = 0
    faces: list[tuple[float, list[Face]]] = field(default_factory=list)  # (time, faces) of sampled frames
    jump_frames: list[int] = field(default_factory=list)
    shake: float = 0.0  # duration-weighted mean residual shake (px at 320 px width)
    handheld_share: float = 0.0  # share of the time read as hand-held

    @property
    def duration_s(self) -> float:
        return self.frames / self.fps if self.fps else 0.0

    def jumps_at(self, join_times: Sequence[float]) -> list[float]:
        """The joins (output seconds) where a visible jump was found."""
        return [t for t in join_times
                if any(abs(f - t * self.fps) <= JOIN_TOLERANCE_FRAMES for f in self.jump_frames)]


class _FaceDetector:
    """mediapipe's full-range face detector, built once per process (graphs are not re-entrant)."""

    _instance: _FaceDetector | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        from framepilot.core.native_noise import native_noise_filtered

        with native_noise_filtered():
            import mediapipe as mp

            self.graph = mp.solutions.face_detection.FaceDetection(
                model_selection=1, min_detection_confidence=FACE_MIN_CONFIDENCE)
        self.lock = threading.Lock()

    @classmethod
    def get(cls) -> _FaceDetector:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def faces(self, frame_bgr: np.ndarray) -> list[Face]:
        rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
        with self.lock:
            result = self.graph.process(rgb)
        found = []
        for det in result.detections or []:
            box = det.location_data.relative_bounding_box
            found.append(Face(cx=float(box.xmin + box.width / 2), cy=float(box.ymin + box.height / 2),
                              w=float(box.width), h=float(box.height),
                              score=float(det.score[0]) if det.score else 0.0))
        return found


def detect_faces(frame_bgr: np.ndarray) -> list[Face]:
    return _FaceDetector.get().faces(frame_bgr)


def _even(v: float) -> int:
    return max(2, round(v / 2) * 2)


def look(path: Path, demuxer: str, fps: float, display_width: int, display_height: int,
         select_filter: str | None = None, spans: Sequence[tuple[int, int]] | None = None,
         faces: bool = True, progress: Callable[[float], None] | None = None,
         expected_frames: int | None = None) -> Look:
    """Read `path` (optionally only the frames `select_filter` keeps, restamped end to end).

    `spans` are (first, last inclusive) frame ranges of continuous picture on the timeline read
    (the kept ranges, or the finished file's segments): motion is not measured across them.
    """
    width = min(LOOK_WIDTH, display_width // 2 * 2)
    height = _even(width * display_height / display_width)
    chain = f"{select_filter}," if select_filter else ""
    chain += f"scale={width}:{height}:flags=area,format=bgr24"
    with tempfile.NamedTemporaryFile("w", suffix=".ffgraph", delete=False) as script:
        script.write(f"[0:v:0]{chain}[v]")
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", *ffmpeg_input_args(path, demuxer),
           "-/filter_complex", script.name, "-map", "[v]", "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1"]
    fps = float(fps)
    result = Look(fps=fps, width=width, height=height)
    transitions = TransitionDetector(fps)
    motion = GlobalMotion(fps, width)
    face_step = max(1, round(fps / FACES_PER_SECOND))
    size = width * height * 3
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        index = 0
        while True:
            data = proc.stdout.read(size)
            if len(data) < size:
                break
            frame = np.frombuffer(data, np.uint8).reshape(height, width, 3)
            transitions.add(index, frame)
            motion.add(index, frame)
            if faces and index % face_step == 0:
                result.faces.append((index / fps, detect_faces(frame)))
            index += 1
            if progress is not None and expected_frames and index % 25 == 0:
                progress(min(1.0, index / expected_frames))
        stderr = proc.stderr.read().decode(errors="replace")
        if proc.wait() != 0:
            raise RuntimeError(f"ffmpeg could not read the video ({stderr.strip()[-200:]})")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        Path(script.name).unlink(missing_ok=True)
    result.frames = index
    result.jump_frames = [b.frame for b in transitions.boundaries() if b.kind == JUMP]
    _shake(result, motion, spans or [(0, index - 1)])
    return result


def _shake(result: Look, motion: GlobalMotion, spans: Sequence[tuple[int, int]]) -> None:
    """The project's shake measure (movement.classify_movement) per continuous stretch, weighted by length."""
    if result.frames < 2:
        return
    times = [i / result.fps for i in range(result.frames)]
    shot_spans = [ShotSpan(index=i, start_s=a / result.fps, end_s=(b + 1) / result.fps, start_frame=a,
                           end_frame=min(b, result.frames - 1))
                  for i, (a, b) in enumerate(spans) if a < result.frames]
    samples = motion_samples(motion.pairs, shot_spans, times)
    interval = sampling_interval(samples)
    total = weighted = handheld = 0.0
    for span in shot_spans:
        inside = [m for m in samples if span.start_s <= m.t < span.end_s]
        if not inside:
            continue
        reading = classify_movement(inside, interval)
        length = span.end_s - span.start_s
        total += length
        weighted += reading.motion["shake"] * length
        handheld += length if reading.movement.value == "handheld" else 0.0
    if total > 0:
        result.shake = round(weighted / total, 3)
        result.handheld_share = round(handheld / total, 3)
