"""The user's video library: removing a video with everything stored for it."""

from __future__ import annotations

import shutil
from pathlib import Path

from framepilot.logs import get_logger
from framepilot.models import Job, JobStatus, User, Video
from framepilot.service import work_dir
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo


def delete_video(db: Database, settings: Settings, user: User, video_id: str) -> Video:
    """Delete one of the user's videos: its rows (analysis, jobs, notes, voiceovers) and its
    files (the upload and every derived file). Another user's id is `NotFound`.

    Jobs still running for it are asked to stop first; their rows go with the video, which a
    worker treats as a lost job (it stops at its next progress report). Usage records stay,
    so past costs still add up.
    """
    video = repo.get_video(db, user, video_id)
    for job in repo.list_jobs(db, user, statuses=[JobStatus.QUEUED, JobStatus.RUNNING], video_id=video_id):
        repo.request_cancel(db, user, job.id)
    repo.delete_video(db, user, video_id)
    Path(video.stored_path).unlink(missing_ok=True)
    shutil.rmtree(work_dir(settings, user.id, video_id), ignore_errors=True)
    get_logger(user_id=user.id, video_id=video_id).info("video.deleted")
    return video


def remove_files_of_deleted_job(db: Database, settings: Settings, job: Job) -> bool:
    """After a job ends: if its video was deleted while it ran, remove the files the job
    went on writing after `delete_video` cleaned up. True when there was something to do."""
    if job.video_id is None:
        return False
    try:
        repo.job_for_worker(db, job.id)
    except repo.NotFound:  # deleted with its video
        shutil.rmtree(work_dir(settings, job.user_id, job.video_id), ignore_errors=True)
        return True
    return False
