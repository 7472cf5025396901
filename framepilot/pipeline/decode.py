"""The single decode pass: one ffmpeg process turns a video into small upright frames for
analysis, plus a larger copy of every few frames for keeping as JPEG samples.

ffmpeg runs in its own process, so decoding and scaling overlap with the Python analysis on
the other core. The two sizes leave ffmpeg on two pipes; the larger one is read by its own
thread so neither pipe can stall the other. Nothing is buffered beyond one frame per pipe.
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

ANALYSIS_WIDTH = 320
SAMPLE_WIDTH = 640
SAMPLES_PER_SECOND = 2.0


class DecodeError(FramePilotError, RuntimeError):
    """ffmpeg could not decode a single frame of the video."""


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


@dataclass(frozen=True)
class FrameGeometry:
    """Sizes of the two frame streams (upright, aspect kept) and which frames are sampled."""

    width: int
    height: int
    sample_width: int
    sample_height: int
    sample_step: int

    @classmethod
    def for_video(cls, display_width: int, display_height: int, fps: float) -> FrameGeometry:
        """Analysis frames at 320 px wide and samples at 640 px (never upscaled), about two a second."""
        width = _even(min(ANALYSIS_WIDTH, display_width))
        sample_width = _even(min(SAMPLE_WIDTH, display_width))
        aspect = display_height / display_width
        return cls(
            width=width,
            height=_even(width * aspect),
            sample_width=sample_width,
            sample_height=_even(sample_width * aspect),
            sample_step=max(1, int(round(fps / SAMPLES_PER_SECOND))),
        )

    @property
    def frame_bytes(self) -> int:
        return self.width * self.height * 3

    @property
    def sample_bytes(self) -> int:
        return self.sample_width * self.sample_height * 3


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

    `on_sample(index, frame)` receives every `sample_step`-th frame at sample size, on the
    reader thread (so it may do slow work such as JPEG encoding without delaying analysis).
    Use as a context manager: leaving it early kills ffmpeg and joins the thread.
    """

    def __init__(self, path: Path, fmt: str, geometry: FrameGeometry,
                 on_sample: Callable[[int, np.ndarray], None] | None = None) -> None:
        self.path = Path(path)
        self.fmt = fmt
        self.geometry = geometry
        self.on_sample = on_sample
        self.frames_read = 0
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        self._sample_error: BaseException | None = None
        self._stderr = None
        self._tracking = None

    def _command(self, sample_fd: int | None) -> list[str]:
        g = self.geometry
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", *ffmpeg_input_args(self.path, self.fmt),
               "-an", "-sn", "-dn"]
        small = f"scale={g.width}:{g.height}:flags=bilinear,format=bgr24"
        if sample_fd is None:
            return cmd + ["-map", "0:v:0", "-vf", small, "-fps_mode", "passthrough",
                          "-f", "rawvideo", "pipe:1"]
        graph = (f"[0:v:0]split=2[a][b];[a]{small}[small];"
                 f"[b]select='not(mod(n\\,{g.sample_step}))',"
                 f"scale={g.sample_width}:{g.sample_height}:flags=bicubic,format=bgr24[big]")
        return cmd + ["-filter_complex", graph,
                      "-map", "[small]", "-fps_mode", "passthrough", "-f", "rawvideo", "pipe:1",
                      "-map", "[big]", "-fps_mode", "passthrough", "-f", "rawvideo", f"pipe:{sample_fd}"]

    def __enter__(self) -> FrameStream:
        sample_read = sample_write = None
        if self.on_sample is not None:
            sample_read, sample_write = os.pipe()
        # A file, not a pipe: a damaged video can log more than a pipe holds and stall ffmpeg.
        self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen(
                self._command(sample_write), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=self._stderr, bufsize=0, pass_fds=(sample_write,) if sample_write else (),
            )
        finally:
            if sample_write is not None:
                os.close(sample_write)  # the child has its copy; EOF arrives when ffmpeg exits
        # the job's watchdog may kill it (over the job's time limit, or no progress)
        self._tracking = tracked(self._proc)
        self._tracking.__enter__()
        if sample_read is not None:
            self._thread = threading.Thread(target=self._read_samples, args=(sample_read,), daemon=True)
            self._thread.start()
        return self

    def _read_samples(self, fd: int) -> None:
        buffer = bytearray(self.geometry.sample_bytes)
        g = self.geometry
        try:
            with open(fd, "rb", buffering=0) as pipe:
                k = 0
                while _read_exact(pipe, buffer):
                    frame = np.frombuffer(buffer, np.uint8).reshape(g.sample_height, g.sample_width, 3)
                    self.on_sample(k * g.sample_step, frame)
                    k += 1
        except BaseException as exc:  # noqa: BLE001 - re-raised by the main thread on exit
            # Closing this pipe makes ffmpeg stop, which ends the main loop early too.
            self._sample_error = exc

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
            if self._thread is not None:
                self._thread.join(timeout=30)
            if self._tracking is not None:
                self._tracking.__exit__(None, None, None)
            self._stderr.seek(0)
            stderr = self._stderr.read()
            self._stderr.close()
        if exc_type is None:
            if self._sample_error is not None:
                raise self._sample_error
            if self.frames_read == 0:
                last_line = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no frames"]
                raise DecodeError(f"ffmpeg decoded no frames ({last_line[0][:200]})")
