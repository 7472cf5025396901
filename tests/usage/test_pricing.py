"""The price table turns real usage into exact dollars; unknown models are never guessed."""

from __future__ import annotations

import pytest

from framepilot.models import LLMCall, Operation
from framepilot.usage.pricing import apply_cost, image_tokens, price_for


def _cost(**usage) -> float | None:
    usage.setdefault("provider", "openai")
    usage.setdefault("operation", Operation.DIRECT_SCENE_DIRECTOR)
    return apply_cost(LLMCall(**usage)).cost_usd


def test_chat_tokens_are_priced_with_cached_input_at_the_cached_rate():
    # 800 x $0.15/M + 200 x $0.075/M + 500 x $0.60/M
    assert _cost(model="gpt-4o-mini", input_tokens=1000, cached_tokens=200, output_tokens=500) == pytest.approx(
        0.000435, abs=1e-12)
    # 1000 x $2.50/M + 1000 x $1.25/M + 100 x $10/M
    assert _cost(model="gpt-4o", input_tokens=2000, cached_tokens=1000, output_tokens=100) == pytest.approx(
        0.00475, abs=1e-12)


def test_image_tokens_are_a_breakdown_and_not_charged_twice():
    with_images = _cost(model="gpt-4o-mini", input_tokens=3000, image_tokens=2833, output_tokens=0)

    assert with_images == pytest.approx(3000 * 0.15 / 1e6, abs=1e-12)


def test_audio_is_priced_per_minute_and_speech_per_character():
    assert _cost(model="whisper-1", audio_seconds=90) == pytest.approx(0.009, abs=1e-12)
    assert _cost(model="tts-1", characters=1000) == pytest.approx(0.015, abs=1e-12)
    assert _cost(model="tts-1-hd", characters=1000) == pytest.approx(0.030, abs=1e-12)


def test_an_unknown_model_costs_none_not_a_guess():
    call = apply_cost(LLMCall(provider="openai", model="llama3.1:8b", operation=Operation.DIRECT_SCENE_DIRECTOR, input_tokens=500))

    assert call.cost_usd is None and call.unit_prices is None


def test_a_dated_snapshot_is_priced_as_its_family():
    assert price_for("openai", "gpt-4o-mini-2024-07-18") == price_for("openai", "gpt-4o-mini")
    assert price_for("openai", "gpt-4o-2024-08-06") == price_for("openai", "gpt-4o")


def test_cache_hits_and_local_calls_cost_nothing():
    assert _cost(model="gpt-4o", input_tokens=10_000, cache_hit=True) == 0.0
    assert _cost(provider="local", model="whisper-base", audio_seconds=600) == 0.0


def test_the_stored_call_keeps_the_unit_prices_and_their_date():
    call = apply_cost(LLMCall(provider="openai", model="gpt-4o-mini", operation=Operation.DIRECT_SCENE_DIRECTOR, input_tokens=1))

    assert call.unit_prices["output_per_m"] == 0.60 and call.price_date


@pytest.mark.parametrize(("model", "size", "detail", "tokens"), [
    ("gpt-4o", (512, 288), "low", 85),
    ("gpt-4o", (1280, 720), "high", 85 + 170 * 6),  # 3 x 2 tiles of 512
    ("gpt-4o", (1024, 1024), "high", 85 + 170 * 4),  # scaled to 768 x 768
    ("gpt-4o", (4096, 2048), "high", 85 + 170 * 6),  # fit to 2048 x 1024, then 1536 x 768
    ("gpt-4o", (400, 300), "auto", 85),
    ("gpt-4o-mini", (512, 288), "low", 2833),
    ("gpt-4o-mini", (1280, 720), "high", 2833 + 5667 * 6),
])
def test_image_tokens_follow_the_tile_rule(model, size, detail, tokens):
    assert image_tokens(model, *size, detail) == tokens
