"""Full rewrite: a new script and the shot list to film it with."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from framepilot.models import DirectorInputs, ShotScale
from framepilot.prompts import director_common
from framepilot.prompts.director_common import NoteReply

VERSION = f"full_rewrite-1+{director_common.VERSION}"
MAX_COMPLETION_TOKENS = 5000

TASK = (
    "Task: plan a reshoot of this video. Rewrite the script (same message and facts, a "
    "stronger hook, no filler, short spoken sentences; one sentence per line) and design the "
    "shot list to film it: one item per shot, numbered from 1, with its scale (ECU, CU, MCU, "
    "MS, FS or WS), the framing and staging in one sentence (position in frame, angle, "
    "movement, what is in the background), its duration in seconds, and the script line "
    "spoken during it. Vary the scale so that no shot lasts much longer than 8 seconds, and "
    "make the durations add up to about the length the new script needs at 150 words per "
    "minute. Use what the measurements say about the current light, setting and framing. Add "
    "3 to 8 notes on what to change on set, with the time range of the original they refer "
    "to, and a summary of 1 to 2 sentences."
)


class ShotPlanReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int
    scale: ShotScale
    framing: str
    duration_s: float
    line: str


class FullRewriteReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str
    script: list[str]
    shot_list: list[ShotPlanReply]
    notes: list[NoteReply]


REPLY_MODEL = FullRewriteReply


def build_messages(inputs: DirectorInputs) -> list[dict]:
    return director_common.build_director_messages(TASK, inputs)
