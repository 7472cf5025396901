"""Domain models shared by the pipeline, the store, the jobs and the pages.

Each pipeline stage returns one of these; the store persists them; pages render them.
Field names of `AnalysisResult` are the stable `framepilot analyze --json` format.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, computed_field


class ShotScale(StrEnum):
    """Six classes, tightest first."""

    ECU = "ECU"
    CU = "CU"
    MCU = "MCU"
    MS = "MS"
    FS = "FS"
    WS = "WS"

    @property
    def rank(self) -> int:
        return list(ShotScale).index(self)


class DirectorMode(StrEnum):
    SCENE_DIRECTOR = "scene_director"
    SCRIPT_REWRITE = "script_rewrite"
    FULL_REWRITE = "full_rewrite"


class Operation(StrEnum):
    """What one AI call did: one name per step, the same whichever provider ran it.

    Stored in `llm_calls.operation`; the Costs page groups cost by it. A repair call (a second
    chat call when a reply does not validate) belongs to its step; its prompt version says so.
    """

    TRANSCRIBE = "transcribe"
    ANALYSE_SHOTS = "analyse_shots"
    DIRECT_SCENE_DIRECTOR = "direct.scene_director"
    DIRECT_SCRIPT_REWRITE = "direct.script_rewrite"
    DIRECT_FULL_REWRITE = "direct.full_rewrite"
    SYNTHESISE = "synthesise"

    @classmethod
    def direct(cls, mode: DirectorMode) -> Operation:
        """The operation of one director mode."""
        return cls(f"direct.{mode.value}")


class CameraMovement(StrEnum):
    STATIC = "static"
    PAN = "pan"
    TILT = "tilt"
    ZOOM = "zoom"
    HANDHELD = "handheld"


class JobType(StrEnum):
    VIDEO_ANALYSIS = "video_analysis"
    DIRECTOR_NOTES = "director_notes"
    TTS = "tts"
    RENDER_EDIT = "render_edit"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


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


class _Model(BaseModel):
    model_config = ConfigDict(use_enum_values=False, extra="forbid")


# --- accounts -------------------------------------------------------------------------


class User(_Model):
    id: int
    email: str
    is_admin: bool = False
    disabled: bool = False


# --- media ----------------------------------------------------------------------------


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


# --- transcript -----------------------------------------------------------------------


class Word(_Model):
    word: str
    start: float
    end: float
    probability: float | None = None


class Segment(_Model):
    start: float
    end: float
    text: str
    words: list[Word] = Field(default_factory=list)


class Transcript(_Model):
    language: str | None = None
    language_probability: float | None = None
    text: str = ""
    segments: list[Segment] = Field(default_factory=list)
    no_speech: bool = False
    no_speech_reason: str | None = Field(
        None, description="Plain words when there is no speech: no audio track, silence, music"
    )
    provider: str = "local"
    model: str = ""
    unreadable: str | None = Field(None, description="Why the stored text cannot be decrypted, if it cannot")

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]


# --- shots ----------------------------------------------------------------------------


class ShotSpan(_Model):
    """One shot found by detect_shots: a time range and its keyframe."""

    index: int
    start_s: float
    end_s: float
    start_frame: int
    end_frame: int = Field(description="Last frame of the shot, inclusive")
    transition_in: str = Field("cut", description="How the shot begins: start (the first shot), cut, jump "
                               "(a jump cut: same framing, another take), fade or dissolve")
    keyframe_path: str | None = None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


class MotionSample(_Model):
    """Global motion between two sampled frames, from optical flow (pixels at 320 px width)."""

    t: float
    dx: float
    dy: float
    zoom: float = Field(description="Scale change per second, 0 when none")
    shake: float = Field(description="Residual jitter after removing the smooth motion")


class FrameSample(_Model):
    """A frame kept from the single decode pass, as a JPEG on disk."""

    t: float
    frame: int
    path: str


class ShotDetection(_Model):
    """The result of detect_shots: shots plus what the same decode pass measured."""

    fps: float
    frame_count: int
    spans: list[ShotSpan]
    motion: list[MotionSample] = Field(default_factory=list)
    samples: list[FrameSample] = Field(default_factory=list)
    decode_seconds: float = 0.0


class Exposure(_Model):
    brightness: float = Field(description="Mean luma 0..1")
    contrast: float = Field(description="Luma standard deviation 0..1")
    highlights_clipped: float = Field(description="Share of pixels at or near white")
    shadows_crushed: float = Field(description="Share of pixels at or near black")
    colour_temperature_k: float | None = None
    sharpness: float = Field(description="Variance of the Laplacian on the keyframe")
    face_brightness: float | None = None


class Composition(_Model):
    subject_x: float | None = Field(None, description="Subject centre, 0..1 of frame width")
    subject_y: float | None = None
    face_height: float | None = Field(None, description="Face height / frame height")
    headroom: float | None = Field(None, description="Gap above the head / frame height")
    thirds_offset: float | None = Field(None, description="Distance of the eyes from a thirds line")


class Shot(ShotSpan):
    """A shot with its cinematic reading (the result of analyse_shots)."""

    scale: ShotScale | None = None
    scale_method: str | None = Field(None, description="face, pose, vision or fallback")
    movement: CameraMovement = CameraMovement.STATIC
    motion: dict[str, float] = Field(default_factory=dict, description="Mean dx, dy, zoom, shake")
    exposure: Exposure | None = None
    composition: Composition = Field(default_factory=Composition)
    words_per_minute: float | None = None
    loudness_lufs: float | None = None
    issues: list[str] = Field(default_factory=list)
    # Filled by vision models only.
    setting: str | None = None
    wardrobe: str | None = None
    props: list[str] = Field(default_factory=list)
    lighting: str | None = None


# --- director -------------------------------------------------------------------------


class DirectorNote(_Model):
    start_s: float
    end_s: float
    category: str = Field(description="hook, pacing, filler, cut, scale, exposure, framing, audio...")
    severity: str = Field("suggestion", description="info, suggestion or warning")
    note: str
    evidence: str = Field("", description="The measurement behind the note")


class ShotListItem(_Model):
    number: int
    scale: ShotScale
    framing: str
    duration_s: float
    line: str


class DirectorInputs(_Model):
    """What every director, local or remote, reads: the probe, the analysed shots and the words."""

    model_config = ConfigDict(frozen=True)

    probe: VideoProbe
    shots: list[Shot]
    transcript: Transcript


class DirectorResult(_Model):
    """One director mode's output; identical shape for every provider."""

    mode: DirectorMode
    provider: str
    model: str
    prompt_version: str
    language: str | None = None
    summary: str = ""
    notes: list[DirectorNote] = Field(default_factory=list)
    original_script: str | None = None
    script: list[str] = Field(default_factory=list, description="Rewritten script, one line each")
    diff: list[str] = Field(default_factory=list, description="Unified diff original -> script")
    shot_list: list[ShotListItem] = Field(default_factory=list)
    unreadable: str | None = Field(None, description="Why the stored notes cannot be decrypted, if they cannot")


