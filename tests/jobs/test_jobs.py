"""The job layer in one process: submission, idempotency, cancel, retry, progress, reaper.

Real SQLite store and a real SQLite Huey queue; the worker process itself is covered by
test_worker.py.
"""

from __future__ import annotations

import io
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from framepilot.core.stage_progress import Cancelled
from framepilot.models import (
    AnalysisParams,
    DirectorMode,
    JobStatus,
    JobType,
    VideoStatus,
    VoiceParams,
)
from framepilot.queue.huey_queue import get_queue
from framepilot.services.ingest import ingest_upload
from framepilot.services.jobs import (
    NotRetryable,
    cancel_job,
    retry_job,
    submit_analysis,
    submit_director_notes,
    submit_tts,
)
from framepilot.store import repository as repo
from jobs.progress import JobLost, JobProgress, WorkerStopping
from jobs.reaper import give_up_message, reap_stale_jobs
from jobs.tasks import execute_job
from tests.support.page_fixtures import analysed_video


@pytest.fixture
def video(db, settings, user_a):
    """A stored upload (its bytes are never decoded in these tests)."""
    return ingest_upload(db, settings, user_a, "talk.mp4", io.BytesIO(b"not decoded here")).video


@pytest.fixture
def queue(settings):
    return get_queue(settings)


def _run_to(db, job_id: str, status: JobStatus, error: str | None = None) -> None:
    """Play the worker's part: claim the job and record an outcome."""
    assert repo.claim_job(db, job_id, "test-worker") is not None
    repo.finish_job(db, job_id, status, error)


def _in_the_future(settings) -> datetime:
    """A clock at which every current heartbeat is stale."""
    return datetime.now(timezone.utc) + timedelta(seconds=settings.job_stale_after_s + 1)


# --- submission ------------------------------------------------------------------------


def test_submitting_an_analysis_queues_a_job_row_and_one_queue_message(db, settings, user_a, video, queue):
    submission = submit_analysis(db, settings, user_a, video.id, modes=["scene_director"], voice=True)

    assert not submission.reused
    job = repo.get_job(db, user_a, submission.job.id)
    assert (job.status, job.type, job.progress, job.attempts) == (JobStatus.QUEUED, JobType.VIDEO_ANALYSIS, 0, 0)
    assert job.params == AnalysisParams(modes=[DirectorMode.SCENE_DIRECTOR], provider="local", voice=True)
    assert queue.pending() == 1


def test_a_second_submit_while_the_first_is_in_flight_returns_the_same_job(db, settings, user_a, video, queue):
    first = submit_analysis(db, settings, user_a, video.id)
    repo.claim_job(db, first.job.id, "test-worker")  # now running

    again = submit_analysis(db, settings, user_a, video.id, modes=["full_rewrite"])

    assert again.reused and again.job.id == first.job.id
    assert len(repo.list_jobs(db, user_a, video_id=video.id)) == 1
    assert queue.pending() == 1


def test_a_completed_analysis_covering_the_request_is_reused_instead_of_paid_again(db, settings, user_a, video):
    done = submit_analysis(db, settings, user_a, video.id, modes=list(DirectorMode)).job
    _run_to(db, done.id, JobStatus.COMPLETED)
    repo.set_video_status(db, user_a, video.id, VideoStatus.READY)

    same = submit_analysis(db, settings, user_a, video.id, modes=["script_rewrite", "scene_director"])
    with_voice = submit_analysis(db, settings, user_a, video.id, voice=True)

    assert same.reused and same.job.id == done.id and same.job.status == JobStatus.COMPLETED
    assert not with_voice.reused and with_voice.job.id != done.id  # voice was never produced


def test_a_failed_analysis_is_not_reused(db, settings, user_a, video):
    failed = submit_analysis(db, settings, user_a, video.id).job
    _run_to(db, failed.id, JobStatus.FAILED, "boom")

    fresh = submit_analysis(db, settings, user_a, video.id)

    assert not fresh.reused and fresh.job.id != failed.id


def test_director_notes_and_voice_jobs_are_deduplicated_only_while_in_flight(db, settings, user_a, tmp_path):
    video = analysed_video(db, settings, user_a, tmp_path)  # re-runs and voiceovers need its notes and script
    notes = submit_director_notes(db, settings, user_a, video.id, modes=["scene_director"])
    assert submit_director_notes(db, settings, user_a, video.id).job.id == notes.job.id
    _run_to(db, notes.job.id, JobStatus.COMPLETED)
    rerun = submit_director_notes(db, settings, user_a, video.id)
    assert not rerun.reused and rerun.job.id != notes.job.id

    tts = submit_tts(db, settings, user_a, video.id, mode="full_rewrite")
    assert tts.job.params == VoiceParams(mode=DirectorMode.FULL_REWRITE, provider="local")
    assert submit_tts(db, settings, user_a, video.id).reused


