"""The queue on Huey: a SQLite queue file in the data folder, or Redis when
FRAMEPILOT_REDIS_URL is set. It only carries job ids; the jobs table is the truth.

The core only enqueues. The one task, `run_job`, calls whatever runner the worker process
installed with `set_job_runner` (`jobs.tasks`), so the core never imports `jobs/`.

Results are off (pages read the jobs table, never Huey), immediate mode is off, and
`store_intermediate_errors=False` so a failed attempt never surfaces as a result. Messages
are JSON (`framepilot.queue.messages`), never pickle, on both backends.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper

from framepilot.queue.base import JobRunner
from framepilot.queue.messages import JobMessageSerializer
from framepilot.settings import Settings


@dataclass(frozen=True)
class HueyJobQueue:
    """A Huey instance plus the one task registered on it (the `JobQueue` of `base`)."""

    huey: Huey
    run_job: TaskWrapper

    def enqueue(self, job_id: str) -> None:
        """Put a job id on the queue. Duplicates are harmless: `claim_job` runs a job once."""
        self.run_job(job_id)

    def pending(self) -> int:
        return self.huey.pending_count()

    def forget_pending(self) -> None:
        """Drop every queued message (the worker re-enqueues from the jobs table after this)."""
        self.huey.storage.flush_queue()


def queue_name(settings: Settings) -> str:
    """One queue per store, so two installs sharing a Redis never take each other's ids, and
    nodes sharing one PostgreSQL share one queue."""
    digest = hashlib.sha1(settings.store_key.encode()).hexdigest()[:10]
    return f"framepilot-{digest}"


def make_huey(settings: Settings) -> Huey:
    common = dict(results=False, store_none=False, immediate=False, store_intermediate_errors=False, utc=True,
                  serializer=JobMessageSerializer())
    if settings.redis_url:
        return RedisHuey(queue_name(settings), url=settings.redis_url, **common)
    settings.ensure_dirs()
    return SqliteHuey(queue_name(settings), filename=str(settings.queue_path), timeout=15, **common)


_queues: dict[tuple[str, str], HueyJobQueue] = {}
_lock = threading.Lock()
_runner: list[JobRunner] = []


def set_job_runner(runner: JobRunner) -> None:
    """Install the function that runs a job by id in this process (the worker does, at start)."""
    _runner[:] = [runner]


def _register_run_job(huey: Huey) -> TaskWrapper:
    def run_job(job_id: str) -> None:
        """Run one job from the jobs table (Huey task)."""
        if not _runner:
            raise RuntimeError("no job runner in this process: jobs run in `framepilot worker`")
        if _runner[0](job_id):
            task(job_id)  # interrupted by a shutdown: any worker sharing this queue may resume it

    task = huey.task(name="run_job")(run_job)
    return task


def get_queue(settings: Settings) -> HueyJobQueue:
    """The process's queue for these settings (one Huey instance per backend and data folder)."""
    key = (settings.redis_url or "", str(settings.queue_path.resolve()))
    with _lock:
        if key not in _queues:
            huey = make_huey(settings)
            _queues[key] = HueyJobQueue(huey=huey, run_job=_register_run_job(huey))
        return _queues[key]
