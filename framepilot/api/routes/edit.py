"""`/api/videos/{id}/cuts`, `/render` and `/timeline/{format}`: the edit of a video, as the
Review page's Edit tab offers it, through the same `framepilot.services.edit` functions.

The edit is one per user and video: switching cuts here switches them in the app too. A render
request queues the tightened preview of the edit as it then stands (a job, followed like any
other); `GET /render` downloads that MP4 once it is done.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Body, Response
from fastapi.responses import FileResponse, StreamingResponse

from framepilot.api.deps import CallerDep, DbDep, SettingsDep
from framepilot.api.problems import ApiProblem, documented
from framepilot.api.routes.exports import attachment
from framepilot.api.routes.videos import submitted
from framepilot.api.schemas import CutChoices, EditOut, RenderRequest, Submitted
from framepilot.edit.timeline import TimelineFormat
from framepilot.media_storage import storage_for
from framepilot.models import CutList, User
from framepilot.services import edit as video_edit
from framepilot.services.jobs import submit_render
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo

router = APIRouter(prefix="/api/videos", tags=["edit"], responses=documented(401, 404, 409, 429))

_NOT_TRANSCRIBED = ApiProblem(409, "This video has not been transcribed yet, so it has no edit; follow its "
                                   "analysis job until it completes.", kind="not-transcribed")


def _cut_list(db: Database, user: User, video_id: str) -> CutList:
    cut_list = video_edit.load_cut_list(db, user, video_id)
    if cut_list is None:
        raise _NOT_TRANSCRIBED
    return cut_list


def _edit_out(db: Database, settings: Settings, user: User, video_id: str, cut_list: CutList) -> EditOut:
    rendered = video_edit.rendered_preview_key(settings, db, user, video_id, cut_list) is not None
    return EditOut.of(cut_list, rendered)


def _unknown_cuts(exc: KeyError) -> ApiProblem:
    return ApiProblem(422, f"This video has {exc.args[0]}; list its cuts with GET /api/videos/{{id}}/cuts.",
                      kind="unknown-cut")


@router.get("/{video_id}/cuts", response_model=EditOut,
            summary="The suggested cuts (silences, fillers, false starts, retakes...) and what the edit keeps")
def get_cuts(video_id: str, caller: CallerDep, db: DbDep, settings: SettingsDep) -> EditOut:
    return _edit_out(db, settings, caller.user, video_id, _cut_list(db, caller.user, video_id))


@router.patch("/{video_id}/cuts", response_model=EditOut, responses=documented(422),
              summary="Switch cuts on or off (saved as your edit, as the Edit tab's switches are)")
def choose_cuts(video_id: str, body: CutChoices, caller: CallerDep, db: DbDep, settings: SettingsDep) -> EditOut:
    try:
        cut_list = video_edit.choose_cuts(db, caller.user, video_id, body.enabled)
    except KeyError as exc:
        raise _unknown_cuts(exc) from None
    if cut_list is None:
        raise _NOT_TRANSCRIBED
    return _edit_out(db, settings, caller.user, video_id, cut_list)


@router.post("/{video_id}/render", status_code=202, response_model=Submitted,
             responses={200: {"model": Submitted, "description": "This edit is already rendering or rendered"},
                        **documented(422)},
             summary="Render the tightened preview: the kept ranges joined into one MP4, as a job")
def render(video_id: str, response: Response, caller: CallerDep, db: DbDep, settings: SettingsDep,
           body: Annotated[RenderRequest | None, Body()] = None) -> Submitted:
    """With `cuts`, exactly those cuts are made (and saved as your edit); without, the edit as it
    stands. Follow the job at `Location`; then `GET /api/videos/{id}/render` has the MP4."""
    user = caller.user
    try:
        cut_list = (video_edit.choose_only(db, user, video_id, body.cuts) if body and body.cuts is not None
                    else video_edit.load_cut_list(db, user, video_id))
    except KeyError as exc:
        raise _unknown_cuts(exc) from None
    if cut_list is None:
        raise _NOT_TRANSCRIBED
    return submitted(response, submit_render(db, settings, user, video_id))  # NothingKept: 422


@router.get("/{video_id}/render", response_class=StreamingResponse,
            responses={200: {"content": {"video/mp4": {}}, "description": "The tightened preview (MP4)"}},
            summary="Download the tightened preview of the edit as it stands, once rendered")
def get_render(video_id: str, caller: CallerDep, db: DbDep, settings: SettingsDep) -> Response:
    cut_list = _cut_list(db, caller.user, video_id)
    key = video_edit.rendered_preview_key(settings, db, caller.user, video_id, cut_list)
    if key is None:
        raise ApiProblem(409, "This edit has not been rendered yet; POST /api/videos/{id}/render and follow "
                              "its job.", kind="not-rendered")
    stem = Path(repo.get_video(db, caller.user, video_id).filename).stem or "video"
    headers = {"Content-Disposition": attachment(f"{stem}-edit.mp4"), "Cache-Control": "private, no-cache"}
    storage = storage_for(settings)
    local = storage.local_path(key)
    if local is not None:  # folder storage: a file response (ranges, sendfile)
        return FileResponse(local, media_type="video/mp4", headers=headers)
    # object storage: streamed through in chunks, never whole in memory
    headers["Content-Length"] = str(storage.size(key))
    return StreamingResponse(storage.iter_chunks(key), media_type="video/mp4", headers=headers)


@router.get("/{video_id}/timeline/{timeline_format}", response_class=Response, responses={
    200: {"description": "The edit as a timeline file whose clips point at the original video",
          "content": {"application/json": {}, "text/plain": {}, "application/xml": {}}},
    **documented(422)},
    summary="The edit for your editor: OpenTimelineIO, CMX 3600 EDL, FCP 7 XML or FCPXML")
def get_timeline(video_id: str, timeline_format: TimelineFormat, caller: CallerDep, db: DbDep,
                 settings: SettingsDep) -> Response:
    try:
        exported = video_edit.export_timeline(db, settings, caller.user, video_id, timeline_format)
    except video_edit.NotReady:
        raise _NOT_TRANSCRIBED from None  # TimelineError: 422 in problems.py
    return Response(exported.text, media_type=exported.mime_type,
                    headers={"Content-Disposition": attachment(exported.file_name)})
