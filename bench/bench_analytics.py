"""Costs page speed at 1,000,000 `llm_calls` rows or more (targets at 10 million: warm page
under 1 s of server time, a new process's first page under 5 s, web-process memory growth
under 500 MB).

Fills a temporary store through `record_llm_calls_bulk` (which keeps the usage rollups; 5
users, one an admin; 200 videos, 600 jobs; 9 models over 4 operations; 90 days), then times:
- the page's queries (`filter_options` + `cost_report`), for a user and for an admin, over
  the page's default 30 days and over all 90;
- a brand-new Python process: imports, then the first page's queries, and its RSS growth;
- the CSV export (streamed);
- the whole page script through AppTest (its server time: queries, Plotly, widgets).

BENCH_ANALYTICS_ROWS sets the row count (10,000,000 takes minutes to generate);
BENCH_ANALYTICS_DATABASE_URL=postgresql://... runs it on PostgreSQL (an empty database).
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ANALYTICS_ROWS", "1000000"))
BATCH = 50_000
ROOT = Path(__file__).resolve().parent.parent

# operation (a `framepilot.models.Operation` value) -> [(provider, model, weight)]
WORKLOAD = {
    "transcribe": [("openai", "whisper-1", 3), ("local", "faster-whisper-base", 5)],
    "analyse_shots": [("openai", "gpt-4o-mini", 6), ("openai", "gpt-4o", 2), ("local", "mediapipe", 4)],
    "direct.scene_director": [("openai", "gpt-4o-mini", 5), ("openai", "gpt-4o", 2), ("local", "rules", 4),
                 ("openai", "gpt-5-preview", 1)],  # not in the price table: cost NULL
    "synthesise": [("openai", "tts-1", 3), ("openai", "tts-1-hd", 1), ("local", "hibari", 4)],
}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return (statistics.median(times) if repeat > 1 else times[0]), result


def _synthetic_rows(rng: random.Random, jobs: list[tuple], count: int, start_index: int, now: datetime):
    from framepilot.pricing import price_for

    span = timedelta(days=90).total_seconds()
    choices = [(op, p, m) for op, models in WORKLOAD.items() for p, m, w in models for _ in range(w)]
    prices = {(p, m): price_for(p, m) for _, p, m in choices}
    for i in range(start_index, start_index + count):
        user_id, video_id, job_id = rng.choice(jobs)
        operation, provider, model = rng.choice(choices)
        tin = tout = chars = 0
        audio = 0.0
        if operation == "transcribe":
            audio = rng.uniform(20, 600)
        elif operation == "synthesise":
            chars = rng.randint(200, 4000)
        else:
            tin, tout = rng.randint(500, 12000), rng.randint(50, 1500)
        price = prices[(provider, model)]
        cost = None if price is None else (
            tin * price.input_per_m / 1e6 + tout * price.output_per_m / 1e6
            + audio / 60 * price.audio_per_minute + chars * price.characters_per_m / 1e6)
        # ids follow time, as they do in production; a little jitter within the minute
        when = now - timedelta(seconds=span * (1 - i / ROWS) + rng.random() * 60)
        yield (user_id, video_id, job_id, provider, model, operation, "v1", tin, tout, 0, 0, audio, chars,
               rng.uniform(0.01, 5.0), cost, None, None if price is None else price.date,
               rng.lognormvariate(6.5, 0.8), "ok" if rng.random() > 0.01 else "error", None, 0,
               int(rng.random() < 0.05), when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


def fill(db, rows: int, rng: random.Random) -> tuple[list, dict[str, float]]:
    from framepilot.models import AnalysisParams, DirectorNotesParams, VoiceParams
    from framepilot.store import repository as repo

    users = [repo.insert_user(db, f"user{i}@bench.example", "not-a-hash", is_admin=(i == 0)) for i in range(5)]
    jobs = []
    for user in users:
        for v in range(40):
            video = repo.create_video(db, user, filename=f"talk-{v}.mp4", stored_path="-", sha256=f"{user.id}-{v}",
                                      size_bytes=1)
            for params in (AnalysisParams(), DirectorNotesParams(), VoiceParams()):
                jobs.append((user.id, video.id, repo.create_job(db, user, video.id, params).id))
    now = datetime.now(timezone.utc)
    timings = {"generate": 0.0, "insert": 0.0}
    for start in range(0, rows, BATCH):
        t0 = time.perf_counter()
        batch = list(_synthetic_rows(rng, jobs, min(BATCH, rows - start), start, now))
        t1 = time.perf_counter()
        repo.record_llm_calls_bulk(db, batch)
        timings["generate"] += t1 - t0
        timings["insert"] += time.perf_counter() - t1
    return users, timings


COLD_PROCESS = """
import sys, time
from datetime import date
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6
started = time.perf_counter()
from framepilot import analytics
from framepilot.settings import get_settings
from framepilot.store import open_database
from framepilot.store import repository as repo
settings = get_settings()
db = open_database(settings)
user = repo.get_user(db, int(sys.argv[1]))
imported, before = time.perf_counter(), rss_mb()
last_30 = analytics.Filters(start=date.fromisoformat(sys.argv[2]), end=date.fromisoformat(sys.argv[3]))
analytics.filter_options(db, user)
analytics.cost_report(db, settings, user, last_30)
analytics.cost_report(db, settings, user, analytics.Filters())
print(f"{imported - started:.3f} {time.perf_counter() - imported:.3f} {rss_mb() - before:.1f}")
"""


def cold_process(user, filters) -> tuple[float, float, float]:
    """(import seconds, first page queries seconds, RSS growth MB) in a brand-new Python process."""
    out = subprocess.run(
        [sys.executable, "-c", COLD_PROCESS, str(user.id), str(filters.start), str(filters.end)],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, check=True,
    ).stdout.split()
    return float(out[-3]), float(out[-2]), float(out[-1])


def _timed_costs_page(page_path: str, user: dict) -> None:
    """AppTest script: run the Costs page as `user` and keep its own (script thread) run time."""
    import runpy
    import time

    import streamlit as st

    st.session_state["auth_user"] = user
    started = time.perf_counter()
    runpy.run_path(page_path)
    st.session_state["bench_seconds"] = time.perf_counter() - started


def page_server_time(user, runs: int = 4) -> list[tuple[float, float]]:
    """(page script seconds, AppTest wall seconds) per run; the first is this process's first.
    The wall time adds AppTest's own overhead (about 0.2 s a run here) to the script's."""
    from streamlit.testing.v1 import AppTest

    times = []
    for _ in range(runs):
        page = str(ROOT / "pages" / "costs.py")
        at = AppTest.from_function(_timed_costs_page, args=(page, user.model_dump()), default_timeout=120)
        started = time.perf_counter()
        at.run()
        wall = time.perf_counter() - started
        assert not at.exception, at.exception
        assert at.metric, "the page showed no totals"
        times.append((at.session_state["bench_seconds"], wall))
    return times


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="fp-bench-analytics-") as folder:
        os.environ["FRAMEPILOT_DATA_DIR"] = folder
        if os.environ.get("BENCH_ANALYTICS_DATABASE_URL"):
            os.environ["FRAMEPILOT_DATABASE_URL"] = os.environ["BENCH_ANALYTICS_DATABASE_URL"]
        from framepilot.settings import get_settings

        get_settings.cache_clear()
        from framepilot import analytics
        from framepilot.store import SYSTEM, open_database

        settings = get_settings()
        db = open_database(settings)
        rng = random.Random(7)
        started = time.perf_counter()
        users, fill_times = fill(db, ROWS, rng)
        total_fill = time.perf_counter() - started
        admin, user = users[0], users[1]
        with db.read(SYSTEM) as conn:
            sizes = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("llm_usage_daily", "llm_usage_videos", "llm_latency_daily")}
        print(f"rows: {ROWS:,} llm_calls on {db.dialect}, 5 users, 600 jobs, 90 days; rollup rows: "
              + ", ".join(f"{t} {n:,}" for t, n in sizes.items()))
        print(f"fill: {total_fill:6.1f} s total; record_llm_calls_bulk (calls + rollups) {fill_times['insert']:.1f} s "
              f"({ROWS / fill_times['insert']:,.0f} rows/s), generating rows {fill_times['generate']:.1f} s")

        today = datetime.now(timezone.utc).date()
        last_30 = analytics.Filters(start=today - timedelta(days=29), end=today)
        everything = analytics.Filters()

        def page_queries(who, filters):
            return lambda: (analytics.filter_options(db, who), analytics.cost_report(db, settings, who, filters))

        print("\nanalytics queries (filter_options + cost_report = everything the page asks for)")
        rss_before = _rss_mb()
        for label, who, filters in [
            ("user, last 30 days", user, last_30), ("user, all 90 days", user, everything),
            ("admin, everyone, last 30 days", admin, last_30), ("admin, everyone, all 90 days", admin, everything),
        ]:
            warm, report = _timed(page_queries(who, filters), repeat=5)
            print(f"  warm, {label:31s}{_ms(warm)}  ({report[1].totals.calls:,} calls)")
        print(f"  RSS growth of this process over those queries: {_rss_mb() - rss_before:.1f} MB")
        imports, queries, growth = cold_process(user, last_30)
        print(f"  new Python process: imports {imports * 1000:.0f} ms, then the first page's queries "
              f"{_ms(queries).strip()}, RSS growth {growth:.1f} MB")
        csv_time, size = _timed(lambda: sum(len(chunk) for chunk in analytics.iter_csv(db, user, last_30)))
        print(f"  CSV export (streamed), user, last 30 days: {_ms(csv_time)}  ({size / 1e6:.1f} MB)")

        print("\nCosts page server time at the page's defaults (page script / AppTest wall)")
        for label, who in [("user", user), ("admin", admin)]:
            runs = page_server_time(who)
            shown = [f"{page * 1000:.0f} / {wall * 1000:.0f} ms" for page, wall in runs]
            print(f"  {label:5s}: first " + ", then ".join(shown))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak RSS of this process (the generator included): {rss:.0f} MB")


if __name__ == "__main__":
    main()
