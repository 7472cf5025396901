"""Accounting at the provider boundary: every AI call, local or remote, becomes one
`llm_calls` row with its usage, latency, status and cost. Providers call `metered` once
per API or model call; nothing else writes usage.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

from framepilot.core.logs import get_logger
from framepilot.errors import FramePilotError
from framepilot.models import LLMCall, Operation
from framepilot.store import Database
from framepilot.store import repository as repo
from framepilot.usage.pricing import apply_cost


@dataclass
class CallContext:
    """Who and what a call is for. `db` None means "don't persist" (dry runs)."""

    db: Database | None = None
    user_id: int | None = None
    video_id: str | None = None
    job_id: str | None = None
    calls: list[LLMCall] = field(default_factory=list)


@dataclass
class Meter:
    """Filled in by the provider inside `metered`: the real usage of one call."""

    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    image_tokens: int = 0
    audio_seconds: float = 0.0
    characters: int = 0
    retries: int = 0
    cache_hit: bool = False
    prompt_version: str | None = None


class BudgetExceeded(FramePilotError, RuntimeError):
    """The call would exceed a monthly budget; raised before any money is spent."""

    user_facing = True


@contextmanager
def metered(ctx: CallContext, *, provider: str, model: str, operation: Operation,
            prompt_version: str | None = None, reservation: str | None = None) -> Iterator[Meter]:
    """Time one AI call and record it, whether it succeeds or fails; its row settles the
    budget `reservation` made for it (`budget.reserve_budget`)."""
    meter = Meter(model=model, prompt_version=prompt_version)
    started_wall = time.perf_counter()
    started_cpu = time.process_time()
    status, error = "ok", None
    try:
        yield meter
    except BaseException as exc:
        status, error = "error", type(exc).__name__
        raise
    finally:
        call = LLMCall(
            provider=provider,
            model=meter.model,
            operation=operation,
            prompt_version=meter.prompt_version,
            input_tokens=meter.input_tokens,
            output_tokens=meter.output_tokens,
            cached_tokens=meter.cached_tokens,
            image_tokens=meter.image_tokens,
            audio_seconds=round(meter.audio_seconds, 3),
            characters=meter.characters,
            compute_seconds=round(time.process_time() - started_cpu, 4),
            latency_ms=round((time.perf_counter() - started_wall) * 1000, 2),
            status=status,
            error=error,
            retries=meter.retries,
            cache_hit=meter.cache_hit,
            user_id=ctx.user_id,
            video_id=ctx.video_id,
            job_id=ctx.job_id,
            created_at=datetime.now(timezone.utc),
        )
        call = apply_cost(call)
        if call.cost_usd is None:
            get_logger().warning("pricing.unknown_model", provider=provider, model=meter.model)
        ctx.calls.append(call)
        if ctx.db is not None:
            repo.record_llm_call(ctx.db, call, settles=reservation)