class Voiceover(_Model):
    id: int | None = None
    video_id: str
    mode: DirectorMode
    provider: str
    voice: str
    audio_path: str
    preview_path: str | None = None
    characters: int
    duration_s: float


# --- edit -----------------------------------------------------------------------------


class CutKind(StrEnum):
    """Why a stretch is suggested for removal. These values are part of the stable JSON."""

    SILENCE = "silence"
    FILLER = "filler"
    FALSE_START = "false_start"
    RETAKE = "retake"
    SLOW_START = "slow_start"
    TAIL = "tail"


class Cut(_Model):
    """One suggested removal: a range on frame boundaries (between words, with handles), why,
    and the measurement behind it. `enabled` is the user's choice (suggested cuts start on)."""

    id: str = Field(description="Stable for the same transcript: kind and first frame")
    start_s: float
    end_s: float
    start_frame: int
    end_frame: int = Field(description="First frame after the cut (exclusive)")
    kind: CutKind
    reason: str
    evidence: str = Field(description="The measurement behind the cut")
    words: list[str] = Field(default_factory=list, description="The words it removes")
    enabled: bool = True

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame


class KeptRange(_Model):
    """A stretch of the original that stays in the edit: frames [start_frame, end_frame)."""

    start_frame: int
    end_frame: int
    start_s: float
    end_s: float

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame


