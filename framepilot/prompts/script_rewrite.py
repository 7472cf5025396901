"""Script rewrite: the same talk, tightened, one spoken line per sentence."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from framepilot.models import DirectorInputs
from framepilot.prompts import director_common
from framepilot.prompts.director_common import NoteReply

VERSION = f"script_rewrite-1+{director_common.VERSION}"
MAX_COMPLETION_TOKENS = 4000

TASK = (
    "Task: rewrite the spoken script of this video so it lands better, keeping the creator's "
    "voice, facts, claims and order of ideas. Open with a hook line that earns the first 3 "
    "seconds, cut filler words and repetitions, prefer short spoken sentences, and end with a "
    "clear close or call to action if the original has one. Keep it no longer than the "
    "original when read at about 150 words per minute. Return the script as a list of lines, "
    "one sentence each, in speaking order. Add 3 to 8 notes that explain the main changes, "
    "each with the time range of the original words it changes and those words as evidence, "
    "and a summary of 1 to 2 sentences."
)


class ScriptRewriteReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str
    script: list[str]
    notes: list[NoteReply]


REPLY_MODEL = ScriptRewriteReply


def build_messages(inputs: DirectorInputs) -> list[dict]:
    return director_common.build_director_messages(TASK, inputs)
