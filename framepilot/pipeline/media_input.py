"""The one way the product opens media: with an allow-listed demuxer and the `file` protocol only.

libav picks a demuxer from a file's content, and some demuxers open other files or URLs named
inside the file (concat/ffconcat, HLS, DASH, SDP, image sequences), so a 40-byte text file
could make us analyse another user's video. So every open here:
- reads a local path, as an explicit `file:` URL, with `protocol_whitelist=file`;
- either forces the demuxer found when the upload was probed (`open_container`,
  `ffmpeg_input_args`), or lets libav detect it among an allow-list only (`open_detected`,
  enforced by libav's `format_whitelist` before the demuxer reads anything).
Every PyAV `av.open` and every ffmpeg `-i` of a media file in the product goes through here.
"""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Mapping
from pathlib import Path

import av

from framepilot.errors import FramePilotError

ALLOWED_PROTOCOLS = "file"

# Demuxers an upload may be: real media containers that never open another file or URL by
# themselves. Keys are libav's short demuxer names (the first name of each demuxer).
# Deliberately absent: concat/ffconcat, hls, dash, sdp, rtp/rtsp, image2 and the *_pipe image
# demuxers, lavfi, tee, data, subtitle and raw-stream formats, audio-only formats, and
# everything else libav knows. mov's external data references stay off (libav's default).
VIDEO_CONTAINERS: Mapping[str, str] = {
    "mov": "MP4 / MOV / M4V / 3GP",
    "matroska": "Matroska / WebM",
    "avi": "AVI",
    "mpeg": "MPEG program stream (.mpg, .vob)",
    "mpegts": "MPEG transport stream (.ts, .mts, .m2ts)",
}

# Audio files the product writes itself (the extracted soundtrack, voiceovers) or that a
# transcriber may be given directly (evaluation clips).
AUDIO_CONTAINERS: Mapping[str, str] = {
    "wav": "WAV",
    "flac": "FLAC",
    "mp3": "MP3",
}

# What a transcriber may be handed: audio files, or a video whose soundtrack it reads.
SOUND_CONTAINERS: Mapping[str, str] = {**AUDIO_CONTAINERS, **VIDEO_CONTAINERS}
_ALL_ALLOWED = SOUND_CONTAINERS


class RefusedFormat(FramePilotError, ValueError):
    """libav recognised the file, but as a format outside the allow-list it was opened with."""


def _url(path: Path | str) -> str:
    # An explicit file: URL, so a name can never be read as another protocol ("concat:", "subfile,,").
    return "file:" + os.path.abspath(path)


def _require_allowed(fmt: str | None) -> str:
    if fmt not in _ALL_ALLOWED:
        raise RefusedFormat(f"demuxer {fmt!r} is not on the allow-list")
    return fmt


def demuxer_name(container: av.container.InputContainer) -> str:
    """The short libav name of the demuxer that opened `container` (e.g. 'mov', 'matroska')."""
    return container.format.name.split(",")[0]


def open_container(source: Path | str | bytes, fmt: str) -> av.container.InputContainer:
    """Open a file (or bytes in memory) with the demuxer `fmt` forced, reading no other file."""
    fmt = _require_allowed(fmt)
    target = io.BytesIO(source) if isinstance(source, bytes) else _url(source)
    return av.open(target, format=fmt, container_options={"protocol_whitelist": ALLOWED_PROTOCOLS})


def open_detected(path: Path | str, accepted: Mapping[str, str] = VIDEO_CONTAINERS) -> av.container.InputContainer:
    """Open a file whose demuxer libav detects from its content, among `accepted` only.

    Raises RefusedFormat when libav recognises another format (it stops before that demuxer
    reads anything), and av's FFmpegError when nothing recognises the file.
    """
    options = {"protocol_whitelist": ALLOWED_PROTOCOLS, "format_whitelist": ",".join(accepted)}
    try:
        return av.open(_url(path), container_options=options)
    except av.error.ArgumentError as exc:
        if exc.errno == errno.EINVAL:  # libav's "Format not on whitelist"
            raise RefusedFormat("the file's format is not on the allow-list") from exc
        raise


def ffmpeg_input_args(path: Path | str, fmt: str) -> list[str]:
    """The ffmpeg CLI input for a file: its demuxer forced and the file protocol alone."""
    return ["-protocol_whitelist", ALLOWED_PROTOCOLS, "-f", _require_allowed(fmt), "-i", _url(path)]
