"""What pages and the CLI call to start, cancel and retry work.

Every face (pages, the API, the command line) calls these and gets the same refusals, as
`ActionRefused` errors whose message is for the person who asked.

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
from framepilot.errors import FramePilotError
from framepilot.models import (
    AnalysisParams,
    DirectorMode,
    DirectorNotesParams,
    FinishOptions,
    FinishParams,
    Job,
    JobParams,
    JobStatus,
    JobType,
    RenderEditParams,
    User,
    VideoStatus,
    VoiceParams,
)
from framepilot.providers.registry import available_providers
from framepilot.queue.huey_queue import get_queue
from framepilot.services import analysis, quotas
from framepilot.services import edit as video_edit
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo

IN_FLIGHT = [JobStatus.QUEUED, JobStatus.RUNNING]


class ActionRefused(FramePilotError, ValueError):
    """The action does not fit the video or job as it stands now; the message says why."""

    user_facing = True


class ProviderNotConfigured(ActionRefused):
    """The request names an AI provider this server has no settings for."""


class NotAnalysed(ActionRefused):
    """Director modes re-run only on a video whose analysis got past the cinematic reading."""


class NoScriptToVoice(ActionRefused):
    """A voiceover reads a mode's rewritten script, and that mode has none yet."""


class NothingKept(ActionRefused):
    """The edit cuts every frame, so a render would be empty."""


class JobFinished(ActionRefused):
    """A completed or failed job cannot be cancelled."""


class NotRetryable(ActionRefused):
    """Only failed or cancelled jobs go back on the queue."""


def check_provider(settings: Settings, provider: str | None) -> None:
    """Refuse a provider this server has no settings for (None: the configured default)."""
    if provider is not None and provider not in available_providers(settings):
        raise ProviderNotConfigured(f"The {provider} provider is not configured on this server.")


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
    check_provider(settings, provider)
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
    check_provider(settings, provider)
    if not analysis.is_analysed(db, user, video_id):
        raise NotAnalysed("This video has not been analysed yet; wait for its analysis to finish.")
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
    check_provider(settings, provider)
    mode = DirectorMode(mode)
    if analysis.script_to_voice(db, user, video_id, mode) is None:
        raise NoScriptToVoice(f"There is no {mode.value} script to voice yet; run that mode first.")
    existing = _in_flight(db, user, video_id, JobType.TTS)
    if existing is not None:
        return Submission(existing, reused=True)
    params = VoiceParams(mode=mode, provider=provider or settings.provider)
    return Submission(_create(db, settings, user, video_id, params), reused=False)


def submit_render(db: Database, settings: Settings, user: User, video_id: str) -> Submission:
    """Queue the tightened preview of the edit as the user has chosen it now (a job already
    rendering the same edit, or one that rendered it while its file is still kept, is returned
    instead). Raises NotReady before transcription, NothingKept when every frame is cut."""
    cut_list = video_edit.load_cut_list(db, user, video_id)
    if cut_list is None:
        raise video_edit.NotReady("This video has not been transcribed yet, so there is no edit to render.")
    if not cut_list.kept_ranges():
        raise NothingKept("Every frame is cut; switch a cut off to keep something.")
    key = edit_key(cut_list)
    rendered = video_edit.rendered_preview(settings, db, user, video_id, cut_list) is not None
    for job in repo.list_jobs(db, user, statuses=[*IN_FLIGHT, JobStatus.COMPLETED], video_id=video_id):
        if isinstance(job.params, RenderEditParams) and job.params.edit_key == key and (
                job.status != JobStatus.COMPLETED or rendered):
            return Submission(job, reused=True)
    params = RenderEditParams(edit_key=key, cut_list=cut_list)
    return Submission(_create(db, settings, user, video_id, params), reused=False)


def submit_finish(db: Database, settings: Settings, user: User, video_id: str, options: FinishOptions,
                  provider: str | None = None) -> Submission:
    """Queue the finish of the edit as the user has chosen it now, with these options (a job
    already making the same finish, or one that made it while its files are still kept, is
    returned instead). Raises NotReady before transcription."""
    from framepilot.services import finish

    cut_list = video_edit.load_cut_list(db, user, video_id)
    if cut_list is None:
        raise video_edit.NotReady("This video has not been transcribed yet, so there is nothing to finish.")
    key = finish.finish_key(options, cut_list if options.trim else None)
    video = repo.get_video(db, user, video_id)
    made = finish.stored_finish(settings, video, key) is not None
    for job in repo.list_jobs(db, user, statuses=[*IN_FLIGHT, JobStatus.COMPLETED], video_id=video_id):
        if isinstance(job.params, FinishParams) and job.params.finish_key == key and (
                job.status != JobStatus.COMPLETED or made):
            return Submission(job, reused=True)
    params = FinishParams(finish_key=key, options=options, cut_list=cut_list if options.trim else None,
                          provider=provider or settings.provider)
    return Submission(_create(db, settings, user, video_id, params), reused=False)


def cancel_job(db: Database, user: User, job_id: str) -> Job:
    """A queued job is cancelled now; a running one stops at its next safe point (seconds).
    Cancelling a cancelled job again is no error; a completed or failed one is `JobFinished`."""
    job = repo.request_cancel(db, user, job_id)
    if job.status in (JobStatus.COMPLETED, JobStatus.FAILED):
        raise JobFinished(f"This job has already {job.status.value}; there is nothing to cancel.")
    return job


def retry_job(db: Database, settings: Settings, user: User, job_id: str) -> Job:
    """Queue a failed or cancelled job again; stored stages are kept, so it resumes.

    Raises NotRetryable for a job that is not failed or cancelled, QuotaExceeded at the
    account's limit of queued jobs.
    """
    quotas.check_job_room(db, settings, user)
    try:
        job = repo.reset_job_for_retry(db, user, job_id)
    except ValueError:  # not failed or cancelled (an unknown id is NotFound, not a ValueError)
        raise NotRetryable("Only failed or cancelled jobs can be retried.") from None
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
    quotas.check_job_room(db, settings, user)
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
