"""`/api/videos/{id}/finish`: the finished render of a video for a platform, with its review.

`POST` queues a finish job with the options in the JSON body (the preset and one switch per
fix; the edit is the video's cut list as it stands). `GET` downloads the MP4 of the latest
finish once it is done (409 until then); `/finish/report` is its review, `/finish/captions.srt`
and `.vtt` its captions. The same `framepilot.services` functions back the Edit tab.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Response
from fastapi.responses import FileResponse, StreamingResponse

from framepilot.api.deps import CallerDep, DbDep, SettingsDep
from framepilot.api.problems import ApiProblem, documented
from framepilot.api.routes.exports import attachment
from framepilot.api.routes.videos import submitted
from framepilot.api.schemas import Submitted
from framepilot.finish.report import FinishReport
from framepilot.media_storage import storage_for
from framepilot.models import FinishOptions, User
from framepilot.services import edit as video_edit
from framepilot.services import finish
from framepilot.services.jobs import submit_finish
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo

router = APIRouter(prefix="/api/videos", tags=["finish"], responses=documented(401, 404, 409, 429))

_NOT_FINISHED = ApiProblem(409, "This video has not been finished yet; POST /api/videos/{id}/finish and follow "
                                "its job.", kind="not-finished")


def _latest(db: Database, settings: Settings, user: User, video_id: str) -> finish.FinishedVideo:
    found = finish.latest_finish(db, settings, user, video_id)
    if found is None:
        raise _NOT_FINISHED
    return found


def _stream(settings: Settings, key: str, media_type: str, file_name: str) -> Response:
    headers = {"Content-Disposition": attachment(file_name), "Cache-Control": "private, no-cache"}
    storage = storage_for(settings)
    local = storage.local_path(key)
    if local is not None:
        return FileResponse(local, media_type=media_type, headers=headers)
    headers["Content-Length"] = str(storage.size(key))
    return StreamingResponse(storage.iter_chunks(key), media_type=media_type, headers=headers)


def _stem(db: Database, user: User, video_id: str) -> str:
    return Path(repo.get_video(db, user, video_id).filename).stem or "video"


@router.post("/{video_id}/finish", status_code=202, response_model=Submitted,
             responses={200: {"model": Submitted, "description": "This finish is already running or made"},
                        **documented(422)},
             summary="Finish the video for a platform: reframe, loudness, captions, cuts; then review it")
def post_finish(video_id: str, response: Response, caller: CallerDep, db: DbDep, settings: SettingsDep,
                body: Annotated[FinishOptions | None, Body()] = None) -> Submitted:
    """The body holds the preset (`vertical`, `square`, `portrait`, `landscape`) and a switch per
    fix; all optional. Follow the job at `Location`; then `GET /api/videos/{id}/finish` has the MP4."""
    options = body or FinishOptions()
    cut_list = video_edit.load_cut_list(db, caller.user, video_id)
    if cut_list is None:
        raise ApiProblem(409, "This video has not been transcribed yet, so there is nothing to finish; follow its "
                              "analysis job until it completes.", kind="not-transcribed")
    if options.trim and not cut_list.kept_ranges():
        raise ApiProblem(422, "Every frame is cut; switch a cut off to keep something.", kind="nothing-kept")
    return submitted(response, submit_finish(db, settings, caller.user, video_id, options))


@router.get("/{video_id}/finish", response_class=StreamingResponse,
            responses={200: {"content": {"video/mp4": {}}, "description": "The finished video (MP4)"}},
            summary="Download the latest finished video, once it is done")
def get_finish(video_id: str, caller: CallerDep, db: DbDep, settings: SettingsDep) -> Response:
    found = _latest(db, settings, caller.user, video_id)
    return _stream(settings, found.video, "video/mp4", f"{_stem(db, caller.user, video_id)}-finished.mp4")


@router.get("/{video_id}/finish/report", response_model=FinishReport,
            summary="The latest finish's own review: each fix with its before and after figures")
def get_finish_report(video_id: str, caller: CallerDep, db: DbDep, settings: SettingsDep) -> FinishReport:
    return finish.read_report(settings, _latest(db, settings, caller.user, video_id))


@router.get("/{video_id}/finish/captions.{caption_format}", response_class=Response,
            responses={200: {"content": {"text/plain": {}, "text/vtt": {}}}},
            summary="The latest finish's captions on its own timeline (SRT or WebVTT)")
def get_finish_captions(video_id: str, caption_format: Literal["srt", "vtt"], caller: CallerDep, db: DbDep,
                        settings: SettingsDep) -> Response:
    found = _latest(db, settings, caller.user, video_id)
    key = found.srt if caption_format == "srt" else found.vtt
    if key is None:
        raise ApiProblem(409, "This finish has no captions (no speech, or captions were switched off).",
                         kind="no-captions")
    media_type = "text/vtt" if caption_format == "vtt" else "application/x-subrip"
    return _stream(settings, key, media_type, f"{_stem(db, caller.user, video_id)}-finished.{caption_format}")
