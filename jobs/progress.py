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
from collections.abc import Iterator
from contextlib import contextmanager

from framepilot.core.logs import get_logger
from framepilot.core.stage_progress import Cancelled
from framepilot.models import JobStatus
from framepilot.store import Database
from framepilot.store import repository as repo

# Set by the worker on SIGINT/SIGTERM: running jobs stop at their next safe point.
WORKER_STOPPING = threading.Event()


class WorkerStopping(Cancelled):
    """The worker is shutting down; the job goes back to the queue and resumes later."""


class JobLost(Cancelled):
    """The job is no longer ours (the reaper re-queued it); stop without touching its row."""


def heartbeat_interval(stale_after_s: float) -> float:
    """Beat several times within the stale window, so one slow write never looks like a crash."""
    return max(0.2, min(5.0, stale_after_s / 4))


class JobProgress:
    """The progress callback handed to `framepilot.services.analysis` for one claimed job."""

    def __init__(self, db: Database, job_id: str, attempt: int, *,
                 min_write_interval_s: float = 0.25, stopping: threading.Event = WORKER_STOPPING) -> None:
        self.db, self.job_id, self.attempt = db, job_id, attempt
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
        if stage != self._last_stage or percent >= 100 or now - self._last_write >= self._min_interval:
            self._write(stage, percent)
        else:
            self._pending = (stage, percent)  # written by the next write or heartbeat
        self.raise_if_stopping()

    def raise_if_stopping(self) -> None:
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