def test_nobody_can_submit_work_on_another_users_video(db, settings, user_b, video):
    with pytest.raises(repo.NotFound):
        submit_analysis(db, settings, user_b, video.id)


# --- cancel and retry ------------------------------------------------------------------


def test_cancelling_a_queued_job_cancels_it_at_once_and_the_worker_then_skips_it(db, settings, user_a, video):
    job = submit_analysis(db, settings, user_a, video.id).job

    cancelled = cancel_job(db, user_a, job.id)
    outcome = execute_job(db, settings, job.id)

    assert cancelled.status == JobStatus.CANCELLED and cancelled.finished_at is not None
    assert outcome is None
    assert repo.get_job(db, user_a, job.id).attempts == 0


def test_cancelling_a_running_job_only_asks_it_to_stop(db, settings, user_a, video):
    job = submit_analysis(db, settings, user_a, video.id).job
    repo.claim_job(db, job.id, "test-worker")

    asked = cancel_job(db, user_a, job.id)

    assert asked.status == JobStatus.RUNNING and asked.cancel_requested


def test_retry_puts_a_failed_job_back_on_the_queue_with_fresh_attempts(db, settings, user_a, video, queue):
    job = submit_analysis(db, settings, user_a, video.id).job
    _run_to(db, job.id, JobStatus.FAILED, "The file is not a video.")
    before = queue.pending()

    retried = retry_job(db, settings, user_a, job.id)

    assert (retried.status, retried.attempts, retried.error) == (JobStatus.QUEUED, 0, None)
    assert queue.pending() == before + 1


def test_only_failed_or_cancelled_jobs_can_be_retried(db, settings, user_a, user_b, video):
    job = submit_analysis(db, settings, user_a, video.id).job
    _run_to(db, job.id, JobStatus.COMPLETED)

    with pytest.raises(NotRetryable, match="Only failed or cancelled"):
        retry_job(db, settings, user_a, job.id)
    with pytest.raises(repo.NotFound):
        retry_job(db, settings, user_b, job.id)


# --- progress --------------------------------------------------------------------------


@pytest.fixture
def running_job(db, settings, user_a, video):
    job = submit_analysis(db, settings, user_a, video.id).job
    return repo.claim_job(db, job.id, "test-worker")


def test_progress_updates_reach_the_jobs_table(db, user_a, running_job):
    progress = JobProgress(db, running_job.id, running_job.attempts, stopping=threading.Event())

    progress.update("shots", 12)
    progress.update("transcribe", 40)

    job = repo.get_job(db, user_a, running_job.id)
    assert (job.stage, job.progress) == ("transcribe", 40)
    assert job.heartbeat_at is not None


def test_progress_raises_cancelled_once_the_user_cancels(db, user_a, running_job):
    progress = JobProgress(db, running_job.id, running_job.attempts, stopping=threading.Event())
    progress.update("shots", 10)

    cancel_job(db, user_a, running_job.id)

    with pytest.raises(Cancelled):
        progress.update("transcribe", 30)


def test_the_heartbeat_notices_a_cancel_while_a_stage_is_silent(db, user_a, running_job):
    progress = JobProgress(db, running_job.id, running_job.attempts, stopping=threading.Event())
    first_beat = repo.get_job(db, user_a, running_job.id).heartbeat_at

    with progress.heartbeat(interval_s=0.05):
        cancel_job(db, user_a, running_job.id)
        time.sleep(0.4)  # a stage that reports nothing

    job = repo.get_job(db, user_a, running_job.id)
    assert job.heartbeat_at > first_beat
    with pytest.raises(Cancelled):
        progress.raise_if_stopping()


def test_rapid_updates_are_throttled_but_the_latest_one_is_written_by_the_heartbeat(db, user_a, running_job):
    progress = JobProgress(db, running_job.id, running_job.attempts, min_write_interval_s=10,
                           stopping=threading.Event())
    with progress.heartbeat(interval_s=0.05):
        for percent in range(30, 61):
            progress.update("transcribe", percent)
        time.sleep(0.3)

    job = repo.get_job(db, user_a, running_job.id)
    assert (job.stage, job.progress) == ("transcribe", 60)