class CutList(_Model):
    """A video's suggested cuts; the edit is the video minus the enabled ones."""

    fps: float
    frame_count: int
    language: str | None = None
    cuts: list[Cut] = Field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps

    def kept_ranges(self) -> list[KeptRange]:
        """What the enabled cuts leave, in order; touching or overlapping cuts act as one."""
        ranges: list[KeptRange] = []
        position = 0
        for cut in sorted((c for c in self.cuts if c.enabled), key=lambda c: c.start_frame):
            if cut.start_frame > position:
                ranges.append(self._range(position, min(cut.start_frame, self.frame_count)))
            position = max(position, cut.end_frame)
        if position < self.frame_count:
            ranges.append(self._range(position, self.frame_count))
        return ranges

    def _range(self, start: int, end: int) -> KeptRange:
        return KeptRange(start_frame=start, end_frame=end, start_s=round(start / self.fps, 4),
                         end_s=round(end / self.fps, 4))

    @property
    def kept_frames(self) -> int:
        return sum(r.frames for r in self.kept_ranges())

    @property
    def kept_duration_s(self) -> float:
        return self.kept_frames / self.fps


# --- jobs and usage -------------------------------------------------------------------


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

    @property
    def director_modes(self) -> list[DirectorMode]:
        return self.modes

    def covers(self, request: AnalysisParams) -> bool:
        """An analysis run with these parameters also answers `request`."""
        return (self.provider == request.provider and set(request.modes) <= set(self.modes)
                and (self.voice or not request.voice))


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


# What a job runs, one model per job type. Stored as JSON beside the job's type column;
# the repository parses it once (old rows included) into one of these.
JobParams = Annotated[
    AnalysisParams | DirectorNotesParams | VoiceParams | RenderEditParams, Field(discriminator="type")
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


class LLMCall(_Model):
    """One AI call as accounted at the provider boundary (a row of `llm_calls`)."""

    provider: str
    model: str
    operation: Operation
    prompt_version: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    image_tokens: int = 0
    audio_seconds: float = 0.0
    characters: int = 0
    compute_seconds: float = 0.0
    cost_usd: float | None = 0.0
    unit_prices: dict[str, float] | None = None
    price_date: str | None = None
    latency_ms: float = 0.0
    status: str = "ok"
    error: str | None = None
    retries: int = 0
    cache_hit: bool = False
    user_id: int | None = None
    video_id: str | None = None
    job_id: str | None = None
    created_at: datetime | None = None


class UsageScope(_Model):
    """Which usage rows a read covers: one user's (None: everyone's, for admins only), the
    inclusive UTC days, and the providers and models (empty: all)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: int | None = None
    start: date | None = None
    end: date | None = None
    providers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()


class BudgetReservation(_Model):
    """The outcome of reserving budget for a paid call: an id to settle, or the refusal."""

    id: str | None = Field(None, description="The reservation to settle; None when refused")
    refused_scope: str | None = Field(None, description="'user' or 'global' when refused")
    spent_usd: float = Field(0.0, description="Recorded spend this month in the refusing scope")
    reserved_usd: float = Field(0.0, description="Reserved by calls in flight in that scope")


class AnalysisResult(_Model):
    """The full result of one analysis: the `framepilot analyze --json` structure."""

    video: VideoProbe
    shots: list[Shot]
    transcript: Transcript
    director: dict[str, DirectorResult] = Field(default_factory=dict)
    voiceover: Voiceover | None = None
    cuts: list[Cut] = Field(default_factory=list, description="Suggested removals (the edit), in time order")
    usage: list[LLMCall] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)


# --- API tokens -----------------------------------------------------------------------


class ApiToken(_Model):
    """A personal API token as its owner sees it: never the secret, which is shown once."""

    id: str
    name: str
    hint: str = Field(description="The token's first characters, to tell tokens apart")
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def state(self, now: datetime) -> str:
        """'active', 'expired' or 'revoked'."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at is None or self.expires_at > now else "expired"
