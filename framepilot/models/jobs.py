"""Jobs: their types, states and the parameters each type runs with."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, computed_field

from framepilot.models.base import _Model
from framepilot.models.director import DirectorMode
from framepilot.models.edit import CutList
from framepilot.models.finish import FinishOptions


class JobType(StrEnum):
    VIDEO_ANALYSIS = "video_analysis"
    DIRECTOR_NOTES = "director_notes"
    TTS = "tts"
    RENDER_EDIT = "render_edit"
    FINISH = "finish"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


def _canonical_modes(modes: list[DirectorMode]) -> list[DirectorMode]:
    """De-duplicated, in `DirectorMode` order, so equal requests compare equal."""
    wanted = set(modes)
    return [m for m in DirectorMode if m in wanted]


DirectorModes = Annotated[list[DirectorMode], AfterValidator(_canonical_modes)]


class _JobParams(_Model):
    provider: str | None = Field(None, description="AI provider name; None: the configured default")


class AnalysisParams(_JobParams):
    """A video_analysis job: the whole pipeline, then these director modes (and a voiceover)."""

    type: Literal[JobType.VIDEO_ANALYSIS] = JobType.VIDEO_ANALYSIS
    modes: DirectorModes = Field(default_factory=lambda: list(DirectorMode))
    voice: bool = False
    language: str | None = Field(None, description="The spoken language set for the run (None: detected)",
                                 exclude_if=lambda value: value is None)  # stored rows keep their old shape

    @property
    def director_modes(self) -> list[DirectorMode]:
        return self.modes

    def covers(self, request: AnalysisParams) -> bool:
        """An analysis run with these parameters also answers `request` (a run in another
        language does not: it transcribes again, and its cost is its own)."""
        return (self.provider == request.provider and set(request.modes) <= set(self.modes)
                and (self.voice or not request.voice) and self.language == request.language)


class DirectorNotesParams(_JobParams):
    """A director_notes job: these modes again on an analysed video."""

    type: Literal[JobType.DIRECTOR_NOTES] = JobType.DIRECTOR_NOTES
    modes: DirectorModes = Field(default_factory=lambda: list(DirectorMode))

    @property
    def director_modes(self) -> list[DirectorMode]:
        return self.modes


class VoiceParams(_JobParams):
    """A tts job: a voiceover (and preview) of one mode's rewritten script."""

    type: Literal[JobType.TTS] = JobType.TTS
    mode: DirectorMode = DirectorMode.SCRIPT_REWRITE

    @property
    def director_modes(self) -> list[DirectorMode]:
        return [self.mode]


class RenderEditParams(_JobParams):
    """A render_edit job: the tightened preview of this cut list (a snapshot of the user's
    choices when it was queued); `edit_key` identifies the edit so a same edit reuses its job."""

    type: Literal[JobType.RENDER_EDIT] = JobType.RENDER_EDIT
    edit_key: str
    cut_list: CutList

    @property
    def director_modes(self) -> list[DirectorMode]:
        return []


class FinishParams(_JobParams):
    """A finish job: the edit (a snapshot of `cut_list`, None for the whole video) rendered
    for a platform with these options, then reviewed; `finish_key` names its files so the
    same finish reuses its job."""

    type: Literal[JobType.FINISH] = JobType.FINISH
    finish_key: str
    options: FinishOptions = Field(default_factory=FinishOptions)
    cut_list: CutList | None = None

    @property
    def director_modes(self) -> list[DirectorMode]:
        return []


# What a job runs, one model per job type. Stored as JSON beside the job's type column;
# the repository parses it once (old rows included) into one of these.
JobParams = Annotated[
    AnalysisParams | DirectorNotesParams | VoiceParams | RenderEditParams | FinishParams, Field(discriminator="type")
]


class Job(_Model):
    id: str
    user_id: int
    video_id: str | None
    params: JobParams
    status: JobStatus
    stage: str | None = None
    progress: int = Field(0, ge=0, le=100)
    error: str | None = None
    attempts: int = 0
    heartbeat_at: datetime | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cancel_requested: bool = False

    @computed_field
    @property
    def type(self) -> JobType:
        return self.params.type

