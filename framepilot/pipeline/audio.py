"""extract_audio: the soundtrack as 16 kHz mono PCM WAV, the input every speech model wants;
and read_pcm, the one decoder of audio files into samples.

One direct ffmpeg call (about 0.15 s per minute of video here; moviepy took 4x longer).
The WAV is written under a temporary name and renamed, so a crash never leaves a
half-written file that a resumed analysis would take for a finished one. With a duration
limit, ffmpeg writes at most the limit plus a second, so a file that runs on far past what
its container states cannot fill the disk; such a file fails with the limit's message.
"""

from __future__ import annotations

import os
import subprocess
import wave
from collections.abc import Mapping
from pathlib import Path

import av
import imageio_ffmpeg
import numpy as np

from framepilot.models import VideoProbe
from framepilot.pipeline.media_input import (
    SOUND_CONTAINERS,
    ffmpeg_input_args,
    open_container,
    open_detected,
)
from framepilot.pipeline.probe import LIMIT_SLACK_S, InvalidVideo, too_long

SAMPLE_RATE = 16_000
TIMEOUT_S = 600
# The format extract_audio writes: later stages open the soundtrack with it forced.
SOUNDTRACK_FORMAT = "wav"


def extract_audio(path: Path, out_wav: Path, probe: VideoProbe,
                  max_duration_s: float | None = None) -> Path | None:
    """Write the first audio track of `path` to `out_wav`; None when the video has no sound.

    Audio that starts after the picture is padded with silence at the front, so times in
    the WAV are times in the video. Raises InvalidVideo when the decoded sound runs past
    `max_duration_s`.
    """
    if not probe.has_audio:
        return None
    path, out_wav = Path(path), Path(out_wav)
    out_wav.parent.mkdir(parents=True, exist_ok=True)
    partial = out_wav.with_name(f".{out_wav.stem}.part.wav")
    bound = ["-t", f"{max_duration_s + 1:.3f}"] if max_duration_s is not None else []
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", *ffmpeg_input_args(path, probe.demuxer),
        "-map", "0:a:0", "-vn", "-sn", "-dn",
        "-af", "aresample=async=1:first_pts=0", "-ac", "1", "-ar", str(SAMPLE_RATE),
        "-c:a", "pcm_s16le", *bound, "-f", SOUNDTRACK_FORMAT, str(partial),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S)
        if done.returncode != 0 or not partial.exists():
            raise InvalidVideo(path.name, "its audio track could not be decoded")
        if max_duration_s is not None and _wav_seconds(partial) > max_duration_s + LIMIT_SLACK_S:
            raise too_long(path.name, max_duration_s)
        os.replace(partial, out_wav)
    except subprocess.TimeoutExpired as exc:
        raise InvalidVideo(path.name, "its audio track took too long to decode") from exc
    finally:
        partial.unlink(missing_ok=True)
    return out_wav


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def read_pcm(source: Path | bytes, rate: int | None = None, fmt: str | None = None,
             accepted: Mapping[str, str] = SOUND_CONTAINERS) -> tuple[np.ndarray, int] | None:
    """The first audio track as mono 16-bit samples and their rate; None without an audio track.

    The rate is the file's own unless `rate` is given. `fmt` forces the demuxer (required for
    bytes); without it the file's format is detected among `accepted` only. Raises av's
    FFmpegError (or media_input.RefusedFormat) when the file cannot be decoded.
    """
    if fmt is not None or isinstance(source, bytes):
        container = open_container(source, fmt)
    else:
        container = open_detected(source, accepted)
    with container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        rate = rate or stream.rate or SAMPLE_RATE
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        parts = []
        for frame in container.decode(stream):
            parts.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
        parts.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    return samples.astype(np.int16), rate
