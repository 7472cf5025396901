"""Scale-out figures (issue 11), with a throw-away PostgreSQL 15 cluster started as the tests
start it (fsync off: the store's round trips are measured, not this machine's disk).

- Jobs per minute with the SQLite store and with the PostgreSQL store on the same clips:
  one `framepilot worker` process with one thread, the same SQLite queue and local media
  folder, so the store is the only difference. A warm-up job loads the models first; then
  the clips are submitted at once and timed from submit to the last completion.
- The store's own share of a job, which the noise of a shared machine hides in the wall
  times: one job run in this process (`execute_job`: claim, heartbeats, every stage's
  writes, finish) with the time inside every store transaction added up.
- `framepilot migrate-store` (the row move, `move_rows`) of an install holding 1,000,000
  `llm_calls` rows (generated with `record_llm_calls_bulk`, as bench_analytics does):
  the first run, and a re-run that copies nothing and verifies everything again.

Set BENCH_SCALEOUT_CLIPS (default 6) and BENCH_SCALEOUT_ROWS (default 1000000).
Run: `python -m bench scaleout`.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.bench_analytics import fill
from bench.bench_jobs import Worker, _store, _wait_all, make_clips

CLIPS = int(os.environ.get("BENCH_SCALEOUT_CLIPS", "6"))
ROWS = int(os.environ.get("BENCH_SCALEOUT_ROWS", "1000000"))


def jobs_per_minute(clips: list[Path], warm_up: Path, **store: str) -> tuple[float, float]:
    """(jobs per minute, median seconds a job ran) on a fresh data folder and the given store."""
    from framepilot.services.ingest import ingest_path
    from framepilot.services.jobs import submit_analysis

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        settings, db, user = _store(data_dir, **{k.lower(): v for k, v in store.items()})
        worker = Worker(data_dir, 1, **{f"FRAMEPILOT_{k}": v for k, v in store.items()})
        try:
            def submit(clip: Path) -> str:
                video = ingest_path(db, settings, user, clip).video
                return submit_analysis(db, settings, user, video.id, modes=["scene_director"]).job.id

            _wait_all(db, user, [submit(warm_up)])
            started = time.perf_counter()
            done = _wait_all(db, user, [submit(c) for c in clips])
            wall = time.perf_counter() - started
        finally:
            worker.stop()
            db.close()
    failed = [j.error for j in done if j.status != "completed"]
    if failed:
        raise RuntimeError(f"{len(failed)} jobs did not complete: {failed[0]}")
    return 60 * len(done) / wall, statistics.median((j.finished_at - j.started_at).total_seconds() for j in done)


class StoreTimer:
    """Adds up the time spent inside a Database's transactions (`connect` and `read`)."""

    def __init__(self, db) -> None:  # noqa: ANN001 - Database
        self.seconds, self.transactions = 0.0, 0
        db.connect, db.read = self._timed(db.connect), self._timed(db.read)

    def _timed(self, open_transaction: Callable) -> Callable:
        @contextmanager
        def timed(acting: object) -> Iterator[object]:
            started = time.perf_counter()
            try:
                with open_transaction(acting) as conn:
                    yield conn
            finally:
                self.seconds += time.perf_counter() - started
                self.transactions += 1

        return timed


def store_share(clip: Path, **store: str) -> tuple[int, float, float]:
    """(transactions, seconds inside them, job wall seconds) of one job run in this process."""
    from framepilot.services.ingest import ingest_path
    from framepilot.services.jobs import submit_analysis
    from jobs.tasks import execute_job

    with tempfile.TemporaryDirectory() as tmp:
        settings, db, user = _store(Path(tmp) / "data", **{k.lower(): v for k, v in store.items()})
        try:
            video = ingest_path(db, settings, user, clip).video
            job = submit_analysis(db, settings, user, video.id, modes=["scene_director"]).job
            timer = StoreTimer(db)
            started = time.perf_counter()
            if execute_job(db, settings, job.id) != "completed":
                raise RuntimeError("the job did not complete")
            return timer.transactions, timer.seconds, time.perf_counter() - started
        finally:
            db.close()


def migration(dsn: str) -> list[str]:
    from framepilot.settings import load_settings
    from framepilot.store import open_database
    from framepilot.store.move import move_rows

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data")
        db = open_database(settings)
        _, timings = fill(db, ROWS, random.Random(11))
        db.close()
        size_mb = settings.db_path.stat().st_size / 1e6
        lines.append(f"source: SQLite with {ROWS:,} llm_calls rows ({size_mb:,.0f} MB; generated in "
                     f"{timings['generate'] + timings['insert']:.1f} s)")
        for run in ("first run", "re-run (copies nothing, verifies all)"):
            started = time.perf_counter()
            reports = move_rows(settings.db_path, dsn)
            took = time.perf_counter() - started
            calls = next(r for r in reports if r.table == "llm_calls")
            lines.append(f"migrate-store rows, {run}: {took:.1f} s = {ROWS / took:,.0f} rows/s; "
                         f"llm_calls copied now {calls.copied_now:,}, verified {calls.verified}")
    return lines


def main() -> None:
    from framepilot.core.logs import configure_logging
    from testkit.servers import PostgresServer, _pg_bindir

    configure_logging("WARNING")  # the in-process job's stage events would fill the results

    bindir = _pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    clips = make_clips()
    timed, warm_up = clips[:CLIPS], clips[-1]
    server = PostgresServer(bindir).start()
    try:
        print(f"clips: {len(timed)} speech clips of ~8.5 s (bench_jobs), local provider, mode scene_director, "
              "1 worker process x 1 thread, SQLite queue, local media folder")
        per_job = {}
        for name, store in (("SQLite", {}), ("PostgreSQL", {"DATABASE_URL": server.create_database()})):
            rate, run_s = jobs_per_minute(timed, warm_up, **store)
            per_job[name] = 60 / rate
            print(f"{name:10} store: {rate:.1f} jobs/min; a job ran {run_s:.2f} s median")
        print(f"wall per job, PostgreSQL - SQLite: {per_job['PostgreSQL'] - per_job['SQLite']:+.2f} s "
              "(this shared machine's noise is larger than the store's share; see below)")
        store_share(timed[0])  # loads the models into this process
        for name, store in (("SQLite", {}), ("PostgreSQL", {"DATABASE_URL": server.create_database()})):
            count, inside, wall = store_share(timed[0], **store)
            print(f"{name:10} store, one job in-process: {count} transactions, {inside * 1000:.0f} ms inside them "
                  f"({inside / count * 1000:.2f} ms each) = {100 * inside / wall:.1f} % of the job's {wall:.1f} s")
        for line in migration(server.create_database()):
            print(line)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
