"""probe_video: what a file is (duration, frame rate, size, rotation, streams), or a clear
reason why it cannot be analysed.

PyAV reads the container and the first video packets in one pass; the first frame is
actually decoded, because a damaged file often has valid headers. There is no ffprobe here.
Only allow-listed containers are accepted (see media_input); the demuxer found is kept in
the probe, and every later stage opens the file with it forced.

When the container states no duration (a streamed Matroska/WebM, for instance), every video
packet is read to measure it, stopping as soon as the limit is passed: an estimate from the
first packets would let a long file through. Decoding stages still check what they decode.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av

from framepilot.errors import FramePilotError
from framepilot.models import VideoProbe
from framepilot.pipeline.media_input import (
    VIDEO_CONTAINERS,
    RefusedFormat,
    demuxer_name,
    open_detected,
)

# Packets read to judge the frame rate (about ten seconds at 30 fps).
TIMING_PACKETS = 300
# A video is variable-frame-rate when more than this share of frame intervals differs from
# the usual one by more than VFR_TOLERANCE (timebase rounding alone stays well inside).
VFR_TOLERANCE = 0.15
VFR_SHARE = 0.02
DEFAULT_FPS = 25.0
# Decoded media may exceed the duration limit by this much (container and stream lengths
# differ by a frame or an audio block) before a decoding stage stops.
LIMIT_SLACK_S = 0.5
# The highest frame rate counted when turning the duration limit into a number of frames, so a
# file claiming an absurd rate cannot buy itself an unbounded decode.
MAX_FPS = 240.0


class InvalidVideo(FramePilotError, ValueError):
    """The file cannot be analysed. The message names the file (base name only) and why."""

    user_facing = True

    def __init__(self, filename: str, reason: str) -> None:
        self.filename = filename
        self.reason = reason
        super().__init__(f"{filename}: {reason}")

    def __reduce__(self):  # noqa: ANN204 - keeps the two-argument form picklable (job queues)
        return (type(self), (self.filename, self.reason))


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    printable = set(string.printable.encode())
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return sum(b in printable for b in head) / len(head) > 0.95
    return True


def _what_it_is(head: bytes) -> str | None:
    """What a file that is not an accepted video seems to be, from its first bytes."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"ffconcat", b"file ")) or b"\nfile " in text:
        return "a playlist (ffconcat), not a video file"
    if text.startswith(b"#extm3u"):
        return "a playlist (HLS), not a video file"
    if b"<mpd" in text:
        return "a streaming manifest (DASH), not a video file"
    if text.startswith(b"v=0"):
        return "a stream description (SDP), not a video file"
    images = {b"\xff\xd8\xff": "JPEG", b"\x89PNG": "PNG", b"GIF8": "GIF"}
    for magic, kind in images.items():
        if head.startswith(magic):
            return f"an image ({kind}), not a video"
    if head[:4] == b"RIFF" and head[8:12] in (b"WAVE", b"WEBP"):
        return "an audio file (WAV), not a video" if head[8:12] == b"WAVE" else "an image (WebP), not a video"
    if head[:3] == b"ID3" or head[:4] == b"fLaC":
        return "an audio file, not a video"
    return None


def _unreadable_reason(path: Path, refused: bool) -> str:
    """Why the file could not be opened (`refused`: libav knows its format, but it is not
    allow-listed), guessed from its first bytes."""
    with open(path, "rb") as f:
        head = f.read(4096)
    what = _what_it_is(head)
    if what is not None:
        return f"this is {what}"
    if head[4:8] == b"ftyp":
        return "the MP4/MOV file is truncated or damaged (its index could not be read)"
    if _looks_like_text(head):
        return "this is a text file, not a video"
    if refused:
        accepted = ", ".join(VIDEO_CONTAINERS.values())
        return f"this file format is not accepted; upload a video file ({accepted})"
    return "this is not a video file we can read (unknown format, or damaged)"


def _limit_text(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)}-minute"
    if seconds < 60:
        return f"{seconds:g}-second"
    return _format_duration(seconds)


def too_long(filename: str, max_duration_s: float) -> InvalidVideo:
    """The error for media found, while reading or decoding it, to run past the limit."""
    return InvalidVideo(filename, f"the video is longer than the {_limit_text(max_duration_s)} limit")


def frame_budget(fps: float, max_duration_s: float) -> int:
    """How many video frames the duration limit allows (with a little slack) at `fps`."""
    return math.ceil((max_duration_s + LIMIT_SLACK_S) * min(max(fps, 1.0), MAX_FPS))


def _clockwise_rotation(counterclockwise: float | int | None) -> int:
    """Display-matrix rotation (counter-clockwise, as libav reports it) as clockwise degrees
    in 0/90/180/270: the same convention as the legacy `rotate` tag of phone videos."""
    if not counterclockwise:
        return 0
    return int(round(-float(counterclockwise) / 90.0)) * 90 % 360


def _container_name(container: av.container.InputContainer, path: Path) -> str:
    names = container.format.name.split(",")
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in names else names[0]


