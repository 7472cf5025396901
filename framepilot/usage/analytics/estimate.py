"""An estimate, not a bill: what the local provider's work would have cost on the OpenAI
models configured in settings, from the price table (`framepilot.usage.pricing`).

What the local calls recorded is exact: audio seconds (transcription), characters (the
transcript each director mode read, the text voiced) and, through their videos, shot counts
(one keyframe per shot for the vision model). Tokens are not: the local run never builds
the openai prompts, so their size is modelled from what the openai providers send
(measured on the prompt builders with `testkit/openai_samples.py`, at about 3 characters of
JSON-heavy prompt per token) and replies are typical lengths (`bench/bench_cost.py`).
Only successful local calls are estimated; openai calls already carry their real cost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa

from framepilot.models import LLMCall, Operation, Stage
from framepilot.settings import Settings
from framepilot.usage.analytics.duck import Result, run_sql
from framepilot.usage.analytics.steps import stage_of
from framepilot.usage.pricing import apply_cost, image_tokens

# Director, per mode: instructions and video facts, each shot's measurements, the transcript
# (segments with timings add about a third to its characters), and the reply.
DIRECTOR_PROMPT_TOKENS = 930
DIRECTOR_TOKENS_PER_SHOT = 165
DIRECTOR_TOKENS_PER_TRANSCRIPT_CHARACTER = 0.45
DIRECTOR_REPLY_TOKENS = 1000
# Shot reading, per shot: one keyframe (512 px, low detail) plus its share of the batch's text.
SHOT_PROMPT_TOKENS = 125
SHOT_REPLY_TOKENS = 100
KEYFRAME_SIZE = (512, 288)
KEYFRAME_DETAIL = "low"

_LOCAL_WORK_SQL = """
SELECT operation, sum(fresh_ok_calls), sum(fresh_ok_audio_seconds), sum(fresh_ok_characters), sum(fresh_ok_shots)
FROM usage WHERE provider = 'local' AND fresh_ok_calls > 0
GROUP BY 1
"""


class StageEstimate(Result):
    stage: str
    model: str
    calls: int
    audio_minutes: float = 0.0
    characters: int = 0
    shots: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None  # None: the model has no price in the table
    price_date: str | None = None


class CostEstimate(Result):
    stages: list[StageEstimate] = []

    @property
    def price_date(self) -> str | None:
        """When the prices used were taken (the latest, if they differ)."""
        return max((s.price_date for s in self.stages if s.price_date), default=None)

    @property
    def cost_usd(self) -> float:
        return sum(s.cost_usd or 0.0 for s in self.stages)

    @property
    def unpriced_models(self) -> list[str]:
        return sorted({s.model for s in self.stages if s.cost_usd is None})

    @property
    def empty(self) -> bool:
        return not self.stages


# Pricing reads only the model and the usage; the call needs some operation of its stage.
_PRICED_AS = {Stage.TRANSCRIBE: Operation.TRANSCRIBE, Stage.CINEMATIC: Operation.ANALYSE_SHOTS,
              Stage.DIRECT: Operation.DIRECT_SCENE_DIRECTOR, Stage.VOICE: Operation.SYNTHESISE}


@dataclass
class _StageWork:
    """What the local calls of one stage did, summed; `shots` counts a video's shots once per call."""

    calls: int = 0
    audio_seconds: float = 0.0
    characters: int = 0
    shots: int = 0


def _priced(stage: Stage, model: str, work: _StageWork) -> StageEstimate:
    """The openai call that would have done `work`, priced by the table."""
    usage: dict = {}
    if stage == Stage.TRANSCRIBE:
        usage = {"audio_seconds": work.audio_seconds}
    elif stage == Stage.VOICE:
        usage = {"characters": work.characters}
    elif stage == Stage.CINEMATIC:
        images = work.shots * image_tokens(model, *KEYFRAME_SIZE, KEYFRAME_DETAIL)
        usage = {"input_tokens": images + work.shots * SHOT_PROMPT_TOKENS, "image_tokens": images,
                 "output_tokens": work.shots * SHOT_REPLY_TOKENS}
    elif stage == Stage.DIRECT:
        usage = {"input_tokens": round(work.calls * DIRECTOR_PROMPT_TOKENS + work.shots * DIRECTOR_TOKENS_PER_SHOT
                                       + work.characters * DIRECTOR_TOKENS_PER_TRANSCRIPT_CHARACTER),
                 "output_tokens": work.calls * DIRECTOR_REPLY_TOKENS}
    call = apply_cost(LLMCall(provider="openai", model=model, operation=_PRICED_AS[stage], **usage))
    return StageEstimate(
        stage=stage.value, model=model, calls=work.calls, audio_minutes=work.audio_seconds / 60,
        characters=work.characters, shots=work.shots if stage in (Stage.CINEMATIC, Stage.DIRECT) else 0,
        input_tokens=call.input_tokens,
        output_tokens=call.output_tokens, cost_usd=call.cost_usd, price_date=call.price_date,
    )


def estimate_models(settings: Settings) -> dict[Stage, str]:
    """The configured openai model for each stage that has an AI step."""
    return {
        Stage.TRANSCRIBE: settings.openai_transcribe_model,
        Stage.CINEMATIC: settings.openai_vision_model,
        Stage.DIRECT: settings.openai_chat_model,
        Stage.VOICE: settings.openai_tts_model,
    }


def openai_estimate(settings: Settings, usage: pa.Table) -> CostEstimate:
    """The estimate for the successful local calls in an already-scoped rollup table (which
    also holds the shots they read, counted when each call was recorded)."""
    by_stage: dict[Stage, _StageWork] = defaultdict(_StageWork)
    for operation, count, audio_seconds, characters, shots_read in run_sql(usage, _LOCAL_WORK_SQL):
        stage = stage_of(operation)
        if stage is None:
            continue
        done = by_stage[stage]
        done.calls += count
        done.audio_seconds += audio_seconds
        done.characters += characters
        done.shots += shots_read
    models = estimate_models(settings)
    return CostEstimate(stages=[_priced(stage, model, by_stage[stage]) for stage, model in models.items()
                                if stage in by_stage])
