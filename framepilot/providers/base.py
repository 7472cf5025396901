"""One protocol per AI step. Pages and the pipeline only ever see these.

Every implementation records each model or API call through `framepilot.usage.metered`,
so usage and cost are accounted at this boundary and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from framepilot.models import (
    DirectorInputs,
    DirectorMode,
    DirectorResult,
    Shot,
    ShotDetection,
    Transcript,
    VideoProbe,
)
from framepilot.usage import CallContext


class ProviderError(RuntimeError):
    """An AI step failed in a way a user can act on; the message says how."""


@runtime_checkable
class Transcriber(Protocol):
    provider: str

    def transcribe(
        self, audio_path: Path | None, ctx: CallContext,
        progress: Callable[[float], None] | None = None,
    ) -> Transcript:
        """Speech to text with segment and word timestamps; no speech is a result, not an error.

        `progress` gets the share of the audio covered so far; it may raise to cancel.
        """


@runtime_checkable
class ShotAnalyser(Protocol):
    provider: str

    def analyse(
        self,
        probe: VideoProbe,
        detection: ShotDetection,
        transcript: Transcript,
        audio_path: Path | None,
        ctx: CallContext,
    ) -> list[Shot]:
        """The cinematic reading of every shot in `detection.spans`, in order."""


@runtime_checkable
class Director(Protocol):
    provider: str

    def direct(self, mode: DirectorMode, inputs: DirectorInputs, ctx: CallContext) -> DirectorResult:
        """Director notes for one mode."""


@dataclass(frozen=True)
class VoiceClip:
    path: Path
    duration_s: float
    characters: int
    voice: str


@runtime_checkable
class Voice(Protocol):
    provider: str

    def synthesise(self, text: str, out_path: Path, ctx: CallContext) -> VoiceClip:
        """Text to a WAV (or MP3) file at `out_path`."""


@dataclass(frozen=True)
class Providers:
    """The four AI steps for one provider name."""

    name: str
    transcriber: Transcriber
    shot_analyser: ShotAnalyser
    director: Director
    voice: Voice
