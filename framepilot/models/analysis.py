"""What the pipeline reads from a video: the transcript and the shots with their scale,
movement, exposure and composition."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from framepilot.models.base import _Model


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


class CameraMovement(StrEnum):
    STATIC = "static"
    PAN = "pan"
    TILT = "tilt"
    ZOOM = "zoom"
    HANDHELD = "handheld"


class Word(_Model):
    word: str
    start: float
    end: float
    probability: float | None = None
    filler: bool = Field(False, description="A filler ('um', 'ııı'): counted and cut, left out of captions")
    heard: str | None = Field(None, description="For a filler only the audio had: the measurement that found it")


class Segment(_Model):
    start: float
    end: float
    text: str
    words: list[Word] = Field(default_factory=list)


class Transcript(_Model):
    language: str | None = None
    language_probability: float | None = None
    language_source: Literal["detected", "set"] | None = Field(
        None, description="'set' when the upload named the spoken language, 'detected' when Whisper chose it")
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

