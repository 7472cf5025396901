"""The Huey instance: a SQLite queue file in the data folder, or Redis when
FRAMEPILOT_REDIS_URL is set. It only carries job ids; the jobs table is the truth.

Results are off (pages read the jobs table, never Huey), immediate mode is off, and
`store_intermediate_errors=False` so a failed attempt never surfaces as a result. Messages
are JSON (`jobs.messages`), never pickle, on both backends.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper

from framepilot.settings import Settings
from jobs.messages import JobMessageSerializer


@dataclass(frozen=True)
class JobQueue:
    """A Huey instance plus the one task registered on it."""

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


_queues: dict[tuple[str, str], JobQueue] = {}
_lock = threading.Lock()


def get_queue(settings: Settings) -> JobQueue:
    """The process's queue for these settings (one Huey instance per backend and data folder)."""
    from jobs.tasks import register_tasks

    key = (settings.redis_url or "", str(settings.queue_path.resolve()))
    with _lock:
        if key not in _queues:
            huey = make_huey(settings)
            _queues[key] = JobQueue(huey=huey, run_job=register_tasks(huey, settings))
        return _queues[key]
