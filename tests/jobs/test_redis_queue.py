"""The Redis backend: with FRAMEPILOT_REDIS_URL set, submissions go through a real
redis-server and a real worker process completes them. The server is the session's
`redis_url` fixture (testkit/servers.py): it skips when redis-server is absent, except in CI."""

from __future__ import annotations

import pytest

from framepilot.models import JobStatus
from framepilot.queue.huey_queue import get_queue
from framepilot.services import accounts
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import submit_analysis
from framepilot.settings import get_settings
from framepilot.store import open_database
from tests.jobs.test_worker import WorkerProcess, finished, make_clip, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def test_a_job_submitted_through_redis_is_completed_by_a_worker(redis_url, monkeypatch, tmp_path):
    monkeypatch.setenv("FRAMEPILOT_REDIS_URL", redis_url)
    get_settings.cache_clear()
    settings = get_settings()
    db = open_database(settings)
    user = accounts.add_user(db, "rita@example.com", "a long enough password")
    video = ingest_path(db, settings, user, make_clip(tmp_path / "clip.mp4", seconds=2)).video

    job = submit_analysis(db, settings, user, video.id, modes=[]).job

    assert get_queue(settings).pending() == 1  # the message sits in Redis...
    assert not settings.queue_path.exists()  # ...and no SQLite queue file was made
    worker = WorkerProcess(settings.data_dir, tmp_path / "worker.log", FRAMEPILOT_REDIS_URL=redis_url).start()
    try:
        done = wait_for(lambda: finished(db, user, job.id), 90, "the job to finish")
    finally:
        worker.stop()
    assert done.status == JobStatus.COMPLETED, done.error
    assert done.attempts == 1
    assert '"backend": "redis"' in worker.log()
    assert not settings.queue_path.exists()
