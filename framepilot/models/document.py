"""The analysis document: what `framepilot analyze --json` writes and the API serves.

`SCHEMA_VERSION` names its shape. It goes up by one whenever a field is added, renamed or
changes meaning; names, once released, stay (README, "The analysis document").
"""

from __future__ import annotations

from pydantic import Field

from framepilot.models.analysis import Shot, Transcript
from framepilot.models.base import _Model
from framepilot.models.director import DirectorResult, Voiceover
from framepilot.models.edit import Cut
from framepilot.models.usage import LLMCall
from framepilot.models.videos import VideoProbe

SCHEMA_VERSION = 3  # 1: round 2's document, which carried no version; 3: filler and heard on words,
# transcript.language_source (issue 20)


class AnalysisResult(_Model):
    """The full result of one analysis: the `framepilot analyze --json` structure."""

    schema_version: int = Field(SCHEMA_VERSION, description="The shape of this document (see README)")
    video: VideoProbe
    shots: list[Shot]
    transcript: Transcript
    director: dict[str, DirectorResult] = Field(default_factory=dict)
    voiceover: Voiceover | None = None
    cuts: list[Cut] = Field(default_factory=list, description="Suggested removals (the edit), in time order")
    usage: list[LLMCall] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)

