"""Which pipeline stage an AI call (an `llm_calls.operation`) belongs to.

The one place that reads operation names. The two providers still spell some steps
differently (`direct:scene_director` and `direct.scene_director`, `tts` and `synthesise`);
both spellings map to the same stage here, so the Costs page shows one step once. When the
operation names become one enum, key `OPERATION_STAGES` on its values and nothing else changes.
"""

from __future__ import annotations

from framepilot.models import DirectorMode, Stage

OPERATION_STAGES: dict[str, Stage] = {
    "transcribe": Stage.TRANSCRIBE,
    "analyse_shots": Stage.CINEMATIC,
    "tts": Stage.VOICE,
    "synthesise": Stage.VOICE,
    **{f"direct{sep}{mode.value}{repair}": Stage.DIRECT
       for mode in DirectorMode for sep in (":", ".") for repair in ("", ".repair")},
}


def stage_of(operation: str) -> Stage | None:
    return OPERATION_STAGES.get(operation)


def stage_label(operation: str) -> str:
    """The stage's name, or the operation itself when it is not a known one."""
    stage = stage_of(operation)
    return stage.value if stage else operation
