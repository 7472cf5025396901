"""A worker killed outright (SIGKILL, as the OOM killer does) during the shots pass: another
worker start picks the job up, it completes, and nothing is stored or charged twice (issue 19,
faults survived)."""

from __future__ import annotations

import signal

import pytest

from framepilot.models import JobStatus, VideoStatus
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import submit_analysis
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from testkit import media_factory as make
from tests.support.processes import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(150)]


def test_a_worker_killed_during_the_shots_pass_is_recovered_without_double_charging(worker, db, user_a, tmp_path):
    settings = get_settings()
    starts = make.hard_cut_clip(tmp_path / "talk.mp4", shot_seconds=(6.0, 6.0, 6.0, 6.0), size="640x360")
    video = ingest_path(db, settings, user_a, tmp_path / "talk.mp4").video
    job = submit_analysis(db, settings, user_a, video.id, modes=[]).job
    first = worker()

    wait_for(lambda: repo.get_job(db, user_a, job.id).stage == "shots", 60, "the shots pass to start", interval=0.02)
    first.kill(signal.SIGKILL)
    assert repo.get_job(db, user_a, job.id).status == JobStatus.RUNNING  # nobody told the table
    second = worker()

    final = wait_for(lambda: (j := repo.get_job(db, user_a, job.id)).status in (JobStatus.COMPLETED, JobStatus.FAILED)
                     and j, 120, "the job to finish on the second worker")
    assert final.status == JobStatus.COMPLETED, (final.error, second.text()[-3000:])
    assert final.attempts == 2
    assert repo.get_video(db, user_a, video.id).status == VideoStatus.READY
    assert [s.start_frame for s in repo.get_shots(db, user_a, video.id)] == starts  # stored once, no duplicates
    calls = [c for c in repo.list_llm_calls(db, user_a) if c.status == "ok"]
    by_operation = {}
    for c in calls:
        by_operation[c.operation] = by_operation.get(c.operation, 0) + 1
    assert by_operation.get("transcribe") == 1, by_operation
    assert by_operation.get("analyse_shots", 0) <= len(starts), by_operation
    assert list(settings.work_dir.glob("job-*")) == []  # the killed worker's files were cleared at the restart
