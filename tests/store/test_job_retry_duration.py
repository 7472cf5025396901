"""A retried job's duration is its own run's, not the idle time since the failed attempt began
("took 55.8 s" for a 2 s retry), on both store backends."""

from __future__ import annotations

import time

from framepilot.models import AnalysisParams, JobStatus
from framepilot.services import accounts
from framepilot.store import repository as repo


def test_a_retried_job_starts_its_clock_again(any_db):
    alice = accounts.add_user(any_db, "alice@example.com", "correct horse battery")
    video = repo.create_video(any_db, alice, filename="talk.mp4", stored_path="uploads/x.mp4", sha256="a" * 64,
                              size_bytes=10)
    job = repo.create_job(any_db, alice, video.id, AnalysisParams())
    first = repo.claim_job(any_db, job.id, "worker-1")
    repo.finish_job(any_db, job.id, JobStatus.FAILED, "boom")
    time.sleep(0.3)

    assert repo.reset_job_for_retry(any_db, alice, job.id).started_at is None
    again = repo.claim_job(any_db, job.id, "worker-1")

    assert (again.started_at - first.started_at).total_seconds() >= 0.3
