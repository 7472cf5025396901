"""The one Huey task: run a job from the jobs table by its id.

The message carries only the id; type and parameters come from the job row, so a job can
be re-enqueued any number of times and `claim_job` makes sure it runs once at a time.
The work itself is `framepilot.services.analysis`; this module only claims, reports and records
the outcome.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import assert_never

from framepilot.core import metrics
from framepilot.core.child_processes import watched
from framepilot.core.logs import get_logger
from framepilot.core.stage_progress import Cancelled, ProgressFn
from framepilot.media_storage.workspace import DISK_FULL_MESSAGE, out_of_space
from framepilot.models import (
    AnalysisParams,
    DirectorNotesParams,
    FinishParams,
    Job,
    JobStatus,
    JobType,
    RenderEditParams,
    VideoStatus,
    VoiceParams,
)
from framepilot.queue import JobRunner
from framepilot.services import analysis as service
from framepilot.services.library import remove_files_of_deleted_job
from framepilot.settings import Settings
from framepilot.store import Database, StoreUnavailable, open_database
from framepilot.store import repository as repo
from jobs.progress import (
    WORKER_STOPPING,
    JobLimits,
    JobLost,
    JobOverLimit,
    JobProgress,
    WorkerStopping,
    heartbeat_interval,
)
from jobs.reaper import mark_video_failed

CANCELLED_MESSAGE = "Cancelled by the user."
UNREADABLE_MESSAGE = "This job's stored settings could not be read, so it did not run. Start it again."

# Job ids this process is running right now: the worker re-queues them if it must exit
# before they reach a safe point.
ACTIVE_JOBS: set[str] = set()

_databases: dict[str, Database] = {}
_db_lock = threading.Lock()


def job_runner(settings: Settings) -> JobRunner:
    """The queue's `run_job` for this worker: run the job; True puts it back on the queue."""

    def run(job_id: str) -> bool:
        return execute_job(database(settings), settings, job_id) == JobStatus.QUEUED

    return run


def database(settings: Settings) -> Database:
    """One migrated Database per store file and process."""
    key = settings.store_key
    with _db_lock:
        if key not in _databases:
            _databases[key] = open_database(settings)
        return _databases[key]


def worker_name(settings: Settings) -> str:
    """Who runs a job, for the jobs table: node (FRAMEPILOT_NODE_NAME, else the host), pid, thread."""
    return f"{settings.node_name or socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


def run_service(db: Database, settings: Settings, job: Job, progress: ProgressFn) -> None:
    """Call the service function for the job's type with its stored parameters."""
    user = repo.get_user(db, job.user_id)
    match job.params:
        case AnalysisParams(modes=modes, voice=voice, provider=provider):
            service.analyse_video(db, settings, user, job.video_id, modes=modes, voice=voice,
                                  provider=provider, job_id=job.id, progress=progress)
        case DirectorNotesParams(modes=modes, provider=provider):
            service.direct_video(db, settings, user, job.video_id, modes=modes,
                                 provider=provider, job_id=job.id, progress=progress)
        case VoiceParams(mode=mode, provider=provider):
            service.voice_script(db, settings, user, job.video_id, mode=mode,
                                 provider=provider, job_id=job.id, progress=progress)
        case RenderEditParams(cut_list=cut_list):
            from framepilot.services import (
                edit as video_edit,  # the worker loads the edit's libraries only when it renders
            )

            video_edit.render_preview(db, settings, user, job.video_id, cut_list, progress=progress)
        case FinishParams(options=options, cut_list=cut_list, provider=provider):
            from framepilot.services import (
                finish,  # the worker loads ffmpeg/mediapipe only when it finishes
            )

            finish.finish_video(db, settings, user, job.video_id, options, cut_list, provider=provider,
                                job_id=job.id, progress=progress)
        case _:
            assert_never(job.params)


