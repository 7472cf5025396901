"""The single decode pass: one ffmpeg process turns a video into the small upright frames the
detectors need, and sends two thinned-out side streams beside them.

- every frame at 160 px wide (BGR): cuts, fades, dissolves and jump cuts look at these;
- every `motion_step`-th frame at 320 px, grey only: the camera-motion tracker;
- every `sample_step`-th frame at 640 px (BGR): samples kept as JPEG (keyframes, shot scale).

All scaling and pixel-format conversion happens in ffmpeg's filter graph, in its own process,
so it overlaps with the Python analysis on the other core, and Python never resizes or
converts a full frame. Profiling the previous layout (every frame at 320 px BGR, shrunk again
in Python) on a 60 s 720x1280 clip: ffmpeg 6.6 s of CPU and Python 6.8 s, against 3.7 s for
`ffmpeg -f null`. Each side stream is read by its own thread (its callback runs there), so no
pipe can stall another; nothing is buffered beyond one frame per pipe.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import imageio_ffmpeg
import numpy as np

from framepilot.core.child_processes import tracked
from framepilot.errors import FramePilotError
from framepilot.pipeline.media_input import ffmpeg_input_args, open_container

ANALYSIS_WIDTH = 160
MOTION_WIDTH = 320
SAMPLE_WIDTH = 640
SAMPLES_PER_SECOND = 2.0
MOTION_MEASURES_PER_SECOND = 6.0


class DecodeError(FramePilotError, RuntimeError):
    """ffmpeg could not decode a single frame of the video."""


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def _step(fps: float, per_second: float) -> int:
    return max(1, int(round(fps / per_second)))


@dataclass(frozen=True)
class FrameGeometry:
    """Sizes of the three frame streams (upright, aspect kept, never upscaled) and which frames
    the two side streams carry."""

    width: int
    height: int
    motion_width: int
    motion_height: int
    motion_step: int
    sample_width: int
    sample_height: int
    sample_step: int

    @classmethod
    def for_video(cls, display_width: int, display_height: int, fps: float) -> FrameGeometry:
        """Analysis frames at 160 px wide, motion frames at 320 px about six a second, samples
        at 640 px about two a second."""
        aspect = display_height / display_width
        width = _even(min(ANALYSIS_WIDTH, display_width))
        motion_width = _even(min(MOTION_WIDTH, display_width))
        sample_width = _even(min(SAMPLE_WIDTH, display_width))
        return cls(
            width=width,
            height=_even(width * aspect),
            motion_width=motion_width,
            motion_height=_even(motion_width * aspect),
            motion_step=_step(fps, MOTION_MEASURES_PER_SECOND),
            sample_width=sample_width,
            sample_height=_even(sample_width * aspect),
            sample_step=_step(fps, SAMPLES_PER_SECOND),
        )

    @property
    def frame_bytes(self) -> int:
        return self.width * self.height * 3


FrameCallback = Callable[[int, np.ndarray], None]


@dataclass(frozen=True)
class _Side:
    """A thinned-out side stream: every `step`-th frame, scaled in ffmpeg, read by its own thread."""

    name: str
    step: int
    width: int
    height: int
    channels: int  # 3: BGR, 1: grey
    flags: str
    callback: FrameCallback

    @property
    def frame_bytes(self) -> int:
        return self.width * self.height * self.channels

    def shape(self) -> tuple[int, ...]:
        return (self.height, self.width, 3) if self.channels == 3 else (self.height, self.width)

    def graph(self, label: str) -> str:
        pix_fmt = "bgr24" if self.channels == 3 else "gray"
        return (f"[{label}]select='not(mod(n\\,{self.step}))',"
                f"scale={self.width}:{self.height}:flags={self.flags},format={pix_fmt}[{self.name}]")


def frame_times(path: Path, fmt: str, max_frames: int | None = None) -> np.ndarray:
    """Presentation time (s, from the first frame) of every video frame, from a demux-only pass
    with the demuxer `fmt` forced; at most `max_frames` + 1 times are read.

    Raw frames leave ffmpeg without timestamps; reading the packets costs ~0.03 s per minute
    of video and gives exact times even for variable-frame-rate phone footage.
    """
    pts: list[int] = []
    try:
        with open_container(path, fmt) as container:
            stream = container.streams.video[0]
            time_base = float(stream.time_base)
            for packet in container.demux(stream):
                if packet.pts is not None and not packet.is_discard:
                    pts.append(packet.pts)
                    if max_frames is not None and len(pts) > max_frames:
                        break
    except av.error.FFmpegError:
        pass  # a damaged tail: the times read so far stand, the rest are estimated by the caller
    if not pts:
        return np.zeros(0)
    times = np.sort(np.asarray(pts, dtype=np.float64)) * time_base
    return times - times[0]


def _read_exact(stream, buffer: bytearray) -> bool:  # noqa: ANN001 - a raw pipe
    """Fill `buffer` from the pipe; False at end of stream (a partial last frame is dropped)."""
    view, got = memoryview(buffer), 0
    while got < len(buffer):
        read = stream.readinto(view[got:])
        if not read:
            return False
        got += read
    return True


class FrameStream:
    """Iterate `(index, BGR frame)` over every decoded frame at analysis size (the file is
    decoded with the demuxer `fmt` forced).

    `on_sample(index, frame)` receives every `sample_step`-th frame at sample size (BGR) and
    `on_motion(index, grey)` every `motion_step`-th frame at motion size, each on its own reader
    thread (so slow work there, such as JPEG encoding or optical flow, runs beside the main
    loop). Use as a context manager: leaving it early kills ffmpeg and joins the threads.
    """

    def __init__(self, path: Path, fmt: str, geometry: FrameGeometry,
                 on_sample: FrameCallback | None = None, on_motion: FrameCallback | None = None) -> None:
        self.path = Path(path)
        self.fmt = fmt
        self.geometry = geometry
        g = geometry
        self._sides = [side for side in (
            _Side("motion", g.motion_step, g.motion_width, g.motion_height, 1, "bilinear", on_motion)
            if on_motion else None,
            _Side("big", g.sample_step, g.sample_width, g.sample_height, 3, "bicubic", on_sample)
            if on_sample else None,
        ) if side is not None]
        self.frames_read = 0
        self._proc: subprocess.Popen | None = None
        self._threads: list[threading.Thread] = []
        self._side_error: BaseException | None = None
        self._stderr = None
        self._tracking = None

    def _command(self, side_fds: list[int]) -> list[str]:
        g = self.geometry
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", *ffmpeg_input_args(self.path, self.fmt),
               "-an", "-sn", "-dn"]
        small = f"scale={g.width}:{g.height}:flags=area,format=bgr24"
        if not self._sides:
            return cmd + ["-map", "0:v:0", "-vf", small, "-fps_mode", "passthrough",
                          "-f", "rawvideo", "pipe:1"]
        labels = [f"s{i}" for i in range(len(self._sides))]
        graph = ";".join([f"[0:v:0]split={len(labels) + 1}[a]{''.join(f'[{x}]' for x in labels)}",
                          f"[a]{small}[small]", *(side.graph(x) for side, x in zip(self._sides, labels))])
        outputs = ["-map", "[small]", "-fps_mode", "passthrough", "-f", "rawvideo", "pipe:1"]
        for side, fd in zip(self._sides, side_fds):
            outputs += ["-map", f"[{side.name}]", "-fps_mode", "passthrough", "-f", "rawvideo", f"pipe:{fd}"]
        return cmd + ["-filter_complex", graph, *outputs]

    def __enter__(self) -> FrameStream:
        pipes = [os.pipe() for _ in self._sides]
        write_ends = [w for _, w in pipes]
        # A file, not a pipe: a damaged video can log more than a pipe holds and stall ffmpeg.
        self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen(
                self._command(write_ends), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=self._stderr, bufsize=0, pass_fds=tuple(write_ends),
            )
        except BaseException:
            for read, _ in pipes:
                os.close(read)
            raise
        finally:
            for write in write_ends:
                os.close(write)  # the child has its copy; EOF arrives when ffmpeg exits
        # the job's watchdog may kill it (over the job's time limit, or no progress)
        self._tracking = tracked(self._proc)
        self._tracking.__enter__()
        for side, (read, _) in zip(self._sides, pipes):
            thread = threading.Thread(target=self._read_side, args=(side, read), daemon=True,
                                      name=f"decode-{side.name}")
            thread.start()
            self._threads.append(thread)
        return self

    def _read_side(self, side: _Side, fd: int) -> None:
        buffer = bytearray(side.frame_bytes)
        try:
            with open(fd, "rb", buffering=0) as pipe:
                k = 0
                while _read_exact(pipe, buffer):
                    # A fresh array: callbacks may keep the frame (the motion tracker keeps the last).
                    side.callback(k * side.step, np.frombuffer(bytes(buffer), np.uint8).reshape(side.shape()))
                    k += 1
        except BaseException as exc:  # noqa: BLE001 - re-raised by the main thread on exit
            # Closing this pipe makes ffmpeg stop, which ends the main loop early too.
            self._side_error = exc

    def __iter__(self) -> Iterator[tuple[int, np.ndarray]]:
        assert self._proc is not None, "use FrameStream as a context manager"
        g = self.geometry
        buffer = bytearray(g.frame_bytes)
        while _read_exact(self._proc.stdout, buffer):
            # A fresh array per frame: callers may keep a frame (e.g. as the previous frame).
            yield self.frames_read, np.frombuffer(bytes(buffer), np.uint8).reshape(g.height, g.width, 3)
            self.frames_read += 1

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        proc = self._proc
        if proc is None:
            return
        if exc_type is not None and proc.poll() is None:
            proc.kill()
        try:
            proc.stdout.close()
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for thread in self._threads:
                thread.join(timeout=30)
            if self._tracking is not None:
                self._tracking.__exit__(None, None, None)
            self._stderr.seek(0)
            stderr = self._stderr.read()
            self._stderr.close()
        if exc_type is None:
            if self._side_error is not None:
                raise self._side_error
            if self.frames_read == 0:
                last_line = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no frames"]
                raise DecodeError(f"ffmpeg decoded no frames ({last_line[0][:200]})")
