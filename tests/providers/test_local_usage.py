"""The offline half of the Costs page: compute seconds per stage, model, day and video, and
what the same local work would have cost on the configured OpenAI models (an estimate that
is the price table applied to the recorded audio seconds, characters and shot counts)."""

from __future__ import annotations

import io

import pytest

from framepilot.models import LLMCall, Shot
from framepilot.services import accounts
from framepilot.services.ingest import ingest_upload
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from framepilot.usage import analytics
from framepilot.usage.analytics import estimate as est
from framepilot.usage.pricing import PRICES

EVERYTHING = analytics.Filters()
MODES = ("scene_director", "script_rewrite", "full_rewrite")


def local(db, user, operation: str, model: str, *, video_id: str | None = None, compute: float = 1.0,
          audio: float = 0.0, characters: int = 0, when: str | None = None, status: str = "ok",
          provider: str = "local", cost: float | None = 0.0) -> None:
    call = LLMCall(provider=provider, model=model, operation=operation, compute_seconds=compute,
                   audio_seconds=audio, characters=characters, latency_ms=compute * 800, status=status,
                   cost_usd=cost, user_id=user.id, video_id=video_id)
    if when is None:
        repo.record_llm_call(db, call)
    else:  # an explicit day, through the bulk path
        row = call.model_dump() | {"cache_hit": 0, "unit_prices": None}
        repo.record_llm_calls_bulk(db, [(*(row[c] for c in repo._CALL_COLUMNS), when)])


def video_with_shots(db, settings, user, name: str, shots: int) -> str:
    video = ingest_upload(db, settings, user, name, io.BytesIO(f"content of {name}".encode())).video
    repo.save_shots(db, user, video.id, [
        Shot(index=i, start_s=float(i), end_s=i + 1.0, start_frame=i * 25, end_frame=i * 25 + 24)
        for i in range(shots)
    ])
    return video.id


def one_local_analysis(db, settings, user, name: str = "talk.mp4", shots: int = 3, audio: float = 90.0,
                       transcript_chars: int = 1200, voiced_chars: int = 500) -> str:
    """The calls one local analysis with a voice-over records, on a video with `shots` shots."""
    video = video_with_shots(db, settings, user, name, shots)
    local(db, user, "transcribe", "faster-whisper-base", video_id=video, compute=12.0, audio=audio)
    local(db, user, "analyse_shots", "mediapipe-0.10.21", video_id=video, compute=6.0)
    for mode in MODES:
        local(db, user, f"direct.{mode}", "rules", video_id=video, compute=0.1, characters=transcript_chars)
    local(db, user, "synthesise", "hibari-heart", video_id=video, compute=4.0, characters=voiced_chars)
    return video


# --- compute -----------------------------------------------------------------------------


def test_compute_is_summed_per_stage_model_and_video(db, settings, user_a):
    first = one_local_analysis(db, settings, user_a, "one.mp4")
    second = one_local_analysis(db, settings, user_a, "two.mp4", audio=30.0)

    compute = analytics.cost_report(db, settings, user_a, EVERYTHING).compute

    assert compute.compute_seconds == pytest.approx(2 * 22.3)
    assert compute.audio_minutes == pytest.approx(2.0)
    assert compute.videos == 2
    assert compute.by_stage == pytest.approx({"transcribe": 24.0, "cinematic": 12.0, "voice": 8.0, "direct": 0.6})
    assert compute.by_model["faster-whisper-base"] == pytest.approx(24.0)
    assert {v.video_id for v in compute.top_videos} == {first, second}
    assert all(v.compute_seconds == pytest.approx(22.3) for v in compute.top_videos)


def test_both_providers_calls_of_a_step_are_one_stage(db, settings, user_a):
    local(db, user_a, "direct.scene_director", "rules", compute=1.0)
    local(db, user_a, "direct.scene_director", "gpt-4o-mini", provider="openai", compute=0.5, cost=0.001)
    local(db, user_a, "direct.full_rewrite", "gpt-4o-mini", provider="openai", compute=0.25, cost=0.001)
    local(db, user_a, "synthesise", "hibari-heart", compute=2.0)
    local(db, user_a, "synthesise", "tts-1", provider="openai", compute=0.5, cost=0.001)

    compute = analytics.cost_report(db, settings, user_a, EVERYTHING).compute

    assert compute.by_stage == pytest.approx({"voice": 2.5, "direct": 1.75})


def test_compute_per_day_is_stacked_by_stage(db, settings, user_a):
    local(db, user_a, "transcribe", "faster-whisper-base", compute=10.0, when="2026-04-10T09:00:00.000Z")
    local(db, user_a, "analyse_shots", "mediapipe-0.10.21", compute=4.0, when="2026-04-10T23:59:00.000Z")
    local(db, user_a, "transcribe", "faster-whisper-base", compute=3.0, when="2026-04-12T00:01:00.000Z")

    per_day = analytics.cost_report(db, settings, user_a, EVERYTHING).compute.per_day

    assert [d.isoformat() for d in per_day.days] == ["2026-04-10", "2026-04-12"]
    assert per_day.series == {"transcribe": [10.0, 3.0], "cinematic": [4.0, 0.0]}


