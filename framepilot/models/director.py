"""The director: its three modes, its notes, shot lists and results, and the voiceover."""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from framepilot.models.analysis import Shot, ShotScale, Transcript
from framepilot.models.base import _Model
from framepilot.models.videos import VideoProbe


class DirectorMode(StrEnum):
    SCENE_DIRECTOR = "scene_director"
    SCRIPT_REWRITE = "script_rewrite"
    FULL_REWRITE = "full_rewrite"


class NoteMark(StrEnum):
    """The creator's mark on a director note (services.note_marks)."""

    DONE = "done"
    IGNORED = "ignored"


class DirectorNote(_Model):
    start_s: float
    end_s: float
    category: str = Field(description="hook, pacing, filler, cut, scale, exposure, framing, audio...")
    severity: str = Field("suggestion", description="info, suggestion or warning")
    note: str
    evidence: str = Field("", description="The measurement behind the note")
    at_s: float | None = Field(None, description="The moment the note is about, when narrower than its range "
                                                 "(a cut point inside a long take); else its start")


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

