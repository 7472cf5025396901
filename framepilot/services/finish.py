"""The finish of one stored video: its edit rendered for a platform, with its own review.

The job worker, the CLI and the API call these. A finish reads the video's analysis from the
store (probe, shots, transcript) and the user's cut list, plans and renders from a local copy
of the upload (`framepilot.finish`), re-analyses the output, and publishes four artifacts under
the video's prefix: the MP4, its SRT and VTT captions and the report (JSON). A finish is named
by its options and the edit it was made from, so asking again for the same finish reuses it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from pydantic import BaseModel

from framepilot.core.stage_progress import ProgressFn, ProgressTracker
from framepilot.edit.render import edit_key
from framepilot.errors import FramePilotError
from framepilot.media_storage import storage_for
from framepilot.media_storage.keys import artifact_key, artifacts_prefix
from framepilot.media_storage.workspace import Workspace
from framepilot.models import CutList, Stage, Transcript, User, Video
from framepilot.models.finish import FinishOptions
from framepilot.services import media
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo

# Shares of the job's progress: the look and loudness pass, the render, the review.
PLAN_SHARE, RENDER_SHARE = 0.25, 0.55


class FinishNotReady(FramePilotError, RuntimeError):
    """The video has not been analysed (and transcribed) yet, so there is nothing to finish."""

    user_facing = True


class FinishedVideo(BaseModel):
    """The stored files of one finish (storage keys) and its report."""

    key: str
    video: str
    report: str
    srt: str | None = None
    vtt: str | None = None


def finish_key(options: FinishOptions, cut_list: CutList | None) -> str:
    """Names a finish: the same options on the same edit give the same files."""
    edit = edit_key(cut_list) if cut_list is not None else "whole"
    return hashlib.sha1(f"{options.model_dump_json()}|{edit}".encode()).hexdigest()[:12]


def _names(key: str) -> dict[str, str]:
    return {"video": f"finish_{key}.mp4", "report": f"finish_{key}.json", "srt": f"finish_{key}.srt",
            "vtt": f"finish_{key}.vtt"}


def stored_finish(settings: Settings, video: Video, key: str) -> FinishedVideo | None:
    """The files of finish `key` of `video`, if it has been made (captions only when there are some)."""
    storage = storage_for(settings)
    keys = {k: artifact_key(video.user_id, video.id, name) for k, name in _names(key).items()}
    if not (storage.exists(keys["video"]) and storage.exists(keys["report"])):
        return None
    return FinishedVideo(key=key, video=keys["video"], report=keys["report"],
                         srt=keys["srt"] if storage.exists(keys["srt"]) else None,
                         vtt=keys["vtt"] if storage.exists(keys["vtt"]) else None)


def latest_finish(db: Database, settings: Settings, user: User, video_id: str) -> FinishedVideo | None:
    """The most recent completed finish of a video whose files are still stored."""
    from framepilot.models import FinishParams, JobStatus

    video = repo.get_video(db, user, video_id)
    for job in repo.list_jobs(db, user, statuses=[JobStatus.COMPLETED], video_id=video_id):
        if isinstance(job.params, FinishParams):
            found = stored_finish(settings, video, job.params.finish_key)
            if found is not None:
                return found
    return None


def read_report(settings: Settings, finished: FinishedVideo):
    from framepilot.finish.report import FinishReport

    storage = storage_for(settings)
    local = storage.local_path(finished.report)
    if local is not None:
        return FinishReport.model_validate_json(Path(local).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "report.json"
        storage.download_to(finished.report, target)
        return FinishReport.model_validate_json(target.read_text())


def output_transcriber(settings: Settings, provider: str | None, db: Database | None = None,
                       user: User | None = None, video_id: str | None = None, job_id: str | None = None):
    """The product's own transcriber, for re-analysing a finished file (usage recorded like any call)."""
    from framepilot.pipeline.audio import extract_audio
    from framepilot.pipeline.probe import probe_video
    from framepilot.providers.registry import get_providers
    from framepilot.usage.metering import CallContext

    providers = get_providers(provider or settings.provider, settings)

    def transcribe(path: Path) -> Transcript:
        probe = probe_video(Path(path))
        with tempfile.TemporaryDirectory() as tmp:
            wav = extract_audio(Path(path), Path(tmp) / "finished.wav", probe)
            ctx = CallContext(db=db, user_id=user.id if user else None, video_id=video_id, job_id=job_id)
            return providers.transcriber.transcribe(wav, ctx)

    return transcribe


def finish_video(db: Database, settings: Settings, user: User, video_id: str, options: FinishOptions,
                 cut_list: CutList | None, *, provider: str | None = None, job_id: str | None = None,
                 review: bool = True, progress: ProgressFn | None = None) -> FinishedVideo:
    """Plan, render and review the finish of a stored, analysed video; publish its files."""
    from framepilot.finish.run import plan_finish, render_finish, review_finish
    from framepilot.pipeline.probe import probe_video

    video = repo.get_video(db, user, video_id)
    transcript = repo.get_transcript(db, user, video_id)
    shots = repo.get_shots(db, user, video_id)
    if video.probe is None or transcript is None or not shots:
        raise FinishNotReady("This video has not been analysed yet, so there is nothing to finish.")
    tracker = ProgressTracker([Stage.FINISH], progress)
    tracker.start(Stage.FINISH)
    step = tracker.within(Stage.FINISH)
    key = finish_key(options, cut_list)
    names = _names(key)
    transcriber = (output_transcriber(settings, provider, db, user, video_id, job_id)
                   if review and video.probe.has_audio else None)
    with (Workspace(storage_for(settings), settings.work_dir, artifacts_prefix(video.user_id, video.id)) as files,
          media.local_copy(settings, video.stored_path) as source):
        probe = video.probe
        if probe.demuxer is None:  # a probe stored before demuxers were recorded
            probe = probe.model_copy(update={"demuxer": probe_video(source, settings.max_duration_s).demuxer})
        scratch = files.path("finish_work")
        try:
            plan, before = plan_finish(source, probe, cut_list, transcript, shots, options, scratch,
                                       progress=lambda f: step(PLAN_SHARE * f))
            rendered = render_finish(plan, source, files.path(names["video"]), scratch,
                                     progress=lambda f: step(PLAN_SHARE + RENDER_SHARE * f))
            report = review_finish(plan, Path(rendered.video), before, render_seconds=rendered.render_seconds,
                                   language=transcript.language, transcriber=transcriber,
                                   progress=lambda f: step(PLAN_SHARE + RENDER_SHARE + (1 - PLAN_SHARE - RENDER_SHARE) * f))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        files.path(names["report"]).write_text(report.model_dump_json(indent=1))
        for name in names.values():  # the SRT and VTT were written beside the MP4, under these names
            if files.path(name).exists():
                files.publish(name)
    tracker.finish(Stage.FINISH)
    found = stored_finish(settings, video, key)
    assert found is not None
    return found
