"""One protocol per AI step. Pages and the pipeline only ever see these.

Every implementation records each model or API call through `framepilot.usage.metering.metered`,
so usage and cost are accounted at this boundary and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from framepilot.errors import FramePilotError
from framepilot.models import (
    DirectorInputs,
    DirectorMode,
    DirectorResult,
    Shot,
    ShotDetection,
    Transcript,
    VideoProbe,
)
from framepilot.usage.metering import CallContext


def language_tag(language: str | None) -> str | None:
    """What a transcription call records as its prompt version: the language it was told, so
    runs of one video in two languages stay apart in the usage rows."""
    return f"language={language}" if language else None


class ProviderError(FramePilotError, RuntimeError):
    """An AI step failed in a way a user can act on; the message says how."""

    user_facing = True


@runtime_checkable
class Transcriber(Protocol):
    """Promises: segments and words in time order, inside the audio's duration, with the detected
    language; every call metered once through `ctx` (local calls at $0); silence is an empty
    transcript, never an error; a failure a user can act on is a `ProviderError`."""

    provider: str

    def transcribe(
        self, audio_path: Path | None, ctx: CallContext,
        progress: Callable[[float], None] | None = None, language: str | None = None,
    ) -> Transcript:
        """Speech to text with segment and word timestamps; no speech is a result, not an error.

        `progress` gets the share of the audio covered so far; it may raise to cancel.
        `language` (a Whisper code) is the spoken language when the upload named one; None
        detects it. The transcript's `language_source` says which.
        """


@runtime_checkable
class ShotAnalyser(Protocol):
    """Promises: one `Shot` per span of the detection, same order and times, each with scale,
    movement, exposure and composition where they can be read (None where they cannot);
    metered through `ctx`; never reorders, merges or drops shots."""

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
    """Promises: notes for exactly the asked mode, each inside the video's duration and tied to
    the evidence it rests on; the prompt version recorded on the result; metered through
    `ctx`; an unreadable model reply is a `ProviderError`, never invented notes."""

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
    """Promises: speech of exactly `text` written to `out_path`, its real duration measured from
    the file, the characters billed through `ctx`; a language it cannot speak is refused with
    a `ProviderError`, never read in another language's voice."""

    provider: str

    def synthesise(self, text: str, out_path: Path, ctx: CallContext, language: str | None = None) -> VoiceClip:
        """Text to a WAV (or MP3) file at `out_path`. `language` is the script's (a Whisper
        code; None: unknown); a voice that cannot speak it refuses rather than mispronounce it."""


@dataclass(frozen=True)
class Providers:
    """The four AI steps for one provider name."""

    name: str
    transcriber: Transcriber
    shot_analyser: ShotAnalyser
    director: Director
    voice: Voice
