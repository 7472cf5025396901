"""Scene director: time-stamped notes on delivery, pacing, framing, light and sound."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from framepilot.models import DirectorInputs
from framepilot.prompts import director_common
from framepilot.prompts.director_common import NoteReply

VERSION = f"scene_director-1+{director_common.VERSION}"
MAX_COMPLETION_TOKENS = 2500

TASK = (
    "Task: act as the scene director for this video. Write 5 to 12 notes, most important "
    "first, that tell the creator what to change at the next take or in the edit: the hook "
    "in the first seconds, pacing and words per minute, filler words, long takes without a "
    "cut, variety of shot scale, exposure and light, framing and headroom, loudness and "
    "silences. Each note names one concrete action. Category is one word such as hook, "
    "pacing, filler, cut, scale, exposure, framing, audio or delivery. Then write a summary of "
    "2 to 3 sentences: what works, and the single change that would help most."
)


class SceneDirectorReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str
    notes: list[NoteReply]


REPLY_MODEL = SceneDirectorReply


def build_messages(inputs: DirectorInputs) -> list[dict]:
    return director_common.build_director_messages(TASK, inputs)
