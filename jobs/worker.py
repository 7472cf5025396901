"""The worker process (`framepilot worker`): a Huey consumer running jobs in threads, plus
the housekeeping that makes it survive crashes.

- Start-up: the jobs table is the truth. Stale `running` jobs (their worker died) are
  re-queued or failed by the reaper, the Huey queue is emptied, and every `queued` job in
  the table is enqueued again (Huey forgets a task that was running when it was killed).
- While running: the reaper runs every few seconds; queued jobs whose message went
  missing (queue empty, table not) are enqueued again. Duplicate messages are harmless:
  `claim_job` lets a job run only once at a time.
- SIGINT/SIGTERM: stop taking work, ask running jobs to stop at their next safe point
  (they go back to `queued` and resume from their last stored stage on the next start),
  and exit within about ten seconds; a job that does not reach a safe point in time is
  re-queued from here.

Thread workers (not processes) mean a SIGKILL of the worker takes every job with it: no
child Python process outlives it. Stages run ffmpeg only as short child commands; one
killed mid-run either dies of SIGPIPE (it was writing to us) or finishes its file and
exits, and `make run` stops the worker's whole process group on Ctrl-C.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time

from framepilot.core.logs import get_logger
from framepilot.core.metrics import process_registry
from framepilot.core.private_files import lock_down
from framepilot.media_storage.workspace import remove_stale_workspaces
from framepilot.queue import JobQueue, get_queue, set_job_runner
from framepilot.services.operations import store_collector
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo
from jobs.progress import WORKER_STOPPING
from jobs.reaper import reap_interval, reap_stale_jobs
from jobs.tasks import ACTIVE_JOBS, database, job_runner, requeue_for_restart

SHUTDOWN_GRACE_S = 8.0
HEALTH_CHECK_EVERY_S = 10.0
POLL_MAX_DELAY_S = 0.5  # an idle worker looks at the SQLite queue at least this often


def recover_on_start(db: Database, settings: Settings, queue: JobQueue) -> int:
    """Rebuild the queue from the jobs table; returns how many jobs were enqueued."""
    remove_stale_workspaces(settings.work_dir)  # job folders of a process that was killed
    queue.forget_pending()
    reap_stale_jobs(db, settings, enqueue=lambda _job_id: None)
    queued = repo.queued_jobs(db)
    for job in queued:
        queue.enqueue(job.id)
    return len(queued)


def maintain(db: Database, settings: Settings, queue: JobQueue) -> None:
    """Periodic housekeeping: reap dead workers' jobs, re-enqueue jobs whose message was lost."""
    reap_stale_jobs(db, settings, enqueue=queue.enqueue)
    if queue.pending() == 0:
        for job in repo.queued_jobs(db):
            queue.enqueue(job.id)


def run_worker(settings: Settings) -> int:
    log = get_logger(component="worker")
    logging.getLogger("huey").setLevel(logging.WARNING)  # our own JSON events say what happens
    lock_down(settings.data_dir)  # files an older version left readable become owner-only
    db = database(settings)
    set_job_runner(job_runner(settings))
    queue = get_queue(settings)
    enqueued = recover_on_start(db, settings, queue)
    if settings.worker_metrics_port:  # Prometheus scrapes this worker here (stage durations, failures, queue)
        from prometheus_client import start_http_server

        start_http_server(settings.worker_metrics_port, addr=settings.host,
                          registry=process_registry(store_collector(db, settings)))
    consumer = queue.huey.create_consumer(
        workers=settings.workers, worker_type="thread", periodic=False,
        initial_delay=0.05, backoff=1.15, max_delay=POLL_MAX_DELAY_S, check_worker_health=False,
    )
    stop = threading.Event()
    received: list[int] = []
    consumer.start()  # installs Huey's signal handlers; ours replace them below

    def _stop(signum: int, _frame: object) -> None:
        received.append(signum)  # no logging here: the main thread may hold the log's lock
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop)
    log.info("worker.started", workers=settings.workers, backend="redis" if settings.redis_url else "sqlite",
             requeued_from_table=enqueued)

    interval = reap_interval(settings)
    next_reap = time.monotonic() + interval
    next_health = time.monotonic() + HEALTH_CHECK_EVERY_S
    while not stop.wait(0.2):
        now = time.monotonic()
        if now >= next_reap:
            try:
                maintain(db, settings, queue)
            except Exception as exc:  # a locked database now is not a reason to stop the worker
                log.warning("worker.maintenance_failed", error_type=type(exc).__name__)
            next_reap = now + interval
        if now >= next_health:
            consumer.check_worker_health()  # restarts a worker thread that died
            next_health = now + HEALTH_CHECK_EVERY_S

    log.info("worker.stopping", signal=signal.Signals(received[0]).name if received else None)
    _shutdown(db, settings, consumer, log)
    native = {thread for _, thread in consumer.worker_threads} | {
        t for t in threading.enumerate() if t.name == "whisper-decode"}  # a cancelled job's window
    if any(thread.is_alive() for thread in native):
        # A job still inside native code (CTranslate2, mediapipe) past the grace period has been
        # re-queued above; tearing the interpreter down under it can crash the process, so end
        # here, cleanly and at once.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0


def _shutdown(db: Database, settings: Settings, consumer, log) -> None:  # noqa: ANN001
    """Stop taking work, let running jobs reach a safe point, re-queue any that did not."""
    started = time.monotonic()
    WORKER_STOPPING.set()
    consumer.stop_flag.set()
    deadline = started + SHUTDOWN_GRACE_S
    for _, thread in consumer.worker_threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    leftover = sorted(ACTIVE_JOBS)
    for job_id in leftover:
        try:
            requeue_for_restart(db, settings, repo.job_for_worker(db, job_id))
        except repo.NotFound:
            pass
    if leftover:
        log.warning("worker.requeued_unfinished", jobs=len(leftover))
    log.info("worker.stopped", duration_ms=round((time.monotonic() - started) * 1000, 1))
