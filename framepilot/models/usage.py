"""Usage and money: one recorded AI call, budget scopes and reservations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import ConfigDict, Field

from framepilot.models.base import _Model
from framepilot.models.director import DirectorMode


class Operation(StrEnum):
    """What one AI call did: one name per step, the same whichever provider ran it.

    Stored in `llm_calls.operation`; the Costs page groups cost by it. A repair call (a second
    chat call when a reply does not validate) belongs to its step; its prompt version says so.
    """

    TRANSCRIBE = "transcribe"
    ANALYSE_SHOTS = "analyse_shots"
    DIRECT_SCENE_DIRECTOR = "direct.scene_director"
    DIRECT_SCRIPT_REWRITE = "direct.script_rewrite"
    DIRECT_FULL_REWRITE = "direct.full_rewrite"
    SYNTHESISE = "synthesise"

    @classmethod
    def direct(cls, mode: DirectorMode) -> Operation:
        """The operation of one director mode."""
        return cls(f"direct.{mode.value}")


class LLMCall(_Model):
    """One AI call as accounted at the provider boundary (a row of `llm_calls`)."""

    provider: str
    model: str
    operation: Operation
    prompt_version: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    image_tokens: int = 0
    audio_seconds: float = 0.0
    characters: int = 0
    compute_seconds: float = 0.0
    cost_usd: float | None = 0.0
    unit_prices: dict[str, float] | None = None
    price_date: str | None = None
    latency_ms: float = 0.0
    status: str = "ok"
    error: str | None = None
    retries: int = 0
    cache_hit: bool = False
    user_id: int | None = None
    video_id: str | None = None
    job_id: str | None = None
    created_at: datetime | None = None


class UsageScope(_Model):
    """Which usage rows a read covers: one user's (None: everyone's, for admins only), the
    inclusive UTC days, and the providers and models (empty: all)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: int | None = None
    start: date | None = None
    end: date | None = None
    providers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()


class BudgetReservation(_Model):
    """The outcome of reserving budget for a paid call: an id to settle, or the refusal."""

    id: str | None = Field(None, description="The reservation to settle; None when refused")
    refused_scope: str | None = Field(None, description="'user' or 'global' when refused")
    spent_usd: float = Field(0.0, description="Recorded spend this month in the refusing scope")
    reserved_usd: float = Field(0.0, description="Reserved by calls in flight in that scope")

