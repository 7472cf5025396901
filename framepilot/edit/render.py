"""The tightened preview: the kept ranges of a cut list joined into one small MP4.

One ffmpeg pass (the bundled binary): `select` keeps the kept frames by number and `aselect`
the kept sound by time, each restamped end to end, so memory stays flat however many cuts
there are and picture and sound stay in sync. Sound is cut in 64-sample steps (1.3 ms at
48 kHz) and faded out and back in over FADE_S either side of every join, so cuts don't
click. It keeps the source's resolution (it is a file to take away, not only to watch), x264
ultrafast. The duration is the sum of the kept ranges; nothing here decides what to cut.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg
from pydantic import BaseModel

from framepilot.core.child_processes import tracked
from framepilot.core.logs import get_logger
from framepilot.models import CutList, KeptRange
from framepilot.pipeline.media_input import ffmpeg_input_args
from framepilot.pipeline.preview import CRF, PRESET, THREADS, PreviewError

FADE_S = 0.01
STDERR_TAIL_BYTES = 2000  # what of ffmpeg's complaints goes to the log when a render fails
FAILED_MESSAGE = ("The preview could not be rendered: the video could not be decoded (the file may be damaged). "
                  "Try another file, or retry.")
AUDIO_STEP_SAMPLES = 64


class RenderedEdit(BaseModel):
    path: str
    duration_s: float = 0.0
    kept_ranges: int = 0
    render_seconds: float = 0.0


def edit_key(cut_list: CutList) -> str:
    """Names the edit: the same kept ranges at the same rate give the same preview file."""
    ranges = ",".join(f"{r.start_frame}-{r.end_frame}" for r in cut_list.kept_ranges())
    return hashlib.sha1(f"{cut_list.fps:.6f}|{ranges}".encode()).hexdigest()[:12]


def _frames_kept(ranges: list[KeptRange]) -> str:
    return "+".join(f"between(n\\,{r.start_frame}\\,{r.end_frame - 1})" for r in ranges)


def _times_kept(ranges: list[KeptRange], fps: float) -> str:
    return "+".join(f"between(t\\,{r.start_frame / fps:.6f}\\,{r.end_frame / fps:.6f})" for r in ranges)


def _declick(ranges: list[KeptRange], fps: float) -> str:
    """Gain 1 except within FADE_S of a join, where it falls to 0 at the join itself."""
    edges = [r.end_frame / fps for r in ranges[:-1]] + [r.start_frame / fps for r in ranges[1:]]
    if not edges:
        return "1"
    gain = "1"
    for edge in edges:
        gain = f"min({gain}\\,clip(abs(t-{edge:.6f})/{FADE_S}\\,0\\,1))"
    return gain


def _command(video: Path, demuxer: str, cut_list: CutList, out: Path, has_audio: bool, height: int) -> list[str]:
    ranges = cut_list.kept_ranges()
    fps = cut_list.fps
    scale = f",scale=-2:{height // 2 * 2}" if height % 2 else ""  # x264 needs even sizes; nothing smaller
    graph = f"[0:v:0]select='{_frames_kept(ranges)}',setpts=N/({fps:.6f}*TB){scale},format=yuv420p[v]"
    maps = ["-map", "[v]"]
    if has_audio:
        graph += (f";[0:a:0]asetnsamples=n={AUDIO_STEP_SAMPLES},volume='{_declick(ranges, fps)}':eval=frame,"
                  f"aselect='{_times_kept(ranges, fps)}',asetpts=N/SR/TB[a]")
        maps += ["-map", "[a]", "-c:a", "aac", "-b:a", "128k"]
    with tempfile.NamedTemporaryFile("w", suffix=".ffgraph", delete=False) as script:
        script.write(graph)  # a long edit makes a long graph: a file, not an argument
    return [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", *ffmpeg_input_args(video, demuxer),
            "-/filter_complex", script.name, *maps,  # "-/opt file": the value is read from the file
            "-r", f"{fps:.6f}", "-c:v", "libx264", "-preset", PRESET, "-crf", CRF, "-threads", str(THREADS),
            "-movflags", "+faststart", "-progress", "pipe:1", "-nostats", str(out)]


def render_edit(video: Path, cut_list: CutList, out_path: Path, *, demuxer: str, has_audio: bool, height: int,
                progress: Callable[[float], None] | None = None) -> RenderedEdit:
    """Render the kept ranges of `video` (opened with its probed `demuxer` forced, see
    media_input) into `out_path` (written atomically).

    `progress(fraction)` is called as ffmpeg reports; it may raise to cancel (ffmpeg is stopped).
    """
    video, out_path = Path(video), Path(out_path)
    ranges = cut_list.kept_ranges()
    if not video.is_file():
        raise PreviewError("The video file for the preview is missing.")
    if not ranges:
        raise PreviewError("Every frame is cut; switch a cut off to keep something.")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.stem}.part.mp4")
    command = _command(video, demuxer, cut_list, tmp, has_audio, height)
    script = Path(command[command.index("-/filter_complex") + 1])
    total_us = max(cut_list.kept_duration_s, 1e-3) * 1e6
    started = time.perf_counter()
    # stderr goes to a file, never a pipe: a damaged video makes ffmpeg log more than a pipe
    # holds, and an unread pipe would stall it for good
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, text=True)
        try:
            with tracked(proc):
                for line in proc.stdout:
                    if line.startswith("out_time_us=") and progress is not None:
                        value = line.split("=", 1)[1].strip()
                        if value.lstrip("-").isdigit():
                            progress(min(0.99, max(0.0, int(value) / total_us)))
                code = proc.wait()
            if code != 0:
                _log_failure(errors, code)
                raise PreviewError(FAILED_MESSAGE)
            os.replace(tmp, out_path)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            tmp.unlink(missing_ok=True)
            script.unlink(missing_ok=True)
    if progress is not None:
        progress(1.0)
    return RenderedEdit(path=str(out_path), duration_s=round(cut_list.kept_duration_s, 4), kept_ranges=len(ranges),
                        render_seconds=round(time.perf_counter() - started, 3))


def _log_failure(errors, code: int) -> None:  # noqa: ANN001 - a binary temp file
    """ffmpeg's last words go to the log for whoever runs the service, not to the user."""
    errors.seek(0, os.SEEK_END)
    size = errors.tell()
    errors.seek(max(0, size - STDERR_TAIL_BYTES))
    tail = errors.read().decode("utf-8", "replace")
    get_logger(component="render").warning("render.ffmpeg_failed", exit_code=code, stderr_bytes=size,
                                           stderr_tail=tail)
