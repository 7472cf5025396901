"""Redis restarted while jobs wait in it (no persistence: the queue comes back empty). The jobs
table is the truth, so every job still runs, once (issue 19, faults survived)."""

from __future__ import annotations

import pytest

from framepilot.models import JobStatus
from framepilot.queue import get_queue
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import submit_analysis
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from testkit import media_factory as make
from tests.support.processes import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(150)]


def test_jobs_queued_in_redis_survive_a_redis_restart(own_redis, worker, db, user_a, tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_REDIS_URL", own_redis.url)
    get_settings.cache_clear()
    settings = get_settings()
    clips = [make.single_shot_clip(tmp_path / f"talk{i}.mp4", seconds=3.0, size="160x120", tone_hz=300 + 50 * i)
             for i in range(3)]
    jobs = [submit_analysis(db, settings, user_a, ingest_path(db, settings, user_a, clip).video.id, modes=[]).job
            for clip in clips]
    w = worker()  # one job at a time: while the first runs, the others wait in Redis

    wait_for(lambda: any(repo.get_job(db, user_a, j.id).status == JobStatus.RUNNING for j in jobs), 60,
             "the first job to start")
    assert get_queue(settings).pending() >= 1
    own_redis.restart()
    assert get_queue(settings).pending() == 0  # what was queued in Redis is gone

    def all_finished() -> list:
        found = [repo.get_job(db, user_a, j.id) for j in jobs]
        return found if all(j.status in (JobStatus.COMPLETED, JobStatus.FAILED) for j in found) else []

    final = wait_for(all_finished, 120, "every job to finish")
    assert [j.status for j in final] == [JobStatus.COMPLETED] * 3, ([j.error for j in final], w.text()[-3000:])
    assert [j.attempts for j in final] == [1, 1, 1]  # none ran twice
    for job in final:  # charged once each
        calls = [c for c in repo.list_llm_calls(db, user_a)
                 if c.video_id == job.video_id and c.operation == "transcribe"]
        assert [c.status for c in calls] == ["ok"]
