"""Costs page speed at 1 million `llm_calls` rows or more, on SQLite or PostgreSQL (targets at
10 million: warm page under 1 s of server time, a new process's first page under 5 s, web
process memory growth under 500 MB).

Fills a temporary store through `record_llm_calls_bulk` (which keeps the usage rollups; 5
users, one an admin; 200 videos, 600 jobs; 9 models over 4 operations; 90 days; rows drawn
with numpy, so 10 million take a minute to generate), then times:
- the page's queries (`filter_options` + `cost_report`), for a user and for an admin, over
  the page's default 30 days and over all 90;
- a brand-new Python process running the Costs page once (imports, then the page through
  AppTest), and its RSS growth;
- the CSV export (streamed);
- the whole page script through AppTest, warm (its server time: queries, Plotly, widgets),
  and this process's RSS growth over those page runs.

BENCH_ANALYTICS_ROWS sets the row count. BENCH_ANALYTICS_BACKEND=postgresql runs on a
throw-away PostgreSQL cluster under /tmp (testkit/servers.py starts it);
BENCH_ANALYTICS_DATABASE_URL=postgresql://... uses an empty database you made.
BENCH_ANALYTICS_FILL_LIMIT_S stops loading after that many seconds (the output says how many
rows went in; the last days are then empty).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

ROWS = int(os.environ.get("BENCH_ANALYTICS_ROWS", "1000000"))
FILL_LIMIT_S = float(os.environ.get("BENCH_ANALYTICS_FILL_LIMIT_S", "inf"))  # stop loading after this long
BATCH = 100_000
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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
    return _timed_cpu(fn, repeat)[0::2]


def _timed_cpu(fn, repeat: int = 1) -> tuple[float, float, object]:
    """(median wall seconds, median CPU seconds of this process, last result). On a machine
    shared with other work the CPU time is the steadier figure (SQLite and DuckDB run in this
    process; PostgreSQL's own work is not in it)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


class Workload:
    """The weighted (operation, provider, model) choices and their prices, as arrays."""

    def __init__(self) -> None:
        from framepilot.usage.pricing import price_for

        self.choices = [(op, p, m) for op, models in WORKLOAD.items() for p, m, w in models for _ in range(w)]
        prices = [price_for(p, m) for _, p, m in self.choices]
        self.priced = np.array([price is not None for price in prices])
        self.price_date = [price.date if price else None for price in prices]

        def unit(name: str) -> np.ndarray:
            return np.array([getattr(price, name) if price else 0.0 for price in prices])
        self.input_per_m, self.output_per_m = unit("input_per_m"), unit("output_per_m")
        self.audio_per_minute, self.characters_per_m = unit("audio_per_minute"), unit("characters_per_m")
        self.kind = np.array([{"transcribe": 1, "synthesise": 2}.get(op, 0) for op, _, _ in self.choices])


def synthetic_batch(rng: np.random.Generator, work: Workload, jobs: list[tuple], start: int, count: int,
                    total: int, now: datetime) -> list[tuple]:
    """`count` call rows (`record_llm_calls_bulk` tuples), the `start`-th of `total` onwards;
    ids follow time over 90 days, as they do in production, with a little jitter."""
    pick = rng.integers(0, len(work.choices), count)
    job = rng.integers(0, len(jobs), count)
    kind = work.kind[pick]
    audio = np.where(kind == 1, rng.uniform(20, 600, count), 0.0)
    chars = np.where(kind == 2, rng.integers(200, 4001, count), 0)
    tin = np.where(kind == 0, rng.integers(500, 12001, count), 0)
    tout = np.where(kind == 0, rng.integers(50, 1501, count), 0)
    cost = (tin * work.input_per_m[pick] / 1e6 + tout * work.output_per_m[pick] / 1e6
            + audio / 60 * work.audio_per_minute[pick] + chars * work.characters_per_m[pick] / 1e6)
    costs = [c if priced else None for c, priced in zip(cost.tolist(), work.priced[pick].tolist(), strict=True)]
    span_us = timedelta(days=90) / timedelta(microseconds=1)
    ago_us = span_us * (1 - np.arange(start, start + count) / total) + rng.random(count) * 60e6
    when = np.datetime64(now.replace(tzinfo=None), "us") - ago_us.astype("timedelta64[us]")
    stamps = [t + "Z" for t in np.datetime_as_string(when, unit="us").tolist()]
    ops, providers, models = zip(*(work.choices[i] for i in pick.tolist()), strict=True)
    owners = [jobs[j] for j in job.tolist()]
    status = np.where(rng.random(count) > 0.01, "ok", "error").tolist()
    cache_hit = (rng.random(count) < 0.05).astype(int).tolist()
    return [
        (user_id, video_id, job_id, provider, model, op, "v1", i, o, 0, 0, a, ch, compute, c, None,
         work.price_date[p], latency, st, None, 0, hit, stamp)
        for (user_id, video_id, job_id), provider, model, op, i, o, a, ch, compute, c, p, latency, st, hit, stamp
        in zip(owners, providers, models, ops, tin.tolist(), tout.tolist(), audio.tolist(), chars.tolist(),
               rng.uniform(0.01, 5.0, count).tolist(), costs, pick.tolist(),
               rng.lognormal(6.5, 0.8, count).tolist(), status, cache_hit, stamps, strict=True)
    ]


def fill(db, rows: int, seed: int = 7, limit_s: float = float("inf")) -> tuple[list, dict[str, float]]:
    """Users, videos, jobs, then `rows` calls in batches (fewer if loading takes over `limit_s`:
    `timings["rows"]` says how many went in)."""
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
    rng, work = np.random.default_rng(seed), Workload()
    timings = {"generate": 0.0, "insert": 0.0, "rows": 0}
    for start in range(0, rows, BATCH):
        if timings["generate"] + timings["insert"] > limit_s:
            break
        t0 = time.perf_counter()
        batch = synthetic_batch(rng, work, jobs, start, min(BATCH, rows - start), rows, now)
        t1 = time.perf_counter()
        repo.record_llm_calls_bulk(db, batch)
        timings["generate"] += t1 - t0
        timings["insert"] += time.perf_counter() - t1
        timings["rows"] += len(batch)
    return users, timings


def _timed_costs_page(page_path: str, user: dict) -> None:
    """AppTest script: run the Costs page as `user` and keep its own (script thread) run time."""
    import runpy
    import time

    import streamlit as st

    st.session_state["auth_user"] = user
    started = time.perf_counter()
    runpy.run_path(page_path)
    st.session_state["bench_seconds"] = time.perf_counter() - started


def sign_in(db, user) -> None:
    """As a browser that signed in earlier: a live session cookie on every page load (the one
    boundary AppTest can't seed, replaced as tests/support/browser.py does)."""
    from types import SimpleNamespace

    import streamlit.runtime.context

    from framepilot.auth import sessions
    from framepilot.auth.sessions import COOKIE_NAME, SessionPolicy
    from framepilot.settings import get_settings

    session = sessions.start_session(db, user, SessionPolicy.from_settings(get_settings()))
    cookies = {COOKIE_NAME: session.cookie.get_secret_value()}
    streamlit.runtime.context._get_client_context = lambda: SimpleNamespace(cookies=cookies, headers={}, remote_ip=None)


def page_server_time(db, user, runs: int = 4) -> list[tuple[float, float]]:
    """(page script seconds, AppTest wall seconds) per run; the first is this process's first.
    The wall time adds AppTest's own overhead (about 0.2 s a run here) to the script's."""
    from streamlit.testing.v1 import AppTest

    sign_in(db, user)
    times, cpus = [], []
    for _ in range(runs):
        page = str(ROOT / "pages" / "costs.py")
        at = AppTest.from_function(_timed_costs_page, args=(page, user.model_dump()), default_timeout=300)
        started, cpu = time.perf_counter(), time.process_time()
        at.run()
        wall = time.perf_counter() - started
        cpus.append(time.process_time() - cpu)
        assert not at.exception, at.exception
        assert at.metric, "the page showed no totals"
        times.append((at.session_state["bench_seconds"], wall))
    page_server_time.cpu_seconds = cpus  # the process's CPU time per run (AppTest's own included)
    return times


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def cold_page(user_id: int) -> None:
    """In a brand-new process (`--cold-page USER_ID`): import, open the store, show the page
    once; print import seconds, page script seconds, AppTest wall seconds and RSS growth MB."""
    started = time.perf_counter()
    before = _rss_mb()
    import streamlit.testing.v1  # noqa: F401 - what the web process has loaded before a page runs

    from framepilot.settings import get_settings
    from framepilot.store import open_database
    from framepilot.store import repository as repo
    from framepilot.usage import analytics  # noqa: F401

    db = open_database(get_settings())
    user = repo.get_user(db, user_id)
    imported = time.perf_counter()
    ((script, wall),) = page_server_time(db, user, runs=1)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{imported - started:.3f} {script:.3f} {wall:.3f} {_rss_mb() - before:.1f} {usage.ru_utime + usage.ru_stime:.3f}")


def cold_process(user) -> tuple[float, float, float, float, float]:
    """(import s, page script s, AppTest wall s, RSS growth MB, the process's CPU s) of a
    brand-new process's first page."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--cold-page", str(user.id)],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, check=True,
    ).stdout.split()
    return float(out[-5]), float(out[-4]), float(out[-3]), float(out[-2]), float(out[-1])


@contextmanager
def store_url():
    """The database URL to bench on: a throw-away PostgreSQL cluster, one given, or SQLite."""
    if os.environ.get("BENCH_ANALYTICS_DATABASE_URL"):
        yield os.environ["BENCH_ANALYTICS_DATABASE_URL"]
    elif os.environ.get("BENCH_ANALYTICS_BACKEND", "sqlite") == "postgresql":
        from testkit.servers import PostgresServer, _pg_bindir

        server = PostgresServer(_pg_bindir()).start()
        try:
            yield server.create_database()
        finally:
            server.stop()
    else:
        yield None


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="fp-bench-analytics-") as folder, store_url() as url:
        os.environ["FRAMEPILOT_DATA_DIR"] = folder
        if url:
            os.environ["FRAMEPILOT_DATABASE_URL"] = url
        from framepilot.settings import get_settings

        get_settings.cache_clear()
        from framepilot.store import SYSTEM, open_database
        from framepilot.usage import analytics

        settings = get_settings()
        db = open_database(settings)
        started = time.perf_counter()
        users, fill_times = fill(db, ROWS, limit_s=FILL_LIMIT_S)
        total_fill = time.perf_counter() - started
        rows = fill_times["rows"]
        admin, user = users[0], users[1]
        tables = ("llm_usage_daily", "llm_usage_videos", "llm_usage_video_days", "llm_latency_daily")
        with db.read(SYSTEM) as conn:
            sizes = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        print(f"# {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {db.dialect}, {rows:,} rows; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        if rows < ROWS:
            print(f"(loading stopped after {FILL_LIMIT_S:.0f} s: {rows:,} of the {ROWS:,} rows asked for)")
        print(f"rows: {rows:,} llm_calls on {db.dialect}, 5 users, 600 jobs, 90 days; rollup rows: "
              + ", ".join(f"{t} {n:,}" for t, n in sizes.items()))
        print(f"fill: {total_fill:6.1f} s total; record_llm_calls_bulk (calls + rollups) {fill_times['insert']:.1f} s "
              f"({rows / fill_times['insert']:,.0f} rows/s), generating rows {fill_times['generate']:.1f} s")
        if db.dialect == "postgresql":
            with db.connect(SYSTEM) as conn:  # what autovacuum would do soon after a bulk load
                conn.execute("ANALYZE")

        today = datetime.now(timezone.utc).date()
        last_30 = analytics.Filters(start=today - timedelta(days=29), end=today)
        everything = analytics.Filters()

        def page_queries(who, filters):
            return lambda: (analytics.filter_options(db, who), analytics.cost_report(db, settings, who, filters))

        print("\nanalytics queries (filter_options + cost_report = everything the page asks for), median of 5")
        for label, who, filters in [
            ("user, last 30 days", user, last_30), ("user, all 90 days", user, everything),
            ("admin, everyone, last 30 days", admin, last_30), ("admin, everyone, all 90 days", admin, everything),
        ]:
            warm, cpu, report = _timed_cpu(page_queries(who, filters), repeat=5)
            print(f"  warm, {label:31s}{_ms(warm)}  (CPU {_ms(cpu).strip()}; {report[1].totals.calls:,} calls)")
        for label, who in [("user", user), ("admin", admin)]:
            imports, script, wall, growth, cpu = cold_process(who)
            print(f"  new process, {label:5s}: imports {imports * 1000:.0f} ms, then the first page {script * 1000:.0f} ms "
                  f"(AppTest wall {wall * 1000:.0f} ms); process CPU in all {cpu * 1000:.0f} ms; RSS growth {growth:.1f} MB")
        last_3 = analytics.Filters(start=today - timedelta(days=2), end=today)  # admin: a third of the rows' days
        for label, who, filters in [("user, last 30 days", user, last_30), ("admin, everyone, last 3 days", admin, last_3)]:
            csv_time, cpu, size = _timed_cpu(lambda: sum(len(chunk) for chunk in analytics.iter_csv(db, who, filters)))  # noqa: B023
            print(f"  CSV export (streamed), {label}: {_ms(csv_time)} (CPU {_ms(cpu).strip()}; {size / 1e6:.1f} MB, "
                  f"{size / 1e6 / csv_time:.1f} MB/s)")

        print("\nCosts page server time at the page's defaults (page script / AppTest wall (process CPU))")
        rss_before = _rss_mb()
        for label, who in [("user", user), ("admin", admin)]:
            runs = page_server_time(db, who)
            shown = [f"{page * 1000:.0f} / {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f})"
                     for (page, wall), cpu in zip(runs, page_server_time.cpu_seconds, strict=True)]
            print(f"  {label:5s}: first " + ", then ".join(shown))
        print(f"  RSS growth of this process over those 8 page runs: {_rss_mb() - rss_before:.1f} MB")
        print(f"  load average at the end: {os.getloadavg()[0]:.1f}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak RSS of this process (the generator included): {rss:.0f} MB")
        db.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cold-page"]:
        cold_page(int(sys.argv[2]))
    else:
        main()
