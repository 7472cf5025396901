"""The Redis backend: with FRAMEPILOT_REDIS_URL set, submissions go through a real
redis-server and a real worker process completes them. Skips when redis-server is absent
(.ci/run installs it)."""

from __future__ import annotations

import shutil
import socket
import subprocess

import pytest
import redis

from framepilot import accounts
from framepilot.models import JobStatus
from framepilot.settings import get_settings
from framepilot.store import open_database
from framepilot.uploads import ingest_path
from jobs.queue import get_queue
from jobs.submit import submit_analysis
from tests.test_worker import WorkerProcess, finished, make_clip, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    try:
        wait_for(lambda: _pings(client), 10, "redis-server to accept connections")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


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
