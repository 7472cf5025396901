"""A stored video: its probe, its status and the stages its analysis has reached."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from framepilot.models.base import _Model


class VideoStatus(StrEnum):
    UPLOADED = "uploaded"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class Stage(StrEnum):
    """Pipeline stages, in run order."""

    PROBE = "probe"
    AUDIO = "audio"
    SHOTS = "shots"
    TRANSCRIBE = "transcribe"
    CINEMATIC = "cinematic"
    DIRECT = "direct"
    VOICE = "voice"
    RENDER = "render"  # the tightened preview of the edit (its own job)
    FINISH = "finish"  # the finished render for a platform, and its review (its own job)


class VideoProbe(_Model):
    """What probe_video learned about a file."""

    duration_s: float
    fps: float = Field(description="Average frame rate")
    is_vfr: bool = False
    width: int
    height: int
    rotation: int = Field(0, description="Display rotation in degrees (0, 90, 180, 270)")
    display_width: int
    display_height: int
    video_codec: str
    audio_codec: str | None = None
    has_audio: bool
    frame_count: int
    size_bytes: int
    container: str | None = None
    demuxer: str | None = Field(
        None, description="The libav demuxer the file was accepted with; every later open forces it",
    )


class Video(_Model):
    id: str
    user_id: int
    filename: str
    stored_path: str
    sha256: str
    size_bytes: int
    status: VideoStatus
    error: str | None = None
    probe: VideoProbe | None = None
    created_at: datetime
    cost_usd: float | None = None
    thumbnail_path: str | None = None
    unreadable: str | None = Field(None, description="Why the filename cannot be decrypted, if it cannot")
    language: str | None = Field(None, description="The spoken language the upload named (a Whisper code); "
                                                   "None: Whisper detects it")

