"""The analytics engine: sums that match the rows, row-level security on every query, new
calls visible at once, and a CSV of exactly the filtered rows."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import numpy as np
import pytest

from framepilot.models import AnalysisParams, LLMCall, Operation, VoiceParams
from framepilot.services import accounts
from framepilot.settings import load_settings
from framepilot.store import repository as repo
from framepilot.usage import analytics

DIRECT, REWRITE, SHOTS = Operation.DIRECT_SCENE_DIRECTOR, Operation.DIRECT_SCRIPT_REWRITE, Operation.ANALYSE_SHOTS
# (provider, model, operation, input, output, audio_s, chars, cost, latency_ms, status, cache_hit)
A_CALLS = [
    ("openai", "gpt-4o-mini", DIRECT, 1200, 300, 0.0, 0, 0.00036, 820.0, "ok", False),
    ("openai", "gpt-4o-mini", DIRECT, 800, 200, 0.0, 0, 0.00024, 640.0, "ok", True),
    ("openai", "whisper-1", Operation.TRANSCRIBE, 0, 0, 90.0, 0, 0.009, 3100.0, "ok", False),
    ("openai", "tts-1", Operation.SYNTHESISE, 0, 0, 0.0, 1500, 0.0225, 1900.0, "ok", False),
    ("openai", "mystery-model", DIRECT, 500, 100, 0.0, 0, None, 450.0, "error", False),
    ("local", "faster-whisper-base", Operation.TRANSCRIBE, 0, 0, 60.0, 0, 0.0, 5200.0, "ok", False),
]
B_CALLS = [
    ("openai", "gpt-4o", SHOTS, 4000, 500, 0.0, 0, 0.015, 2400.0, "ok", False),
    ("openai", "gpt-4o", SHOTS, 3000, 400, 0.0, 0, 0.0115, 2600.0, "ok", False),
]


def record(db, user, spec, video_id=None, job_id=None) -> None:
    provider, model, operation, tin, tout, audio, chars, cost, latency, status, hit = spec
    repo.record_llm_call(db, LLMCall(
        provider=provider, model=model, operation=operation, input_tokens=tin, output_tokens=tout,
        audio_seconds=audio, characters=chars, cost_usd=cost, latency_ms=latency, status=status,
        cache_hit=hit, user_id=user.id, video_id=video_id, job_id=job_id,
    ))


def record_at(db, user, when: str, model: str, operation: Operation, cost: float | None, latency: float = 100.0) -> None:
    """One call with an explicit created_at, through the bulk path the benchmark uses."""
    values = dict(user_id=user.id, video_id=None, job_id=None, provider="openai", model=model,
                  operation=operation, prompt_version="v1", input_tokens=10, output_tokens=5,
                  cached_tokens=0, image_tokens=0, audio_seconds=0.0, characters=0, compute_seconds=0.0,
                  cost_usd=cost, unit_prices=None, price_date=None, latency_ms=latency, status="ok",
                  error=None, retries=0, cache_hit=0)
    repo.record_llm_calls_bulk(db, [(*(values[c] for c in repo._CALL_COLUMNS), when)])


@pytest.fixture
def admin(db):
    return accounts.add_user(db, "root@example.com", "the admin passphrase", is_admin=True)


@pytest.fixture
def two_users_calls(db, user_a, user_b):
    for spec in A_CALLS:
        record(db, user_a, spec)
    for spec in B_CALLS:
        record(db, user_b, spec)


EVERYTHING = analytics.Filters()


# --- sums ---------------------------------------------------------------------------------


def test_totals_equal_the_hand_computed_sums_of_the_users_rows(db, user_a, two_users_calls):
    totals = analytics.totals(db, user_a, EVERYTHING)

    assert totals.calls == len(A_CALLS)
    assert totals.cost_usd == pytest.approx(sum(c[7] for c in A_CALLS if c[7] is not None))
    assert totals.unknown_cost_calls == 1
    assert totals.error_calls == 1
    assert totals.cache_hits == 1
    assert totals.input_tokens == sum(c[3] for c in A_CALLS)
    assert totals.output_tokens == sum(c[4] for c in A_CALLS)
    assert totals.audio_minutes == pytest.approx(sum(c[5] for c in A_CALLS) / 60)
    assert totals.tts_characters == 1500


def test_model_usage_gives_cost_tokens_and_latency_percentiles_within_a_few_percent(db, user_a):
    latencies = [float(v) for v in range(1, 101)]
    for latency in latencies:
        record(db, user_a, ("openai", "gpt-4o-mini", DIRECT, 10, 2, 0.0, 0, 0.001, latency, "ok", False))
    record(db, user_a, ("openai", "whisper-1", Operation.TRANSCRIBE, 0, 0, 30.0, 0, 0.003, 700.0, "ok", False))

    usage = {m.model: m for m in analytics.model_usage(db, user_a, EVERYTHING)}

    mini = usage["gpt-4o-mini"]
    assert (mini.calls, mini.input_tokens, mini.output_tokens) == (100, 1000, 200)
    assert mini.cost_usd == pytest.approx(0.1)
    assert mini.latency_p50_ms == pytest.approx(np.percentile(latencies, 50), rel=0.05)
    assert mini.latency_p95_ms == pytest.approx(np.percentile(latencies, 95), rel=0.05)
    assert usage["whisper-1"].audio_minutes == pytest.approx(0.5)
    assert list(usage) == ["gpt-4o-mini", "whisper-1"]  # most expensive first


def test_daily_cost_is_stacked_per_utc_day_by_model_and_by_operation(db, user_a):
    record_at(db, user_a, "2026-03-01T08:00:00.000Z", "gpt-4o-mini", DIRECT, 0.25)
    record_at(db, user_a, "2026-03-01T23:59:59.999Z", "gpt-4o", SHOTS, 1.0)
    record_at(db, user_a, "2026-03-03T00:00:00.000Z", "gpt-4o-mini", DIRECT, 0.5)
    record_at(db, user_a, "2026-03-03T10:00:00.000Z", "gpt-4o-mini", REWRITE, 0.125)

    by_model = analytics.daily_cost(db, user_a, EVERYTHING, by="model")
    by_operation = analytics.daily_cost(db, user_a, EVERYTHING, by="operation")

    assert by_model.days == [date(2026, 3, 1), date(2026, 3, 3)]
    assert by_model.series == {"gpt-4o": [1.0, 0.0], "gpt-4o-mini": [0.25, 0.625]}
    assert by_operation.series == {"analyse_shots": [1.0, 0.0], "direct.scene_director": [0.25, 0.5],
                                   "direct.script_rewrite": [0.0, 0.125]}


def test_cost_per_video_and_per_job_type_come_from_the_calls_and_their_jobs(db, user_a):
    cheap = repo.create_video(db, user_a, filename="a.mp4", stored_path="a", sha256="a", size_bytes=1)
    dear = repo.create_video(db, user_a, filename="b.mp4", stored_path="b", sha256="b", size_bytes=1)
    analysis = repo.create_job(db, user_a, dear.id, AnalysisParams())
    voice = repo.create_job(db, user_a, cheap.id, VoiceParams())
    whisper = ("openai", "whisper-1", Operation.TRANSCRIBE, 0, 0, 60.0, 0, 0.006, 900.0, "ok", False)
    tts = ("openai", "tts-1", Operation.SYNTHESISE, 0, 0, 0.0, 100, 0.0015, 300.0, "ok", False)
    record(db, user_a, whisper, video_id=dear.id, job_id=analysis.id)
    record(db, user_a, whisper, video_id=dear.id, job_id=analysis.id)
    record(db, user_a, tts, video_id=cheap.id, job_id=voice.id)
    record(db, user_a, tts)  # no video, no job

    videos = analytics.video_costs(db, user_a, EVERYTHING)
    job_types = {j.job_type: j for j in analytics.job_type_costs(db, user_a, EVERYTHING)}

    assert [(v.video_id, v.calls) for v in videos] == [(dear.id, 2), (cheap.id, 1)]
    assert videos[0].cost_usd == pytest.approx(0.012)
    assert job_types["video_analysis"].cost_usd == pytest.approx(0.012)
    assert (job_types["tts"].calls, job_types[analytics.NO_JOB].calls) == (1, 1)


def test_filters_narrow_by_inclusive_days_provider_and_model(db, user_a):
    record_at(db, user_a, "2026-04-09T23:59:59.000Z", "gpt-4o-mini", DIRECT, 1.0)
    record_at(db, user_a, "2026-04-10T00:00:00.000Z", "gpt-4o-mini", DIRECT, 2.0)
    record_at(db, user_a, "2026-04-12T23:59:59.999Z", "gpt-4o", DIRECT, 4.0)
    record_at(db, user_a, "2026-04-13T00:00:00.000Z", "gpt-4o", DIRECT, 8.0)

    april_10_to_12 = analytics.Filters(start=date(2026, 4, 10), end=date(2026, 4, 12))
    only_mini = analytics.Filters(models=("gpt-4o-mini",))

    assert analytics.totals(db, user_a, april_10_to_12).cost_usd == pytest.approx(6.0)
    assert analytics.totals(db, user_a, only_mini).cost_usd == pytest.approx(3.0)
    assert analytics.totals(db, user_a, analytics.Filters(providers=("local",))).calls == 0


# --- row-level security -------------------------------------------------------------------


def test_user_b_sees_none_of_user_as_rows_through_any_query(db, settings, user_a, user_b):
    for spec in A_CALLS:
        record(db, user_a, spec, video_id="video-of-a", job_id=None)

    report = analytics.cost_report(db, settings, user_b, EVERYTHING)
    options = analytics.filter_options(db, user_b)
    rows = list(csv.DictReader(io.StringIO(analytics.export_csv(db, user_b, EVERYTHING).decode())))

    assert report.totals == analytics.Totals()
    assert report.cost_by_model.series == {} and report.cost_by_operation.days == []
    assert report.models == [] and report.videos == [] and report.job_types == []
    assert [(b.scope, b.user_id, b.spent_usd) for b in report.budgets] == [("user", user_b.id, 0.0)]
    assert (options.calls, options.models, options.providers) == (0, [], [])
    assert rows == []


def test_a_non_admin_asking_for_another_users_id_gets_only_their_own_rows(
    db, settings, user_a, user_b, two_users_calls
):
    asking_for_a = analytics.Filters(user_id=user_a.id)

    report = analytics.cost_report(db, settings, user_b, asking_for_a)
    rows = list(csv.DictReader(io.StringIO(analytics.export_csv(db, user_b, asking_for_a).decode())))

    assert report.totals.calls == len(B_CALLS)
    assert [m.model for m in report.models] == ["gpt-4o"]
    assert {r["user_id"] for r in rows} == {str(user_b.id)}
    assert [b.user_id for b in report.budgets] == [user_b.id]


def test_an_admin_sees_everyone_or_the_one_user_they_pick(db, settings, admin, user_a, user_b, two_users_calls):
    everyone = analytics.cost_report(db, settings, admin, EVERYTHING)
    only_b = analytics.totals(db, admin, analytics.Filters(user_id=user_b.id))

    assert everyone.totals.calls == len(A_CALLS) + len(B_CALLS)
    assert {m.model for m in everyone.models} >= {"gpt-4o", "gpt-4o-mini"}
    assert only_b.calls == len(B_CALLS)
    assert [b.scope for b in everyone.budgets] == ["global"]
    assert everyone.budgets[0].spent_usd == pytest.approx(
        sum(c[7] for c in A_CALLS + B_CALLS if c[7] is not None))


def test_budget_usage_is_this_months_spend_against_the_configured_budget(db, user_a, user_b, two_users_calls):
    settings = load_settings(user_monthly_budget_usd=0.05, global_monthly_budget_usd=None)
    record_at(db, user_a, "2001-01-01T00:00:00.000Z", "gpt-4o", DIRECT, 100.0)  # an old month

    (mine,) = analytics.budget_usage(db, settings, user_a, EVERYTHING)

    month_start = datetime.now(timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    assert mine.spent_usd == pytest.approx(repo.month_spend_usd(db, user_a.id, month_start))
    assert mine.spent_usd == pytest.approx(0.0321)
    assert mine.budget_usd == 0.05 and mine.fraction == pytest.approx(0.0321 / 0.05)


# --- freshness ------------------------------------------------------------------------------


def test_calls_written_after_a_first_query_count_in_the_next_one(db, user_a):
    record(db, user_a, A_CALLS[0])
    assert analytics.totals(db, user_a, EVERYTHING).calls == 1

    for spec in A_CALLS[1:4]:
        record(db, user_a, spec)

    after = analytics.totals(db, user_a, EVERYTHING)
    assert after.calls == 4
    assert after.cost_usd == pytest.approx(sum(c[7] for c in A_CALLS[:4]))


# --- CSV ----------------------------------------------------------------------------------


def test_the_csv_holds_exactly_the_filtered_rows(db, admin, user_a, user_b):
    record_at(db, user_a, "2026-05-01T10:00:00.000Z", "gpt-4o-mini", DIRECT, 0.5)
    record_at(db, user_a, "2026-05-02T10:00:00.000Z", "gpt-4o", DIRECT, 1.5)
    record_at(db, user_a, "2026-05-09T10:00:00.000Z", "gpt-4o-mini", DIRECT, 2.5)
    record_at(db, user_b, "2026-05-02T11:00:00.000Z", "gpt-4o-mini", DIRECT, 9.0)
    filters = analytics.Filters(start=date(2026, 5, 1), end=date(2026, 5, 3), models=("gpt-4o-mini",))

    mine = list(csv.DictReader(io.StringIO(analytics.export_csv(db, user_a, filters).decode())))
    everyone = list(csv.DictReader(io.StringIO(analytics.export_csv(db, admin, filters).decode())))

    assert [(r["user_id"], r["model"], float(r["cost_usd"])) for r in mine] == [(str(user_a.id), "gpt-4o-mini", 0.5)]
    assert mine[0]["created_at"].startswith("2026-05-01 10:00:00")
    assert sorted(float(r["cost_usd"]) for r in everyone) == [0.5, 9.0]
