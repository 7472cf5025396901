"""The finish as a job: progress, the files it publishes (folder or S3), reuse, cancel and retry."""

from __future__ import annotations

import pytest

from framepilot.models import FinishOptions, JobStatus, JobType
from framepilot.services import finish
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import cancel_job, retry_job, submit_finish
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from jobs.tasks import execute_job
from tests.finish.conftest import SAMPLE, sample_shots, trimmed, words_transcript

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture
def analysed(db, user_a, tmp_path):
    """The first three seconds of the sample, stored as the pipeline would have left them."""
    from framepilot.models import Shot
    from framepilot.pipeline.probe import probe_video

    settings = get_settings()
    clip = trimmed(SAMPLE, tmp_path / "sample3.mp4", 3.0)
    video = ingest_path(db, settings, user_a, clip).video
    repo.save_probe(db, user_a, video.id, probe_video(clip))
    repo.save_transcript(db, user_a, video.id, words_transcript([("Bin", 0.59, 1.3), ("blue", 1.3, 1.81),
                                                                 ("now.", 1.81, 2.13)]))
    first = sample_shots()[:2]
    repo.save_shots(db, user_a, video.id, [*first[:1], Shot(**{**first[1].model_dump(), "end_s": 3.0,
                                                                "end_frame": 74})])
    return video


def test_finishing_is_a_job_with_progress_that_publishes_the_video_captions_and_report(backend, db, user_a,
                                                                                        analysed):
    settings = get_settings()
    options = FinishOptions(preset="square")
    submission = submit_finish(db, settings, user_a, analysed.id, options)
    assert not submission.reused and submission.job.type == JobType.FINISH
    assert submit_finish(db, settings, user_a, analysed.id, options).job.id == submission.job.id

    assert execute_job(db, settings, submission.job.id) == JobStatus.COMPLETED
    job = repo.get_job(db, user_a, submission.job.id)
    assert (job.progress, job.stage) == (100, "finish")
    made = finish.latest_finish(db, settings, user_a, analysed.id)
    assert made is not None and made.srt is not None and made.vtt is not None
    report = finish.read_report(settings, made)
    assert report.check("loudness").passed and report.duration_after_s < 3.0
    stored = backend.raw_leftovers()
    assert sum(name.endswith((".mp4", ".json", ".srt", ".vtt")) and "finish_" in name for name in stored) == 4
    assert not list(settings.work_dir.glob("job-*"))
    # Done and kept: asking again for the same finish answers with the same job.
    assert submit_finish(db, settings, user_a, analysed.id, options).reused


def test_a_cancelled_finish_can_be_retried_to_completion(db, user_a, analysed):
    settings = get_settings()
    job = submit_finish(db, settings, user_a, analysed.id, FinishOptions(captions=False)).job
    assert cancel_job(db, user_a, job.id).status == JobStatus.CANCELLED
    assert execute_job(db, settings, job.id) is None  # the worker skips it
    assert retry_job(db, settings, user_a, job.id).status == JobStatus.QUEUED
    assert execute_job(db, settings, job.id) == JobStatus.COMPLETED
    made = finish.latest_finish(db, settings, user_a, analysed.id)
    assert made is not None and made.srt is None  # captions were switched off
