"""The price table: USD per unit, with the date each price was taken. Edit freely.

Costs are computed at call time and stored with the unit prices used, so changing this
table never rewrites history. Unknown models cost `None` (and a warning), never a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from framepilot.models import LLMCall


@dataclass(frozen=True)
class Price:
    """Per-unit prices. Tokens are per 1M; audio per minute; characters per 1M."""

    date: str
    input_per_m: float = 0.0
    cached_input_per_m: float = 0.0
    output_per_m: float = 0.0
    audio_per_minute: float = 0.0
    characters_per_m: float = 0.0


PRICES: dict[str, Price] = {
    "gpt-4o": Price("2026-11-01", input_per_m=2.50, cached_input_per_m=1.25, output_per_m=10.00),
    "gpt-4o-mini": Price("2026-11-01", input_per_m=0.15, cached_input_per_m=0.075, output_per_m=0.60),
    "whisper-1": Price("2026-11-01", audio_per_minute=0.006),
    "gpt-4o-transcribe": Price("2026-11-01", audio_per_minute=0.006),
    "gpt-4o-mini-transcribe": Price("2026-11-01", audio_per_minute=0.003),
    "tts-1": Price("2026-11-01", characters_per_m=15.00),
    "tts-1-hd": Price("2026-11-01", characters_per_m=30.00),
    "gpt-4o-mini-tts": Price("2026-11-01", characters_per_m=15.00),
}

LOCAL_PRICE = Price("2026-11-01")


def price_for(provider: str, model: str) -> Price | None:
    if provider == "local":
        return LOCAL_PRICE
    if model in PRICES:
        return PRICES[model]
    # Dated snapshots ("gpt-4o-mini-2024-07-18") bill as their family.
    for name in sorted(PRICES, key=len, reverse=True):
        if model.startswith(name + "-"):
            return PRICES[name]
    return None


def apply_cost(call: LLMCall) -> LLMCall:
    """Fill cost_usd, unit_prices and price_date from the table (cache hits cost 0)."""
    price = price_for(call.provider, call.model)
    if price is None:
        return call.model_copy(update={"cost_usd": None, "unit_prices": None, "price_date": None})
    units = {
        "input_per_m": price.input_per_m,
        "cached_input_per_m": price.cached_input_per_m,
        "output_per_m": price.output_per_m,
        "audio_per_minute": price.audio_per_minute,
        "characters_per_m": price.characters_per_m,
    }
    if call.cache_hit:
        cost = 0.0
    else:
        # Image tokens are part of input_tokens in the API's usage block; cached ones are a subset.
        uncached = max(call.input_tokens - call.cached_tokens, 0)
        cost = (
            uncached * price.input_per_m / 1e6
            + call.cached_tokens * price.cached_input_per_m / 1e6
            + call.output_tokens * price.output_per_m / 1e6
            + call.audio_seconds / 60.0 * price.audio_per_minute
            + call.characters * price.characters_per_m / 1e6
        )
    return call.model_copy(update={"cost_usd": round(cost, 10), "unit_prices": units, "price_date": price.date})


# --- image input tokens ---------------------------------------------------------------

# Tokens per image for vision input: (flat base, per 512-px tile at high detail).
# gpt-4o-mini bills more tokens per image than gpt-4o (OpenAI's vision pricing table), so
# that its image price is not a fraction of gpt-4o's the way its text price is.
IMAGE_TOKENS: dict[str, tuple[int, int]] = {
    "gpt-4o-mini": (2833, 5667),
}
DEFAULT_IMAGE_TOKENS = (85, 170)


def image_tokens(model: str, width: int, height: int, detail: str = "low") -> int:
    """Input tokens one image costs (already part of the API's `prompt_tokens`).

    Low detail is a flat base. High detail: fit in 2048x2048, scale the short side down to
    768, then the base plus one tile price per 512-px tile. "auto" is high for images
    larger than 512x512.
    """
    base, per_tile = DEFAULT_IMAGE_TOKENS
    for name in sorted(IMAGE_TOKENS, key=len, reverse=True):
        if model == name or model.startswith(name + "-"):
            base, per_tile = IMAGE_TOKENS[name]
            break
    if detail == "auto":
        detail = "high" if max(width, height) > 512 else "low"
    if detail == "low":
        return base
    w, h = float(width), float(height)
    fit = min(1.0, 2048 / max(w, h))
    w, h = w * fit, h * fit
    shrink = min(1.0, 768 / min(w, h))
    w, h = w * shrink, h * shrink
    tiles = math.ceil(w / 512) * math.ceil(h / 512)
    return base + per_tile * tiles
