"""What pages and the CLI call to start, cancel and retry work.

Submitting is idempotent: a job already queued or running for the same video and type is
returned instead of a second one, and an analysis that already completed with the same
(or more) director modes and the same provider is returned instead of paying again.
`Submission.reused` says which happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from framepilot.core.logs import get_logger
from framepilot.edit.render import edit_key
from framepilot.models import (
    AnalysisParams,
    DirectorMode,
    DirectorNotesParams,
    Job,
    JobParams,
    JobStatus,
    JobType,
    RenderEditParams,
    User,
    VideoStatus,
    VoiceParams,
)
from framepilot.queue.huey_queue import get_queue
from framepilot.services import edit as video_edit
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo

IN_FLIGHT = [JobStatus.QUEUED, JobStatus.RUNNING]


@dataclass(frozen=True)
class Submission:
    job: Job
    reused: bool  # True: an existing job answers the request and nothing new was queued


def submit_analysis(
    db: Database, settings: Settings, user: User, video_id: str, *,
    modes: Iterable[DirectorMode | str] = tuple(DirectorMode), provider: str | None = None,
    voice: bool = False, language: str | None = None,
) -> Submission:
    """Queue the whole pipeline for a video (or return the job that already answers it).
    `language` (a Whisper code, None to detect) is stored with the video first."""
    if language != repo.get_video(db, user, video_id).language:
        repo.set_video_language(db, user, video_id, language)
    params = AnalysisParams(modes=list(modes), provider=provider or settings.provider, voice=voice,
                            language=language)
    existing = _in_flight(db, user, video_id, JobType.VIDEO_ANALYSIS) or _completed_analysis(
        db, user, video_id, params
    )
    if existing is not None:
        return Submission(existing, reused=True)
    return Submission(_create(db, settings, user, video_id, params), reused=False)


def submit_director_notes(
    db: Database, settings: Settings, user: User, video_id: str, *,
    modes: Iterable[DirectorMode | str] = tuple(DirectorMode), provider: str | None = None,
) -> Submission:
    """Queue a fresh run of director modes on an analysed video (e.g. with another provider)."""
    existing = _in_flight(db, user, video_id, JobType.DIRECTOR_NOTES)
    if existing is not None:
        return Submission(existing, reused=True)
    params = DirectorNotesParams(modes=list(modes), provider=provider or settings.provider)
    return Submission(_create(db, settings, user, video_id, params), reused=False)


def submit_tts(
    db: Database, settings: Settings, user: User, video_id: str, *,
    mode: DirectorMode | str = DirectorMode.SCRIPT_REWRITE, provider: str | None = None,
) -> Submission:
    """Queue a voice-over (and preview render) of a mode's rewritten script."""
    existing = _in_flight(db, user, video_id, JobType.TTS)
    if existing is not None:
        return Submission(existing, reused=True)
    params = VoiceParams(mode=mode, provider=provider or settings.provider)
    return Submission(_create(db, settings, user, video_id, params), reused=False)


def submit_render(db: Database, settings: Settings, user: User, video_id: str) -> Submission:
    """Queue the tightened preview of the edit as the user has chosen it now (a job already
    rendering the same edit, or one that rendered it while its file is still kept, is returned
    instead). Raises NotReady before transcription."""
    cut_list = video_edit.load_cut_list(db, user, video_id)
    if cut_list is None:
        raise video_edit.NotReady("This video has not been transcribed yet, so there is no edit to render.")
    key = edit_key(cut_list)
    rendered = video_edit.rendered_preview(settings, db, user, video_id, cut_list) is not None
    for job in repo.list_jobs(db, user, statuses=[*IN_FLIGHT, JobStatus.COMPLETED], video_id=video_id):
        if isinstance(job.params, RenderEditParams) and job.params.edit_key == key and (
                job.status != JobStatus.COMPLETED or rendered):
            return Submission(job, reused=True)
    params = RenderEditParams(edit_key=key, cut_list=cut_list)
    return Submission(_create(db, settings, user, video_id, params), reused=False)


def cancel_job(db: Database, user: User, job_id: str) -> Job:
    """A queued job is cancelled now; a running one stops at its next safe point (seconds)."""
    return repo.request_cancel(db, user, job_id)


def retry_job(db: Database, settings: Settings, user: User, job_id: str) -> Job:
    """Queue a failed or cancelled job again; stored stages are kept, so it resumes.

    Raises ValueError for a job that is not failed or cancelled.
    """
    job = repo.reset_job_for_retry(db, user, job_id)
    _enqueue(settings, job.id)
    return job


# --- internals ----------------------------------------------------------------------------


def _in_flight(db: Database, user: User, video_id: str, job_type: JobType) -> Job | None:
    for job in repo.list_jobs(db, user, statuses=IN_FLIGHT, video_id=video_id):
        if job.type == job_type:
            return job
    return None


def _completed_analysis(db: Database, user: User, video_id: str, request: AnalysisParams) -> Job | None:
    """A completed analysis that covers this request, while its results are still stored."""
    if repo.get_video(db, user, video_id).status != VideoStatus.READY:
        return None
    for job in repo.list_jobs(db, user, statuses=[JobStatus.COMPLETED], video_id=video_id):
        if isinstance(job.params, AnalysisParams) and job.params.covers(request):
            return job
    return None


def _create(db: Database, settings: Settings, user: User, video_id: str, params: JobParams) -> Job:
    job = repo.create_job(db, user, video_id, params)
    _enqueue(settings, job.id)
    return job


def _enqueue(settings: Settings, job_id: str) -> None:
    """Hand the id to the queue. If the queue is unreachable the job stays `queued` in the
    table, and the worker picks it up when it next finds the queue empty or starts."""
    try:
        get_queue(settings).enqueue(job_id)
    except Exception as exc:
        get_logger(component="jobs").warning("job.enqueue_failed", job_id=job_id, error_type=type(exc).__name__)
