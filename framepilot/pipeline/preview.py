"""The voiceover preview: the original picture with the new voiceover as its only sound.

A small, fast H.264 + AAC MP4 (ultrafast preset, at most 720 px high) for watching in the
browser, not a master. The preview lasts as long as the longer of the two: a voiceover that
runs past the picture holds the last frame (a loop would replay the opening under the end
of the script); one that ends early is followed by silence.
"""

from __future__ import annotations

import os
from pathlib import Path

MAX_HEIGHT = 720
PRESET = "ultrafast"
CRF = "28"  # smaller than x264's default 23; plenty for judging a voiceover
AUDIO_FPS = 44_100
THREADS = 2


class PreviewError(RuntimeError):
    """The preview could not be rendered; the message says which input was at fault."""


def preview_size(width: int, height: int, max_height: int = MAX_HEIGHT) -> tuple[int, int]:
    """Displayed size scaled down to `max_height` if taller, rounded to even numbers (H.264 4:2:0)."""
    scale = min(1.0, max_height / height)
    return max(2, int(width * scale / 2 + 0.5) * 2), max(2, int(height * scale / 2 + 0.5) * 2)


def render_preview(video_path: Path, voice_path: Path, out_path: Path) -> Path:
    """Render `video_path` with `voice_path` replacing its sound into `out_path` (written atomically)."""
    from moviepy import AudioFileClip, CompositeAudioClip, VideoFileClip

    video_path, voice_path, out_path = Path(video_path), Path(voice_path), Path(out_path)
    for path, what in ((video_path, "video"), (voice_path, "voiceover")):
        if not path.is_file():
            raise PreviewError(f"The {what} file for the preview is missing.")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.stem}.part.mp4")
    tmp_audio = out_path.with_name(f".{out_path.stem}.part.m4a")

    with VideoFileClip(str(video_path), audio=False) as probe:
        width, height = probe.size
    size = preview_size(width, height)
    target = size if size != (width, height) else None  # ffmpeg scales while decoding: cheaper than per-frame
    try:
        with VideoFileClip(str(video_path), audio=False, target_resolution=target) as video, \
                AudioFileClip(str(voice_path)) as voice:
            total = max(video.duration, voice.duration)
            picture = video
            if voice.duration > video.duration:
                last_frame_t = max(video.duration - 1.0 / video.fps, 0.0)
                picture = video.time_transform(lambda t: min(t, last_frame_t)).with_duration(total)
            sound = CompositeAudioClip([voice]).with_duration(total)
            sound.fps = AUDIO_FPS
            picture.with_audio(sound).write_videofile(
                str(tmp), fps=video.fps, codec="libx264", audio_codec="aac", audio_fps=AUDIO_FPS,
                preset=PRESET, threads=THREADS, temp_audiofile=str(tmp_audio), logger=None,
                ffmpeg_params=["-crf", CRF, "-movflags", "+faststart"],
            )
        os.replace(tmp, out_path)
    except (OSError, KeyError, ValueError) as exc:
        raise PreviewError(f"The preview could not be rendered ({type(exc).__name__}).") from exc
    finally:
        tmp.unlink(missing_ok=True)
        tmp_audio.unlink(missing_ok=True)
    return out_path
