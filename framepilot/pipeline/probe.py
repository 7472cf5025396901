"""probe_video: what a file is (duration, frame rate, size, rotation, streams), or a clear
reason why it cannot be analysed.

PyAV reads the container and the first video packets in one pass; the first frame is
actually decoded, because a damaged file often has valid headers. There is no ffprobe here.
"""

from __future__ import annotations

import string
from fractions import Fraction
from pathlib import Path

import av

from framepilot.models import VideoProbe

# Packets read to judge the frame rate (about ten seconds at 30 fps).
TIMING_PACKETS = 300
# A video is variable-frame-rate when more than this share of frame intervals differs from
# the usual one by more than VFR_TOLERANCE (timebase rounding alone stays well inside).
VFR_TOLERANCE = 0.15
VFR_SHARE = 0.02
DEFAULT_FPS = 25.0


class InvalidVideo(ValueError):
    """The file cannot be analysed. The message names the file (base name only) and why."""

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


def _unreadable_reason(path: Path) -> str:
    """Why libav could not open the file, guessed from its first bytes."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if head[4:8] == b"ftyp":
        return "the MP4/MOV file is truncated or damaged (its index could not be read)"
    if _looks_like_text(head):
        return "this is a text file, not a video"
    return "this is not a video file we can read (unknown format, or damaged)"


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


def probe_video(path: Path, max_duration_s: float | None = None) -> VideoProbe:
    """Describe the video at `path`; raise InvalidVideo for anything that cannot be analysed.

    Rejected: a missing or empty file, anything that is not audio/video, a truncated or
    undecodable video, audio-only media, and videos longer than `max_duration_s`. A video
    without sound is valid (`has_audio=False`); so is a single frame.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InvalidVideo(name, "the file does not exist")
    size = path.stat().st_size
    if size == 0:
        raise InvalidVideo(name, "the file is empty (0 bytes)")
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        raise InvalidVideo(name, _unreadable_reason(path)) from exc

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

        first_frame = None
        pts: list[int] = []
        try:
            for packet in container.demux(stream):
                if packet.pts is not None and not packet.is_discard:
                    pts.append(packet.pts)
                if first_frame is None:
                    frames = packet.decode()
                    first_frame = frames[0] if frames else None
                if first_frame is not None and len(pts) >= TIMING_PACKETS:
                    break
        except av.error.FFmpegError as exc:
            if first_frame is None:
                raise InvalidVideo(name, "its video could not be decoded (the file is damaged or truncated)") from exc
        if first_frame is None:
            raise InvalidVideo(name, "its video could not be decoded (the file is damaged or truncated)")

        time_base = float(stream.time_base or Fraction(1, 1_000_000))
        ordered = sorted(pts)
        intervals = [(b - a) * time_base for a, b in zip(ordered, ordered[1:]) if b > a]
        fps = _frame_rate(stream, intervals)
        if container.duration:
            duration = container.duration / 1_000_000
        elif stream.duration:
            duration = stream.duration * time_base
        else:
            duration = len(ordered) / fps
        duration = max(duration, 1.0 / fps)  # a single frame still lasts one frame
        frame_count = stream.frames if stream.frames and stream.frames > 0 else max(1, round(duration * fps))
        if len(pts) < TIMING_PACKETS:  # the whole video was read: the exact count is known
            frame_count = max(1, len(pts))
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
        )

    if max_duration_s is not None and probe.duration_s > max_duration_s:
        raise InvalidVideo(
            name, f"the video is {_format_duration(probe.duration_s)} long; the limit is "
                  f"{_format_duration(max_duration_s)}",
        )
    return probe
