"""Contract of the usage rollups on both backends: after any mix of single calls, bulk imports
and concurrent writers, every rollup row equals a GROUP BY over the raw calls; migration
0007's backfill gives the same rows; and a user never reads another user's rollups."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from datetime import datetime, timezone
from importlib import resources

import pytest

from framepilot.models import (
    AnalysisParams,
    LLMCall,
    Operation,
    Shot,
    UsageScope,
    VoiceParams,
)
from framepilot.services import accounts
from framepilot.settings import get_settings
from framepilot.store import SYSTEM
from framepilot.store import repository as repo
from framepilot.usage import analytics
from framepilot.usage.analytics.latency import approximate_quantile

EVERYTHING = UsageScope()
MODELS = [("openai", "gpt-4o-mini", Operation.DIRECT_SCENE_DIRECTOR), ("openai", "whisper-1", Operation.TRANSCRIBE),
          ("local", "faster-whisper-base", Operation.TRANSCRIBE), ("local", "rules", Operation.DIRECT_FULL_REWRITE),
          ("openai", "mystery-model", Operation.ANALYSE_SHOTS)]


def random_call(rng: random.Random, user, videos: list[str], jobs: list[str]) -> LLMCall:
    provider, model, operation = rng.choice(MODELS)
    return LLMCall(
        provider=provider, model=model, operation=operation, user_id=user.id,
        input_tokens=rng.randint(0, 5000), output_tokens=rng.randint(0, 900), cached_tokens=rng.randint(0, 50),
        image_tokens=rng.randint(0, 85), audio_seconds=rng.uniform(0, 300), characters=rng.randint(0, 3000),
        compute_seconds=rng.uniform(0, 9), cost_usd=None if model == "mystery-model" else rng.uniform(0, 0.02),
        latency_ms=rng.choice([0.0, 1.0, 1.5, 999.9, rng.lognormvariate(6.5, 1.2), 2_000_000.0]),
        status=rng.choice(["ok", "ok", "ok", "error"]), cache_hit=rng.random() < 0.2,
        video_id=rng.choice([None, *videos]), job_id=rng.choice([None, *jobs]),
    )


def bulk_row(call: LLMCall, day: str) -> tuple:
    values = call.model_dump()
    values["cache_hit"] = int(call.cache_hit)
    return (*(values[c] for c in repo._CALL_COLUMNS), f"{day}T12:00:00.000000Z")


def raw_calls(db, user) -> list[dict]:
    return [dict(zip(repo.EXPORT_CALL_COLUMNS, row)) for rows in repo.iter_llm_calls(db, user, EVERYTHING)
            for row in rows]


def expected_daily(calls: list[dict]) -> dict[tuple, list]:
    """The daily rollup as a GROUP BY over raw calls, in Python."""
    sums: dict[tuple, list] = defaultdict(lambda: [0] * len(repo.DAILY_MEASURES))
    for c in calls:
        fresh_ok = c["status"] == "ok" and not c["cache_hit"]
        key = (c["created_at"][:10], c["provider"], c["model"], c["operation"], c["job_type"] or "")
        for i, v in enumerate((1, c["status"] != "ok", bool(c["cache_hit"]), c["cost_usd"] or 0.0,
                               c["cost_usd"] is None, c["input_tokens"], c["output_tokens"], c["cached_tokens"],
                               c["image_tokens"], c["audio_seconds"], c["characters"], c["compute_seconds"],
                               c["latency_ms"], fresh_ok, c["audio_seconds"] * fresh_ok, c["characters"] * fresh_ok,
                               0)):  # fresh_ok_shots: these videos have no shots (test_costs_page has some)
            sums[key][i] += v
    return dict(sums)


def assert_rollups_match_the_calls(db, user) -> None:
    calls = raw_calls(db, user)
    stored = {row[:5]: list(row[5:]) for row in repo.usage_daily_rows(db, user, EVERYTHING)}
    expected = expected_daily(calls)
    assert stored.keys() == expected.keys()
    for key, values in expected.items():
        assert stored[key] == pytest.approx(values), key

    buckets: dict[tuple, int] = defaultdict(int)
    for c in calls:
        buckets[(c["provider"], c["model"], repo.latency_bucket(c["latency_ms"]))] += 1
    assert {r[:3]: r[3] for r in repo.latency_histogram(db, user, EVERYTHING)} == buckets

    per_video: dict[str, list] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for c in calls:
        if c["video_id"]:
            for i, v in enumerate((1, c["cost_usd"] or 0.0, c["compute_seconds"], c["audio_seconds"])):
                per_video[c["video_id"]][i] += v
    count, top = repo.top_videos(db, user, EVERYTHING, limit=100)
    assert count == len(per_video)
    stored_videos = {v: list(rest) for v, *rest in top}
    assert stored_videos.keys() == per_video.keys()
    for video, values in per_video.items():
        assert stored_videos[video] == pytest.approx(values), video
    # naming providers reads the per-model video rollup instead: the same sums
    count, top = repo.top_videos(db, user, UsageScope(providers=("openai", "local")), limit=100)
    assert count == len(per_video)
    for video, *values in top:
        assert values == pytest.approx(per_video[video]), video


@pytest.fixture
def owners(any_db):
    """Two users with two videos and two jobs of different types each."""
    made = []
    for email in ("alice@example.com", "bob@example.com"):
        user = accounts.add_user(any_db, email, "correct horse battery staple")
        videos = [repo.create_video(any_db, user, filename=f"{i}.mp4", stored_path="-", sha256=f"{email}{i}",
                                    size_bytes=1).id for i in range(2)]
        jobs = [repo.create_job(any_db, user, videos[0], AnalysisParams()).id,
                repo.create_job(any_db, user, videos[1], VoiceParams()).id]
        made.append((user, videos, jobs))
    return made


def test_rollups_equal_a_group_by_over_single_bulk_and_concurrent_calls(any_db, owners):
    rng = random.Random(11)
    for user, videos, jobs in owners:
        for _ in range(15):
            repo.record_llm_call(any_db, random_call(rng, user, videos, jobs))
        repo.record_llm_calls_bulk(any_db, [bulk_row(random_call(rng, user, videos, jobs), day)
                                            for day in ("2026-01-30", "2026-01-31", "2026-02-01") for _ in range(20)])

    def writer(seed: int) -> None:  # several writers at once, on the same rollup rows
        local = random.Random(seed)
        for _ in range(25):
            user, videos, jobs = local.choice(owners)
            repo.record_llm_call(any_db, random_call(local, user, videos, jobs))

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    for user, _, _ in owners:
        assert_rollups_match_the_calls(any_db, user)
    assert sum(len(raw_calls(any_db, u)) for u, _, _ in owners) == 2 * (15 + 60) + 4 * 25


def test_the_migration_backfill_gives_the_rows_the_writes_kept(any_db, owners):
    rng = random.Random(5)
    for user, videos, jobs in owners:
        repo.record_llm_calls_bulk(any_db, [bulk_row(random_call(rng, user, videos, jobs), day)
                                            for day in ("2026-03-01", "2026-03-02") for _ in range(30)])
    kept = {u.id: sorted(repo.usage_daily_rows(any_db, u, EVERYTHING)) for u, _, _ in owners}
    kept_latency = {u.id: sorted(repo.latency_histogram(any_db, u, EVERYTHING)) for u, _, _ in owners}
    folder = resources.files("framepilot.store") / "migrations" / ("postgres" if any_db.dialect == "postgresql" else "sqlite")
    rollups = (folder / "0007_usage_rollups.sql").read_text()
    video_days = (folder / "0008_usage_video_days.sql").read_text()
    backfill = (rollups[rollups.index("INSERT INTO llm_usage_daily"):] + ";"
                + video_days[video_days.index("INSERT INTO llm_usage_video_days"):])

    with any_db.connect(SYSTEM) as conn:
        for table in ("llm_usage_daily", "llm_usage_videos", "llm_usage_video_days", "llm_latency_daily"):
            conn.execute(f"DELETE FROM {table}")
        for statement in filter(str.strip, backfill.split(";")):
            conn.execute(statement)

    for user, _, _ in owners:
        rebuilt = sorted(repo.usage_daily_rows(any_db, user, EVERYTHING))
        assert [r[:5] for r in rebuilt] == [r[:5] for r in kept[user.id]]
        for row, before in zip(rebuilt, kept[user.id]):
            assert list(row[5:]) == pytest.approx(list(before[5:]))
        assert sorted(repo.latency_histogram(any_db, user, EVERYTHING)) == kept_latency[user.id]
        assert_rollups_match_the_calls(any_db, user)


def test_a_user_reads_only_their_own_rollups_whatever_the_scope_says(any_db, owners):
    (alice, videos, jobs), (bob, _, _) = owners
    repo.record_llm_call(any_db, random_call(random.Random(1), alice, videos, jobs).model_copy(
        update={"video_id": videos[0]}))
    asking_for_alice = UsageScope(user_id=alice.id)

    assert repo.usage_daily_rows(any_db, bob, asking_for_alice) == []
    assert repo.latency_histogram(any_db, bob, asking_for_alice) == []
    assert repo.top_videos(any_db, bob, asking_for_alice, 10) == (0, [])
    assert repo.usage_overview(any_db, bob, alice.id) == []
    assert len(repo.usage_daily_rows(any_db, alice, EVERYTHING)) == 1


def test_postgres_policies_hide_other_users_rollups_even_from_raw_sql(any_db, owners):
    if any_db.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    (alice, videos, jobs), (bob, _, _) = owners
    repo.record_llm_call(any_db, random_call(random.Random(2), alice, videos, jobs).model_copy(
        update={"video_id": videos[0]}))

    for table in ("llm_usage_daily", "llm_usage_videos", "llm_usage_video_days", "llm_latency_daily"):
        with any_db.read(bob) as conn:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
        with any_db.read(alice) as conn:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 1


def test_latency_percentiles_from_buckets_land_near_the_exact_ones():
    rng = random.Random(3)
    latencies = sorted(rng.lognormvariate(6.5, 0.8) for _ in range(20_000))
    counts: dict[int, int] = defaultdict(int)
    for value in latencies:
        counts[repo.latency_bucket(value)] += 1

    for q in (0.5, 0.95):
        exact = latencies[int(q * len(latencies))]
        assert approximate_quantile(counts, q) == pytest.approx(exact, rel=0.08)


def test_the_csv_export_pages_through_calls_with_equal_timestamps_without_losing_any(any_db, owners):
    (alice, videos, jobs), (bob, bob_videos, bob_jobs) = owners
    rng = random.Random(9)
    repo.record_llm_calls_bulk(any_db, [bulk_row(random_call(rng, alice, videos, jobs), "2026-04-0" + day)
                                        for day in "21" for _ in range(17)])  # 17 calls at each of two instants
    repo.record_llm_calls_bulk(any_db, [bulk_row(random_call(rng, bob, bob_videos, bob_jobs), "2026-04-01")])

    pages = list(repo.iter_llm_calls(any_db, alice, EVERYTHING, batch=5))

    exported = [row for page in pages for row in page]
    assert len(pages) == 7 and len(exported) == 34
    assert len({row[0] for row in exported}) == 34  # every call once
    assert [(row[1], row[0]) for row in exported] == sorted((row[1], row[0]) for row in exported)
    assert {row[2] for row in exported} == {alice.id}


def test_the_cost_report_gives_the_calls_sums_on_every_backend(any_db, owners):
    (alice, videos, jobs), (bob, bob_videos, bob_jobs) = owners
    rng = random.Random(12)
    calls = [random_call(rng, alice, videos, jobs) for _ in range(30)]
    for call in calls:
        repo.record_llm_call(any_db, call)
    repo.record_llm_call(any_db, random_call(rng, bob, bob_videos, bob_jobs))

    report = analytics.cost_report(any_db, get_settings(), alice, analytics.Filters())

    assert report.totals.calls == len(calls)
    assert report.totals.cost_usd == pytest.approx(sum(c.cost_usd or 0.0 for c in calls))
    assert report.totals.input_tokens == sum(c.input_tokens for c in calls)
    assert sum(m.calls for m in report.models) == len(calls)
    assert all(type(m.calls) is int and 0 <= m.latency_p50_ms <= m.latency_p95_ms for m in report.models)
    assert max(m.latency_p95_ms for m in report.models) > 0
    assert sum(v.calls for v in report.videos) == sum(1 for c in calls if c.video_id)


def test_the_shots_local_calls_read_are_counted_alike_by_writes_and_by_the_backfill(any_db, owners):
    (alice, videos, _), _ = owners
    repo.save_shots(any_db, alice, videos[0], [Shot(index=i, start_s=i, end_s=i + 1, start_frame=10 * i,
                                                    end_frame=10 * i + 9) for i in range(4)])
    local = LLMCall(provider="local", model="rules", operation=Operation.DIRECT_SCENE_DIRECTOR, user_id=alice.id,
                    video_id=videos[0], created_at=datetime(2026, 2, 1, 9, tzinfo=timezone.utc))
    repo.record_llm_call(any_db, local)  # reads the 4 shots
    repo.record_llm_call(any_db, local.model_copy(update={"cache_hit": True}))  # served from the cache: none
    repo.record_llm_call(any_db, local.model_copy(update={"video_id": videos[1]}))  # a video without shots
    repo.record_llm_calls_bulk(any_db, [bulk_row(local, "2026-02-02")] * 2)  # 4 each

    def shots_read_per_day() -> dict[str, int]:
        return {row[0]: row[-1] for row in repo.usage_daily_rows(any_db, alice, EVERYTHING)}

    written = shots_read_per_day()
    migration = (resources.files("framepilot.store") / "migrations" / ("postgres" if any_db.dialect == "postgresql"
                 else "sqlite") / "0008_usage_video_days.sql").read_text()
    with any_db.connect(SYSTEM) as conn:
        conn.execute("UPDATE llm_usage_daily SET fresh_ok_shots = 0")
        conn.execute(migration[migration.index("UPDATE llm_usage_daily"):])

    assert written == {"2026-02-01": 4, "2026-02-02": 8}
    assert shots_read_per_day() == written
