"""Progress reporting for one running job: `update(stage, percent)` writes to the jobs table.

The service calls it between stages and inside long stages; it is also where a running
job learns that it must stop: the user cancelled (`Cancelled`), the worker is shutting
down (`WorkerStopping`), or the reaper gave the job to someone else (`JobLost`).
A heartbeat thread keeps `heartbeat_at` fresh while a stage is silent, so the reaper only
takes jobs whose worker really stopped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from framepilot.core.child_processes import ChildGroup
from framepilot.core.logs import get_logger
from framepilot.core.stage_progress import Cancelled, OverLimit
from framepilot.models import JobStatus
from framepilot.store import Database
from framepilot.store import repository as repo

# Set by the worker on SIGINT/SIGTERM: running jobs stop at their next safe point.
WORKER_STOPPING = threading.Event()


class WorkerStopping(Cancelled):
    """The worker is shutting down; the job goes back to the queue and resumes later."""


class JobLost(Cancelled):
    """The job is no longer ours (the reaper re-queued it); stop without touching its row."""


class JobOverLimit(OverLimit):
    """The watchdog failed the job (over its time limit, or no progress for too long) and
    stopped its child processes; its row already says why."""


@dataclass(frozen=True)
class JobLimits:
    """How long one job may run in all, and without progress, before the watchdog fails it."""

    wall_s: float
    stall_s: float

    def exceeded(self, running_s: float, silent_s: float) -> str | None:
        """The user-facing reason the job must stop now, or None."""
        if running_s > self.wall_s:
            return (f"This job ran longer than its limit ({self.wall_s:.0f} s for this video) and was stopped. "
                    "Retry it, or try a shorter or smaller file.")
        if silent_s > self.stall_s:
            return (f"This job made no progress for {self.stall_s:.0f} s and was stopped. "
                    "Retry it; if it stops again, the file may be damaged.")
        return None


def heartbeat_interval(stale_after_s: float) -> float:
    """Beat several times within the stale window, so one slow write never looks like a crash."""
    return max(0.2, min(5.0, stale_after_s / 4))


class JobProgress:
    """The progress callback handed to `framepilot.services.analysis` for one claimed job."""

    def __init__(self, db: Database, job_id: str, attempt: int, *,
                 min_write_interval_s: float = 0.25, stopping: threading.Event = WORKER_STOPPING,
                 limits: JobLimits | None = None, on_over_limit: Callable[[str], None] | None = None) -> None:
        self.db, self.job_id, self.attempt = db, job_id, attempt
        self.limits = limits
        self.children = ChildGroup()
        self.over_limit: str | None = None
        self._on_over_limit = on_over_limit
        self._started = time.monotonic()
        self._last_progress_at = self._started
        self._last_seen: tuple[str, int] | None = None
        self._min_interval = min_write_interval_s
        self._stopping = stopping
        self._last_write = 0.0
        self._last_stage: str | None = None
        self._pending: tuple[str, int] | None = None
        self._cancel_requested = False
        self._lost = False
        self._write_lock = threading.Lock()

    @property
    def stage(self) -> str | None:
        """The last stage reported."""
        return self._last_stage

    # --- what the service calls --------------------------------------------------------

    def update(self, stage: str, percent: int) -> None:
        """Record progress; raise to stop the job at this safe point when asked to."""
        now = time.monotonic()
        if (stage, percent) != self._last_seen:
            self._last_seen, self._last_progress_at = (stage, percent), now
        if stage != self._last_stage or percent >= 100 or now - self._last_write >= self._min_interval:
            self._write(stage, percent)
        else:
            self._pending = (stage, percent)  # written by the next write or heartbeat
        self.raise_if_stopping()

    def raise_if_stopping(self) -> None:
        if self.over_limit is not None:
            raise JobOverLimit(self.over_limit)
        if self._lost:
            raise JobLost("This job was handed to another worker.")
        if self._cancel_requested:
            raise Cancelled("Cancelled by the user.")
        if self._stopping.is_set():
            raise WorkerStopping("The worker is shutting down; the job will resume.")

    # --- writes ----------------------------------------------------------------------------

    def _write(self, stage: str | None, percent: int) -> None:
        with self._write_lock:
            self._pending = None
            if stage is not None:
                self._last_stage = stage
            self._last_write = time.monotonic()
            if repo.update_job_progress(self.db, self.job_id, stage, percent):
                self._cancel_requested = True

    def check_limits(self) -> bool:
        """Fail the job when it is over its limits (its row, its children); True when it was."""
        if self.limits is None or self.over_limit is not None:
            return self.over_limit is not None
        now = time.monotonic()
        reason = self.limits.exceeded(now - self._started, now - self._last_progress_at)
        if reason is None:
            return False
        self.over_limit = reason
        killed = self.children.kill_all()
        repo.finish_job(self.db, self.job_id, JobStatus.FAILED, reason)
        get_logger(component="watchdog", job_id=self.job_id).warning(
            "job.over_limit", stage=self._last_stage, running_s=round(now - self._started, 1),
            silent_s=round(now - self._last_progress_at, 1), children_killed=killed)
        if self._on_over_limit is not None:
            self._on_over_limit(reason)
        return True

    def beat(self) -> None:
        """Refresh the heartbeat (flushing a throttled update) and check the job is still ours."""
        pending = self._pending
        self._write(*(pending or (None, 0)))
        try:
            job = repo.job_for_worker(self.db, self.job_id)
        except repo.NotFound:  # deleted with its video
            self._lost = True
            return
        if job.status != JobStatus.RUNNING or job.attempts != self.attempt:
            self._lost = True

    @contextmanager
    def heartbeat(self, interval_s: float) -> Iterator[JobProgress]:
        """Beat every `interval_s` in a background thread while the body runs."""
        done = threading.Event()
        log = get_logger(component="heartbeat", job_id=self.job_id)

        def loop() -> None:
            while not done.wait(interval_s):
                try:
                    if self.check_limits():
                        return  # failed: no more beats, so the row stays as the watchdog left it
                    self.beat()
                except Exception as exc:  # a busy database must not kill the job; the next beat retries
                    log.warning("heartbeat.failed", error_type=type(exc).__name__)

        thread = threading.Thread(target=loop, name=f"heartbeat-{self.job_id[:8]}", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            done.set()
            thread.join(timeout=5)