def execute_job(db: Database, settings: Settings, job_id: str) -> JobStatus | None:
    """Claim, run and record one job. Returns its new status, or None when it was not ours."""
    log = get_logger(component="worker", job_id=job_id)
    if WORKER_STOPPING.is_set():
        return None  # stays queued; the next worker start re-enqueues it
    try:
        job = repo.claim_job(db, job_id, worker_name(settings))
    except repo.UnreadableRow as exc:  # claimed, but it cannot run: fail it rather than leave it running
        repo.finish_job(db, job_id, JobStatus.FAILED, UNREADABLE_MESSAGE)
        log.warning("job.unreadable", problem=str(exc))
        return JobStatus.FAILED
    if job is None:
        log.info("job.skipped", reason="not queued (running elsewhere, cancelled or finished)")
        return None
    log = log.bind(job_type=job.type.value, attempt=job.attempts)
    log.info("job.started", video_id=job.video_id)
    started = time.perf_counter()
    progress = JobProgress(db, job.id, job.attempts, limits=job_limits(db, settings, job),
                           on_over_limit=lambda reason: mark_video_failed(db, job, reason))
    stages = metrics.StageTimer(job.type.value, progress.update)  # each stage's duration, for /metrics
    ACTIVE_JOBS.add(job.id)
    try:
        with progress.heartbeat(heartbeat_interval(settings.job_stale_after_s)), watched(progress.children):
            run_service(db, settings, job, stages)
    except JobOverLimit as exc:
        repo.finish_job(db, job.id, JobStatus.FAILED, str(exc))  # the watchdog did; unless the store was away
        return JobStatus.FAILED
    except StoreUnavailable:
        log.warning("job.store_unavailable", stage=progress.stage)
        return JobStatus.QUEUED if _requeue_once_the_store_is_back(db, settings, job) else None
    except JobLost:
        log.warning("job.lost", reason="re-queued by the reaper while running")
        return None
    except WorkerStopping:
        requeue_for_restart(db, settings, job)
        log.info("job.interrupted", stage=progress.stage)
        return JobStatus.QUEUED
    except Cancelled:
        repo.finish_job(db, job.id, JobStatus.CANCELLED, CANCELLED_MESSAGE)
        log.info("job.cancelled", duration_ms=_ms(started))
        return JobStatus.CANCELLED
    except Exception as exc:
        metrics.FAILURES.labels(job.type.value, type(exc).__name__).inc()
        if progress.over_limit is not None:  # its children were killed under it
            return JobStatus.FAILED
        full = out_of_space([settings.work_dir, settings.scratch_dir], exc)
        repo.finish_job(db, job.id, JobStatus.FAILED, DISK_FULL_MESSAGE if full else service.failure_message(exc))
        log.warning("job.failed", error_type=type(exc).__name__, duration_ms=_ms(started))
        log.debug("job.traceback", exc_info=exc)
        return JobStatus.FAILED
    finally:
        stages.finish()
        ACTIVE_JOBS.discard(job.id)
        try:
            remove_files_of_deleted_job(db, settings, job)
        except StoreUnavailable:
            pass  # the next run of this job (or the reaper) finds the same state
    repo.finish_job(db, job.id, JobStatus.COMPLETED)
    log.info("job.completed", duration_ms=_ms(started))
    return JobStatus.COMPLETED


def _requeue_once_the_store_is_back(db: Database, settings: Settings, job: Job) -> bool:
    """Put a job the store dropped back in the queue (it resumes from its stored stages) as soon
    as the store answers again, within the stale window. False when it did not come back in
    time: the row still says running, and the reaper re-queues it once the store is back."""
    deadline = time.monotonic() + settings.job_stale_after_s
    while True:
        try:
            requeue_for_restart(db, settings, job)
            return True
        except StoreUnavailable:
            if time.monotonic() > deadline or WORKER_STOPPING.is_set():
                return False
            time.sleep(0.5)


def job_limits(db: Database, settings: Settings, job: Job) -> JobLimits:
    """The job's wall-clock limit, scaled to its video's length (the whole video: renders,
    notes and voiceovers of it all take time in proportion), and the no-progress limit."""
    media_s = 0.0
    if job.video_id is not None:
        try:
            probe = repo.get_video(db, repo.get_user(db, job.user_id), job.video_id).probe
            media_s = probe.duration_s if probe is not None else 0.0
        except repo.NotFound:
            pass
    media_s = media_s or settings.max_duration_s  # not probed yet: allow the longest accepted
    return JobLimits(wall_s=settings.job_time_limit_base_s + settings.job_time_limit_per_media_s * media_s,
                     stall_s=settings.job_stall_s)


def requeue_for_restart(db: Database, settings: Settings, job: Job) -> None:
    """Put an interrupted job back in the queue; its stored stages are kept, so it resumes."""
    repo.requeue_job(db, job.id)
    if job.type == JobType.VIDEO_ANALYSIS and job.video_id:
        try:  # the service marked the video "cancelled"; it is only paused
            repo.set_video_status(db, repo.get_user(db, job.user_id), job.video_id, VideoStatus.PROCESSING)
        except repo.NotFound:
            pass


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
