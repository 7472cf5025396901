"""The queue seam: what the core needs of a job queue. The queue carries job ids only; the
jobs table is the truth, so a lost or duplicated message costs a delay, never a job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

# The worker's side: run the job with this id; True asks for it to go back on the queue (an
# orderly shutdown interrupted it). `jobs/` installs it with `set_job_runner`.
JobRunner = Callable[[str], bool]


class JobQueue(Protocol):
    """Job ids on their way from services.jobs to the worker, on SQLite or Redis
    (huey_queue.py). It promises delivery at least once, not exactly once:
    the worker claims the job row, so a second delivery finds it taken and does nothing."""

    def enqueue(self, job_id: str) -> None:
        """Put a job id on the queue. Duplicates are harmless: a job is claimed once."""

    def pending(self) -> int:
        """How many messages wait."""

    def forget_pending(self) -> None:
        """Drop every queued message (the worker re-enqueues from the jobs table after this)."""
