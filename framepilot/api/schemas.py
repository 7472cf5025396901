"""What the API sends and accepts: pydantic models, from which the OpenAPI schema is built.

They carry no server paths and no owner ids: a client sees its own videos and jobs by id.
This module imports only pydantic and the domain models, so `framepilot.client` can share it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from framepilot.models import (
    Cut,
    CutList,
    DirectorMode,
    Job,
    JobStatus,
    JobType,
    KeptRange,
    Video,
    VideoStatus,
)
from framepilot.models.languages import parse_language

Provider = Literal["local", "openai"]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class VideoOut(_Wire):
    id: str
    filename: str
    status: VideoStatus
    error: str | None = None
    size_bytes: int
    sha256: str
    created_at: datetime
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    has_audio: bool | None = None
    cost_usd: float | None = Field(None, description="What its AI calls cost so far (USD)")
    language: str | None = Field(None, description="The spoken language set at upload (null: detected)")

    @classmethod
    def of(cls, video: Video) -> VideoOut:
        probe = video.probe
        return cls(
            id=video.id, filename=video.filename, status=video.status, error=video.error,
            size_bytes=video.size_bytes, sha256=video.sha256, created_at=video.created_at,
            duration_s=probe.duration_s if probe else None, width=probe.display_width if probe else None,
            height=probe.display_height if probe else None, fps=probe.fps if probe else None,
            has_audio=probe.has_audio if probe else None, cost_usd=video.cost_usd, language=video.language,
        )


class JobOut(_Wire):
    id: str
    video_id: str | None
    type: JobType
    status: JobStatus
    stage: str | None = None
    progress: int = Field(description="0-100; never falls while the job runs")
    error: str | None = None
    attempts: int
    params: dict
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        return cls.model_validate(job.model_dump(exclude={"user_id", "heartbeat_at"}))


class UploadAccepted(_Wire):
    """The stored video and the job that analyses it (`duplicate`: the same file was already
    uploaded, and that video is returned)."""

    video: VideoOut
    job: JobOut
    duplicate: bool


class Submitted(_Wire):
    """A queued job (`reused`: an equal job already in flight, or already done, answers it)."""

    job: JobOut
    reused: bool


class JobEvent(_Wire):
    """One Server-Sent Event of `GET /api/jobs/{id}/events` (event name `progress` while the
    job is queued or running, `end` once when it has finished)."""

    status: JobStatus
    stage: str | None = None
    progress: int
    error: str | None = None

    @classmethod
    def of(cls, job: Job) -> JobEvent:
        return cls(status=job.status, stage=job.stage, progress=job.progress, error=job.error)


def _comma_list(value: object) -> object:
    """Accept modes as repeated fields or one comma-separated value."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return [m.strip() for v in value for m in str(v).split(",") if m.strip()]
    return value


class UploadOptions(_Wire):
    """Form fields beside the file in `POST /api/videos`."""

    model_config = ConfigDict(extra="forbid")

    modes: list[DirectorMode] = Field(default_factory=lambda: list(DirectorMode),
                                      description="Director modes to run (default: all three)")
    provider: Provider | None = Field(None, description="AI provider (default: the server's)")
    voice: bool = Field(False, description="Also voice the rewritten script")
    language: str | None = Field(None, description="The spoken language: 'auto' (default: Whisper detects it) "
                                                   "or a Whisper language code such as 'en' or 'tr'")

    _modes = field_validator("modes", mode="before")(_comma_list)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        return parse_language(value)


class UploadForm(UploadOptions):
    """The multipart body of `POST /api/videos` (documentation only: it is parsed as it streams)."""

    file: bytes = Field(json_schema_extra={"format": "binary"}, description="The video file")


class DirectorRequest(_Wire):
    model_config = ConfigDict(extra="forbid")

    modes: list[DirectorMode] = Field(default_factory=lambda: list(DirectorMode), min_length=1)
    provider: Provider | None = None


class VoiceRequest(_Wire):
    model_config = ConfigDict(extra="forbid")

    mode: DirectorMode = DirectorMode.SCRIPT_REWRITE
    provider: Provider | None = None


class EditOut(_Wire):
    """A video's edit: its suggested cuts (the `cuts` of the analysis document), which of them
    are on, what stays, and whether the tightened preview of exactly this edit is ready."""

    fps: float
    frame_count: int
    language: str | None = None
    duration_s: float = Field(description="The original's length")
    edited_duration_s: float = Field(description="The length once the enabled cuts are made")
    cuts: list[Cut]
    kept_ranges: list[KeptRange] = Field(description="What the enabled cuts leave, in order")
    rendered: bool = Field(description="`GET /api/videos/{id}/render` has the preview of this edit")

    @classmethod
    def of(cls, cut_list: CutList, rendered: bool) -> EditOut:
        return cls(fps=cut_list.fps, frame_count=cut_list.frame_count, language=cut_list.language,
                   duration_s=round(cut_list.duration_s, 4), edited_duration_s=round(cut_list.kept_duration_s, 4),
                   cuts=cut_list.cuts, kept_ranges=cut_list.kept_ranges(), rendered=rendered)


# More cuts than any video's edit holds (an hour of talk suggests a few hundred): a longer list
# in a body is refused by validation before anything walks it.
MAX_CUTS_IN_BODY = 2000


class CutChoices(_Wire):
    """Switch suggested cuts on or off by id; cuts not named keep their state."""

    model_config = ConfigDict(extra="forbid")

    enabled: dict[str, bool] = Field(min_length=1, max_length=MAX_CUTS_IN_BODY,
                                     description="cut id -> on (true) or off (false)")


class RenderRequest(_Wire):
    model_config = ConfigDict(extra="forbid")

    cuts: list[str] | None = Field(
        None, max_length=MAX_CUTS_IN_BODY, description="Ids of the cuts to make; every other cut is switched off. Default: the edit as it "
                          "stands (every suggested cut, unless switched off)")