def _frame_rate(stream: av.video.stream.VideoStream, intervals: list[float]) -> float:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate and 0 < float(rate) < 1000:
            return float(rate)
    if intervals:
        typical = sorted(intervals)[len(intervals) // 2]
        if typical > 0:
            return 1.0 / typical
    return DEFAULT_FPS


def _is_variable(intervals: list[float]) -> bool:
    if len(intervals) < 4:
        return False
    typical = sorted(intervals)[len(intervals) // 2]
    if typical <= 0:
        return False
    off = sum(abs(d - typical) > VFR_TOLERANCE * typical for d in intervals)
    return off / len(intervals) > VFR_SHARE


def _format_duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


@dataclass
class _Packets:
    """What reading a video stream's packets found."""

    first_frame: av.VideoFrame | None = None
    timing: list[int] = field(default_factory=list)  # the first TIMING_PACKETS timestamps
    count: int = 0
    lowest: int | None = None
    highest: int | None = None

    def add(self, pts: int) -> None:
        if len(self.timing) < TIMING_PACKETS:
            self.timing.append(pts)
        self.count += 1
        self.lowest = pts if self.lowest is None else min(self.lowest, pts)
        self.highest = pts if self.highest is None else max(self.highest, pts)


def _read_packets(container: av.container.InputContainer, stream: av.video.stream.VideoStream,
                  measure_all: bool, name: str, max_duration_s: float | None) -> _Packets:
    """Decode the first frame and read the first TIMING_PACKETS packets; with `measure_all`,
    read every packet, stopping with `too_long` once the limit is clearly passed."""
    found = _Packets()
    time_base = float(stream.time_base or Fraction(1, 1_000_000))
    packet_cap = frame_budget(MAX_FPS, max_duration_s) if max_duration_s is not None else None
    damaged = "its video could not be decoded (the file is damaged or truncated)"
    try:
        for packet in container.demux(stream):
            if packet.pts is not None and not packet.is_discard:
                found.add(packet.pts)
                if measure_all and max_duration_s is not None and (
                        (found.highest - found.lowest) * time_base > max_duration_s + LIMIT_SLACK_S
                        or found.count > packet_cap):
                    raise too_long(name, max_duration_s)
            if found.first_frame is None:
                frames = packet.decode()
                found.first_frame = frames[0] if frames else None
            if found.first_frame is not None and len(found.timing) >= TIMING_PACKETS and not measure_all:
                break
    except av.error.FFmpegError as exc:
        if found.first_frame is None:
            raise InvalidVideo(name, damaged) from exc
    if found.first_frame is None:
        raise InvalidVideo(name, damaged)
    return found


def probe_video(path: Path, max_duration_s: float | None = None) -> VideoProbe:
    """Describe the video at `path`; raise InvalidVideo for anything that cannot be analysed.

    Rejected: a missing or empty file, anything that is not an allow-listed video container
    (playlists, manifests, images, audio files, text), a truncated or undecodable video,
    audio-only media, and videos longer than `max_duration_s`. A video without sound is
    valid (`has_audio=False`); so is a single frame.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InvalidVideo(name, "the file does not exist")
    size = path.stat().st_size
    if size == 0:
        raise InvalidVideo(name, "the file is empty (0 bytes)")
    try:
        container = open_detected(path, VIDEO_CONTAINERS)
    except RefusedFormat as exc:
        raise InvalidVideo(name, _unreadable_reason(path, refused=True)) from exc
    except av.error.FFmpegError as exc:
        raise InvalidVideo(name, _unreadable_reason(path, refused=False)) from exc

    with container:
        if not container.streams.video:
            if container.streams.audio:
                raise InvalidVideo(name, "the file has no video stream (it is audio only)")
            raise InvalidVideo(name, "the file has no video stream")
        stream = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        codec = stream.codec_context.name if stream.codec_context else None
        if not codec:
            raise InvalidVideo(name, "its video codec is not supported")

        measure_all = not (container.duration or stream.duration)
        packets = _read_packets(container, stream, measure_all, name, max_duration_s)
        first_frame = packets.first_frame
        time_base = float(stream.time_base or Fraction(1, 1_000_000))
        ordered = sorted(packets.timing)
        intervals = [(b - a) * time_base for a, b in zip(ordered, ordered[1:]) if b > a]
        fps = _frame_rate(stream, intervals)
        if container.duration:
            duration = container.duration / 1_000_000
        elif stream.duration:
            duration = stream.duration * time_base
        elif packets.count:
            duration = (packets.highest - packets.lowest) * time_base + 1.0 / fps
        else:
            duration = 1.0 / fps
        duration = max(duration, 1.0 / fps)  # a single frame still lasts one frame
        frame_count = stream.frames if stream.frames and stream.frames > 0 else max(1, round(duration * fps))
        if measure_all or packets.count < TIMING_PACKETS:  # every packet was read: the count is exact
            frame_count = max(1, packets.count)
        width, height = first_frame.width, first_frame.height
        rotation = _clockwise_rotation(first_frame.rotation)
        probe = VideoProbe(
            duration_s=round(duration, 4),
            fps=round(fps, 4),
            is_vfr=_is_variable(intervals),
            width=width,
            height=height,
            rotation=rotation,
            display_width=height if rotation in (90, 270) else width,
            display_height=width if rotation in (90, 270) else height,
            video_codec=codec,
            audio_codec=audio.codec_context.name if audio is not None and audio.codec_context else None,
            has_audio=audio is not None,
            frame_count=int(frame_count),
            size_bytes=size,
            container=_container_name(container, path),
            demuxer=demuxer_name(container),
        )

    if max_duration_s is not None and probe.duration_s > max_duration_s:
        raise InvalidVideo(
            name, f"the video is {_format_duration(probe.duration_s)} long; the limit is "
                  f"{_format_duration(max_duration_s)}",
        )
    return probe
