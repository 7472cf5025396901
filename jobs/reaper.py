"""The reaper: jobs marked `running` whose heartbeat stopped belong to a worker that died
(SIGKILL, power loss, OOM). Huey forgets such a task, so the jobs table is where we find
them: each goes back to the queue until it has used its attempts, then it fails with a
message that says why. Runs at worker start-up and periodically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from framepilot.core.logs import get_logger
from framepilot.models import Job, JobType, VideoStatus
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo


@dataclass
class Reaped:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def give_up_message(attempts: int) -> str:
    times = "once" if attempts == 1 else f"{attempts} times"
    return f"The worker stopped {times} while running this job; giving up."


def reap_interval(settings: Settings) -> float:
    """How often the worker looks for stale jobs: well within the stale window."""
    return max(0.5, min(30.0, settings.job_stale_after_s / 2))


def reap_stale_jobs(db: Database, settings: Settings, enqueue: Callable[[str], None],
                    now: datetime | None = None) -> Reaped:
    """Re-queue (DB and queue) or fail every running job whose heartbeat is too old."""
    log = get_logger(component="reaper")
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(seconds=settings.job_stale_after_s)
    reaped = Reaped()
    for job in repo.stale_running_jobs(db, cutoff):
        if job.attempts >= settings.job_max_attempts:
            if repo.reap_job_if_stale(db, job.id, cutoff, give_up_error=give_up_message(job.attempts)):
                reaped.failed.append(job.id)
                log.warning("job.given_up", job_id=job.id, attempts=job.attempts)
                mark_video_failed(db, job, give_up_message(job.attempts))
        elif repo.reap_job_if_stale(db, job.id, cutoff):
            enqueue(job.id)
            reaped.requeued.append(job.id)
            log.warning("job.requeued", job_id=job.id, attempts=job.attempts, stage=job.stage)
    return reaped


def mark_video_failed(db: Database, job: Job, message: str) -> None:
    """An analysis that will never finish must not leave its video "processing" forever."""
    if job.type != JobType.VIDEO_ANALYSIS or job.video_id is None:
        return
    try:
        repo.set_video_status(db, repo.get_user(db, job.user_id), job.video_id, VideoStatus.FAILED, message)
    except repo.NotFound:
        pass  # the video (or its owner) was deleted meanwhile