def test_another_users_compute_is_not_counted(db, settings, user_a, user_b):
    one_local_analysis(db, settings, user_b)

    compute = analytics.cost_report(db, settings, user_a, EVERYTHING).compute

    assert compute.empty and compute.by_stage == {} and compute.top_videos == []


# --- the OpenAI estimate -----------------------------------------------------------------


def by_hand(audio_s: float, shots: int, director_calls: int, transcript_chars: int, voiced_chars: int,
            chat: str = "gpt-4o-mini", vision: str = "gpt-4o-mini") -> dict[str, float]:
    """The price table applied to recorded usage, written out without the code under test."""
    keyframe = {"gpt-4o-mini": 2833, "gpt-4o": 85}[vision]  # low detail: a flat count per image
    shot_in = shots * (keyframe + est.SHOT_PROMPT_TOKENS)
    direct_in = (director_calls * est.DIRECTOR_PROMPT_TOKENS + director_calls * shots * est.DIRECTOR_TOKENS_PER_SHOT
                 + transcript_chars * est.DIRECTOR_TOKENS_PER_TRANSCRIPT_CHARACTER)
    return {
        "transcribe": audio_s / 60 * PRICES["whisper-1"].audio_per_minute,
        "cinematic": (shot_in * PRICES[vision].input_per_m
                      + shots * est.SHOT_REPLY_TOKENS * PRICES[vision].output_per_m) / 1e6,
        "direct": (round(direct_in) * PRICES[chat].input_per_m
                   + director_calls * est.DIRECTOR_REPLY_TOKENS * PRICES[chat].output_per_m) / 1e6,
        "voice": voiced_chars * PRICES["tts-1"].characters_per_m / 1e6,
    }


def test_the_estimate_is_the_price_table_applied_to_the_recorded_usage(db, settings, user_a):
    one_local_analysis(db, settings, user_a, shots=3, audio=90.0, transcript_chars=1200, voiced_chars=500)

    estimate = analytics.cost_report(db, settings, user_a, EVERYTHING).estimate

    expected = by_hand(audio_s=90.0, shots=3, director_calls=3, transcript_chars=3 * 1200, voiced_chars=500)
    assert {s.stage: s.cost_usd for s in estimate.stages} == pytest.approx(expected)
    assert estimate.cost_usd == pytest.approx(sum(expected.values()))
    assert {s.stage: s.model for s in estimate.stages} == {
        "transcribe": "whisper-1", "cinematic": "gpt-4o-mini", "direct": "gpt-4o-mini", "voice": "tts-1"}
    assert {s.stage: (s.audio_minutes, s.characters, s.shots) for s in estimate.stages}["cinematic"] == (0, 0, 3)
    assert estimate.price_date == PRICES["gpt-4o-mini"].date


def test_the_estimate_follows_the_configured_models(db, user_a, monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_OPENAI_CHAT_MODEL", "gpt-4o")
    monkeypatch.setenv("FRAMEPILOT_OPENAI_VISION_MODEL", "gpt-4o")
    get_settings.cache_clear()
    settings = get_settings()
    one_local_analysis(db, settings, user_a, shots=4)

    estimate = analytics.cost_report(db, settings, user_a, EVERYTHING).estimate

    expected = by_hand(audio_s=90.0, shots=4, director_calls=3, transcript_chars=3600, voiced_chars=500,
                       chat="gpt-4o", vision="gpt-4o")
    assert {s.stage: s.cost_usd for s in estimate.stages} == pytest.approx(expected)


def test_a_model_without_a_price_is_named_not_guessed(db, user_a, monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_OPENAI_CHAT_MODEL", "llama3.1:8b")
    get_settings.cache_clear()
    settings = get_settings()
    one_local_analysis(db, settings, user_a)

    estimate = analytics.cost_report(db, settings, user_a, EVERYTHING).estimate

    direct = next(s for s in estimate.stages if s.stage == "direct")
    assert direct.cost_usd is None and estimate.unpriced_models == ["llama3.1:8b"]
    assert estimate.cost_usd == pytest.approx(sum(s.cost_usd for s in estimate.stages if s.stage != "direct"))


def test_only_successful_local_calls_are_estimated(db, settings, user_a):
    local(db, user_a, "transcribe", "faster-whisper-base", audio=60.0)
    local(db, user_a, "transcribe", "faster-whisper-base", audio=600.0, status="error")
    local(db, user_a, "transcribe", "whisper-1", provider="openai", audio=600.0, cost=0.06)

    (transcribe,) = analytics.cost_report(db, settings, user_a, EVERYTHING).estimate.stages

    assert (transcribe.calls, transcribe.audio_minutes) == (1, 1.0)


def test_shot_counts_are_read_only_for_videos_the_user_may_see(db, settings, user_a, user_b):
    mine = video_with_shots(db, settings, user_a, "mine.mp4", 2)
    theirs = video_with_shots(db, settings, user_b, "theirs.mp4", 5)
    admin = accounts.add_user(db, "root@example.com", "the admin passphrase", is_admin=True)

    assert repo.shot_counts(db, user_a, [mine, theirs]) == {mine: 2}
    assert repo.shot_counts(db, admin, [mine, theirs]) == {mine: 2, theirs: 5}
