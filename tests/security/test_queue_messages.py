"""Item 7: the queue carries JSON job ids, never pickle. A pickle planted in the queue (the
SQLite queue file, or a Redis anyone on the network can write to) is refused, not run,
and the worker goes on with real jobs. Redis runs skip when redis-server is absent."""

from __future__ import annotations

import json
import os
import pickle

import pytest

from framepilot.queue.huey_queue import get_queue
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import submit_director_notes
from framepilot.settings import get_settings
from framepilot.store import open_database
from framepilot.store import repository as repo
from tests.jobs.test_worker import WorkerProcess, finished, make_clip, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

NOT_ANALYSED = "This video has not been analysed yet; analyse it first."


class Planted:
    """Unpickling this creates a folder: the proof that a message ran code."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):  # noqa: ANN204
        return (os.mkdir, (self.marker,))


@pytest.fixture(params=["sqlite", "redis"])
def backend(request, monkeypatch):
    """Settings for one queue backend (the Redis one on a private redis-server)."""
    env = {}
    if request.param == "redis":
        env["FRAMEPILOT_REDIS_URL"] = request.getfixturevalue("redis_url")
        monkeypatch.setenv("FRAMEPILOT_REDIS_URL", env["FRAMEPILOT_REDIS_URL"])
    get_settings.cache_clear()
    return get_settings(), env


def test_a_queued_message_is_json_naming_only_the_job(backend, user_a, tmp_path):
    settings, _ = backend
    db = open_database(settings)
    video = ingest_path(db, settings, user_a, make_clip(tmp_path / "clip.mp4", seconds=1)).video
    repo.mark_stage_done(db, user_a, video.id, "cinematic", 0.1)  # the director re-runs on analysed videos only

    job = submit_director_notes(db, settings, user_a, video.id, modes=["scene_director"]).job

    (raw,) = get_queue(settings).huey.storage.enqueued_items()
    message = json.loads(raw)
    assert message["job_id"] == job.id
    assert set(message) <= {"v", "task_id", "task", "job_id", "retries", "retry_delay"}


def test_a_pickle_planted_in_the_queue_is_not_run_and_the_worker_carries_on(backend, user_a, tmp_path):
    settings, env = backend
    db = open_database(settings)
    video = ingest_path(db, settings, user_a, make_clip(tmp_path / "clip.mp4", seconds=1)).video
    repo.mark_stage_done(db, user_a, video.id, "cinematic", 0.1)  # the director re-runs on analysed videos only
    marker = tmp_path / "pwned"
    worker = WorkerProcess(settings.data_dir, tmp_path / "worker.log", **env).start()
    try:
        wait_for(lambda: any(e.get("event") == "worker.started" for e in worker.events()), 60,
                 "the worker to start")
        get_queue(settings).huey.storage.enqueue(pickle.dumps(Planted(str(marker))), 0)
        job = submit_director_notes(db, settings, user_a, video.id, modes=["scene_director"]).job

        done = wait_for(lambda: finished(db, user_a, job.id), 60, "the real job to be handled")

        assert not marker.exists(), "unpickling the planted message ran code in the worker"
        assert worker.proc.poll() is None, worker.log()
        assert (done.status.value, done.error) == ("failed", NOT_ANALYSED)  # it ran, after the plant
        assert get_queue(settings).pending() == 0
        assert "refused a queue message" in worker.log()
    finally:
        worker.stop()