def test_a_worker_shutdown_stops_the_job_at_its_next_update(db, running_job):
    stopping = threading.Event()
    progress = JobProgress(db, running_job.id, running_job.attempts, stopping=stopping)
    progress.update("shots", 5)

    stopping.set()

    with pytest.raises(WorkerStopping):
        progress.update("shots", 6)
    assert issubclass(WorkerStopping, Cancelled)  # the service stops at the same safe points


def test_a_job_reaped_and_claimed_again_elsewhere_is_lost_to_its_old_runner(db, settings, running_job):
    progress = JobProgress(db, running_job.id, running_job.attempts, stopping=threading.Event())
    reap_stale_jobs(db, settings, enqueue=lambda _id: None, now=_in_the_future(settings))
    repo.claim_job(db, running_job.id, "another-worker")

    progress.beat()

    with pytest.raises(JobLost):
        progress.update("transcribe", 50)


# --- reaper ----------------------------------------------------------------------------


def test_the_reaper_requeues_a_running_job_whose_heartbeat_stopped(db, settings, user_a, running_job):
    enqueued: list[str] = []

    reaped = reap_stale_jobs(db, settings, enqueue=enqueued.append, now=_in_the_future(settings))

    job = repo.get_job(db, user_a, running_job.id)
    assert reaped.requeued == [running_job.id] == enqueued
    assert job.status == JobStatus.QUEUED and job.attempts == 1


def test_the_reaper_leaves_a_job_with_a_fresh_heartbeat_alone(db, settings, user_a, running_job):
    reaped = reap_stale_jobs(db, settings, enqueue=lambda _id: None)

    assert reaped.requeued == [] and reaped.failed == []
    assert repo.get_job(db, user_a, running_job.id).status == JobStatus.RUNNING


def test_a_job_that_beats_after_being_listed_as_stale_is_not_taken(db, running_job):
    cutoff = datetime.now(timezone.utc) + timedelta(seconds=5)
    assert [j.id for j in repo.stale_running_jobs(db, cutoff)] == [running_job.id]
    time.sleep(0.01)
    repo.update_job_progress(db, running_job.id, "shots", 20)  # the worker was alive after all
    later_cutoff = datetime.now(timezone.utc) - timedelta(seconds=5)

    assert not repo.reap_job_if_stale(db, running_job.id, later_cutoff)


def test_the_reaper_gives_up_after_the_last_attempt_with_a_clear_message(db, settings, user_a, video, running_job):
    for _ in range(settings.job_max_attempts - 1):
        reap_stale_jobs(db, settings, enqueue=lambda _id: None, now=_in_the_future(settings))
        repo.claim_job(db, running_job.id, "test-worker")

    reaped = reap_stale_jobs(db, settings, enqueue=lambda _id: None, now=_in_the_future(settings))

    job = repo.get_job(db, user_a, running_job.id)
    assert reaped.failed == [running_job.id]
    assert job.status == JobStatus.FAILED and job.attempts == settings.job_max_attempts
    assert job.error == give_up_message(3) == "The worker stopped 3 times while running this job; giving up."
    assert repo.get_video(db, user_a, video.id).status == VideoStatus.FAILED


# --- command line ----------------------------------------------------------------------


def test_the_jobs_command_submits_shows_cancels_retries_and_lists(settings, tmp_path, capsys):
    from framepilot.cli import main

    clip = tmp_path / "pitch.mp4"
    clip.write_bytes(b"bytes the worker would decode")

    assert main(["jobs", "submit", str(clip), "--modes", "scene_director"]) == 0
    job_id = capsys.readouterr().out.strip()
    assert main(["jobs", "submit", str(clip)]) == 0  # same file again: the queued job answers
    again = capsys.readouterr()
    assert again.out.strip() == job_id and "Reusing job" in again.err

    assert main(["jobs", "show", job_id]) == 0
    assert "status:    queued" in capsys.readouterr().out
    assert main(["jobs", "cancel", job_id]) == 0
    assert "status:    cancelled" in capsys.readouterr().out
    assert main(["jobs", "retry", job_id]) == 0
    assert "status:    queued" in capsys.readouterr().out
    assert main(["jobs", "list"]) == 0
    assert capsys.readouterr().out.count(job_id) == 1
    assert main(["jobs", "show", "no-such-job"]) == 1
    assert get_queue(settings).pending() == 2  # the submit and the retry
