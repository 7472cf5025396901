"""The voiceover preview: the original picture with the new voiceover as its only sound.

A small, fast H.264 + AAC MP4 (ultrafast preset, at most 720 px high) for watching in the
browser, not a master. The preview lasts as long as the longer of the two: a voiceover that
runs past the picture holds the last frame (a loop would replay the opening under the end
of the script); one that ends early is followed by silence.

One ffmpeg command renders it, with both inputs opened through media_input (the video with
its probed demuxer forced, the voiceover as the WAV/MP3 our voice providers write). moviepy
did this before, but its readers build their own `-i <file>` with no way to pin the format
or the protocol, and a second pass through a safe intermediate would cost another encode.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import av
import imageio_ffmpeg

from framepilot.errors import FramePilotError
from framepilot.models import VideoProbe
from framepilot.pipeline.audio import read_pcm
from framepilot.pipeline.media_input import ffmpeg_input_args

MAX_HEIGHT = 720
PRESET = "ultrafast"
CRF = "28"  # smaller than x264's default 23; plenty for judging a voiceover
AUDIO_FPS = 44_100
THREADS = 2
TIMEOUT_S = 600
# The formats our voice providers write, by file suffix.
VOICE_FORMATS = {".wav": "wav", ".mp3": "mp3"}


class PreviewError(FramePilotError, RuntimeError):
    """The preview could not be rendered; the message says which input was at fault."""

    user_facing = True


def preview_size(width: int, height: int, max_height: int = MAX_HEIGHT) -> tuple[int, int]:
    """Displayed size scaled down to `max_height` if taller, rounded to even numbers (H.264 4:2:0)."""
    scale = min(1.0, max_height / height)
    return max(2, int(width * scale / 2 + 0.5) * 2), max(2, int(height * scale / 2 + 0.5) * 2)


def _voice_seconds(voice_path: Path, fmt: str) -> float:
    try:
        decoded = read_pcm(voice_path, fmt=fmt)
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise PreviewError("The voiceover file for the preview could not be read.") from exc
    if decoded is None or decoded[0].size == 0:
        raise PreviewError("The voiceover file for the preview has no sound.")
    samples, rate = decoded
    return samples.size / rate


def render_preview(video_path: Path, probe: VideoProbe, voice_path: Path, out_path: Path) -> Path:
    """Render `video_path` (described by `probe`) with `voice_path` replacing its sound into
    `out_path` (written atomically)."""
    video_path, voice_path, out_path = Path(video_path), Path(voice_path), Path(out_path)
    for path, what in ((video_path, "video"), (voice_path, "voiceover")):
        if not path.is_file():
            raise PreviewError(f"The {what} file for the preview is missing.")
    voice_format = VOICE_FORMATS.get(voice_path.suffix.lower())
    if voice_format is None:
        raise PreviewError("The voiceover for the preview must be a WAV or MP3 file.")
    voice_s = _voice_seconds(voice_path, voice_format)
    total = max(probe.duration_s, voice_s)
    hold = total - probe.duration_s  # the last frame is held while the voice runs on
    width, height = preview_size(probe.display_width, probe.display_height)
    graph = (f"[0:v:0]scale={width}:{height}:flags=bicubic,"
             f"tpad=stop_mode=clone:stop_duration={hold:.3f},format=yuv420p[v];"
             f"[1:a:0]aresample={AUDIO_FPS},apad[a]")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.stem}.part.mp4")
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y",
        *ffmpeg_input_args(video_path, probe.demuxer), *ffmpeg_input_args(voice_path, voice_format),
        "-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-t", f"{total:.3f}",
        "-fps_mode", "cfr", "-r", f"{probe.fps:g}",
        "-c:v", "libx264", "-preset", PRESET, "-crf", CRF, "-threads", str(THREADS),
        "-c:a", "aac", "-ar", str(AUDIO_FPS), "-movflags", "+faststart", "-f", "mp4", str(tmp),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
        if done.returncode != 0 or not tmp.exists():
            raise PreviewError(f"The preview could not be rendered (ffmpeg exit {done.returncode}).")
        os.replace(tmp, out_path)
    except subprocess.TimeoutExpired as exc:
        raise PreviewError("The preview took too long to render.") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return out_path
