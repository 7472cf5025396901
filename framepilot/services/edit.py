"""The edit of one stored video: its suggested cuts with the user's on/off choices.

Pages, the API and the job worker call these; they read the store through the repository
and leave every decision about what to cut to `cutlist`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from framepilot.core.stage_progress import ProgressFn, ProgressTracker
from framepilot.edit.cutlist import cut_list_of, with_choices
from framepilot.edit.render import RenderedEdit, edit_key, render_edit
from framepilot.edit.timeline import FORMATS, TimelineFormat, file_name, timeline_text
from framepilot.edit.user_cuts import stored_user_cut, with_user_cuts
from framepilot.errors import FramePilotError
from framepilot.media_storage import storage_for
from framepilot.media_storage.keys import artifact_key, artifacts_prefix
from framepilot.media_storage.workspace import Workspace
from framepilot.models import CutList, Stage, User, Video
from framepilot.services import media
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo


class NotReady(FramePilotError, RuntimeError):
    """The video has no transcript yet, so there is no edit to export or render."""

    user_facing = True


class ExportedTimeline(BaseModel):
    """One timeline file for download."""

    file_name: str
    mime_type: str
    label: str
    text: str


def load_cut_list(db: Database, user: User, video_id: str) -> CutList | None:
    """The video's edit: the suggested cuts and the creator's own (services.transcript_edit), with
    this user's on/off choices; None until it has been transcribed. The preview, the timeline
    exports, the API and the pages all read this one list."""
    probe = repo.get_video(db, user, video_id).probe
    transcript = repo.get_transcript(db, user, video_id)
    if probe is None or transcript is None:
        return None
    choices = repo.cut_choices(db, user, video_id)
    suggested = cut_list_of(probe, repo.get_shots(db, user, video_id), transcript, choices)
    words = transcript.words
    own = [stored_user_cut(suggested, cut_id, start, end, words)
           for cut_id, start, end in repo.user_cut_frames(db, user, video_id)]
    return with_choices(with_user_cuts(suggested, own), choices)


def choose_cuts(db: Database, user: User, video_id: str, choices: dict[str, bool]) -> CutList | None:
    """Switch cuts on or off by id; returns the updated cut list. Unknown ids raise KeyError."""
    current = load_cut_list(db, user, video_id)
    if current is None:
        return None
    unknown = set(choices) - {c.id for c in current.cuts}
    if unknown:
        raise KeyError(f"no such cut: {', '.join(sorted(unknown))}")
    repo.save_cut_choices(db, user, video_id, choices)
    return with_choices(current, choices)


def choose_only(db: Database, user: User, video_id: str, cut_ids: list[str]) -> CutList | None:
    """Make exactly these cuts: the named ones on, every other one off (the API's render
    request). Unknown ids raise KeyError, like `choose_cuts`."""
    current = load_cut_list(db, user, video_id)
    if current is None:
        return None
    wanted = set(cut_ids)
    unknown = wanted - {c.id for c in current.cuts}
    if unknown:
        raise KeyError(f"no such cut: {', '.join(sorted(unknown))}")
    return choose_cuts(db, user, video_id, {c.id: c.id in wanted for c in current.cuts})


def export_timeline(db: Database, settings: Settings, user: User, video_id: str,
                    fmt: TimelineFormat) -> ExportedTimeline:
    """The edit (enabled cuts removed) as a timeline file whose clips point at the original video
    (named as it was uploaded, see `media.timeline_source`)."""
    cut_list = load_cut_list(db, user, video_id)
    if cut_list is None:
        raise NotReady("This video has not been transcribed yet, so there is no edit to export.")
    video = repo.get_video(db, user, video_id)
    stem = Path(video.filename).stem or "video"
    has_audio = bool(video.probe and video.probe.has_audio)
    _adapter, _suffix, mime, label = FORMATS[fmt]
    return ExportedTimeline(file_name=file_name(stem, fmt), mime_type=mime, label=label,
                            text=timeline_text(cut_list, media.timeline_source(video), stem, fmt,
                                               has_audio))


def preview_key(video: Video, cut_list: CutList) -> str:
    """The storage key of this edit's tightened preview: one file per kept-range set."""
    return artifact_key(video.user_id, video.id, f"edit_{edit_key(cut_list)}.mp4")


def rendered_preview_key(settings: Settings, db: Database, user: User, video_id: str,
                         cut_list: CutList) -> str | None:
    """The storage key of the tightened preview of exactly this edit, if it has been rendered."""
    key = preview_key(repo.get_video(db, user, video_id), cut_list)
    return key if storage_for(settings).exists(key) else None


def rendered_preview(settings: Settings, db: Database, user: User, video_id: str, cut_list: CutList) -> str | None:
    """What the browser loads for the tightened preview of exactly this edit (a local path,
    or a presigned URL when media is in S3), if it has been rendered."""
    key = rendered_preview_key(settings, db, user, video_id, cut_list)
    return None if key is None else media.browser_source(settings, key)


def render_preview(db: Database, settings: Settings, user: User, video_id: str, cut_list: CutList,
                   progress: ProgressFn | None = None) -> RenderedEdit:
    """Render the tightened preview of `cut_list` (the job's snapshot of the user's choices)
    from a local copy of the upload, and publish it to media storage (`path` is its key)."""
    from framepilot.pipeline.probe import probe_video

    video = repo.get_video(db, user, video_id)
    if video.probe is None:
        raise NotReady("This video has not been analysed yet, so there is no edit to render.")
    tracker = ProgressTracker([Stage.RENDER], progress)
    tracker.start(Stage.RENDER)
    key = preview_key(video, cut_list)
    name = key.rsplit("/", 1)[-1]
    with (Workspace(storage_for(settings), settings.work_dir, artifacts_prefix(video.user_id, video.id)) as files,
          media.local_copy(settings, video.stored_path) as source):
        # A probe stored before demuxers were recorded: find it again, among the allow-listed ones.
        demuxer = video.probe.demuxer or probe_video(source, settings.max_duration_s).demuxer
        rendered = render_edit(source, cut_list, files.path(name), demuxer=demuxer,
                               has_audio=video.probe.has_audio, height=video.probe.display_height,
                               progress=tracker.within(Stage.RENDER))
        files.publish(name)
    tracker.finish(Stage.RENDER)
    return rendered.model_copy(update={"path": key})
