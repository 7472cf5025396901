"""The user's video library: removing a video with everything stored for it."""

from __future__ import annotations

from framepilot.auth import audit
from framepilot.core.logs import get_logger
from framepilot.media_storage import StorageError
from framepilot.models import AuditEvent, Job, JobStatus, User, Video
from framepilot.services import media
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo


def delete_video(db: Database, settings: Settings, user: User, video_id: str) -> Video:
    """Delete one of the user's videos: its rows (analysis, jobs, notes, voiceovers) and its
    stored files (the upload and every derived file, in a folder or in S3). Another user's id
    is `NotFound`.

    Jobs still running for it are asked to stop first; their rows go with the video, which a
    worker treats as a lost job (it stops at its next progress report). Rows go before files,
    so a storage failure leaves unreachable files (logged), never a video whose media is gone.
    Usage records stay, so past costs still add up.
    """
    video = repo.get_video(db, user, video_id)
    for job in repo.list_jobs(db, user, statuses=[JobStatus.QUEUED, JobStatus.RUNNING], video_id=video_id):
        repo.request_cancel(db, user, job.id)
    repo.delete_video(db, user, video_id)
    removed = media.remove_video_files(settings, video)
    get_logger(user_id=user.id, video_id=video_id).info("video.deleted", artifacts=removed)
    audit.record(db, AuditEvent.VIDEO_DELETED, actor=user, subject=user, target=video.id)
    return video


def remove_files_of_deleted_job(db: Database, settings: Settings, job: Job) -> bool:
    """After a job ends: if its video was deleted while it ran, remove the artifacts the job
    went on publishing after `delete_video` cleaned up. True when there was something to do."""
    if job.video_id is None:
        return False
    try:
        repo.job_for_worker(db, job.id)
    except repo.NotFound:  # deleted with its video
        try:
            media.remove_artifacts(settings, job.user_id, job.video_id)
        except StorageError as exc:
            get_logger(job_id=job.id).warning("job.files_not_deleted", error_type=type(exc).__name__)
        return True
    return False
