"""`/api/videos`: upload (streamed, checked, queued), list, read and delete, and queue
director re-runs and voiceovers for a video."""

from __future__ import annotations

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.requests import ClientDisconnect

from framepilot.api.deps import CallerDep, DbDep, SettingsDep
from framepilot.api.multipart import (
    BlockingPart,
    BodyTooLarge,
    MalformedBody,
    MultipartReader,
    boundary_of,
)
from framepilot.api.problems import ApiProblem, documented
from framepilot.api.schemas import (
    DirectorRequest,
    JobOut,
    Submitted,
    UploadAccepted,
    UploadOptions,
    VideoOut,
    VoiceRequest,
)
from framepilot.core.upload_pace import TooManyUploads, UploadTooSlow
from framepilot.models import User
from framepilot.services import library
from framepilot.services.ingest import (
    ALLOWED_SUFFIXES,
    AnalysisRequest,
    Ingested,
    UploadTooLarge,
    admit,
    has_video_suffix,
    ingest_upload,
)
from framepilot.services.jobs import (
    ProviderNotConfigured,
    Submission,
    check_provider,
    submit_director_notes,
    submit_tts,
)
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo

router = APIRouter(prefix="/api/videos", tags=["videos"], responses=documented(401, 429))

# Room for the form fields and part headers around the file, within one request body.
FORM_OVERHEAD_BYTES = 64 * 1024
MAX_FIELD_BYTES = 4096
MAX_FIELDS = 32
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/UploadForm"}}},
    }
}


def submitted(response: Response, submission: Submission) -> Submitted:
    response.status_code = 200 if submission.reused else 202
    response.headers["Location"] = f"/api/jobs/{submission.job.id}"
    return Submitted(job=JobOut.of(submission.job), reused=submission.reused)


# --- upload -----------------------------------------------------------------------------


async def _receive(request: Request, db: Database, settings: Settings, user: User) -> tuple[Ingested, dict]:
    """Stream the body's `file` part into the uploads store, collecting the form fields.
    A request refused after its file was stored leaves nothing behind."""
    try:
        boundary = boundary_of(request.headers.get("content-type"))
    except MalformedBody as exc:
        raise ApiProblem(400, str(exc), kind="bad-request") from None
    if boundary is None:
        raise ApiProblem(415, "Send the video as multipart/form-data with a 'file' part.", kind="unsupported-type")
    max_body = settings.max_upload_bytes + FORM_OVERHEAD_BYTES
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_body:  # refused before reading a byte
        raise _too_large(settings)
    reader = MultipartReader(request.stream(), boundary, max_body)
    fields: dict[str, list[str]] = {}
    ingested: Ingested | None = None
    try:
        while (part := await reader.next_part()) is not None:
            if part.filename is None:
                value = await reader.read(MAX_FIELD_BYTES + 1)
                if len(value) > MAX_FIELD_BYTES or sum(map(len, fields.values())) >= MAX_FIELDS:
                    raise ApiProblem(400, "The form has too many or too long fields.", kind="bad-request")
                fields.setdefault(part.name, []).append(value.decode("utf-8", "replace"))
            elif part.name != "file" or ingested is not None:
                raise ApiProblem(400, "Send exactly one file, in the form field 'file'.", kind="bad-request")
            elif not has_video_suffix(part.filename):
                raise ApiProblem(415, "That is not a video file FramePilot reads; send one of "
                                      f"{', '.join(sorted(ALLOWED_SUFFIXES))}.", kind="unsupported-type")
            else:
                ingested = await anyio.to_thread.run_sync(
                    ingest_upload, db, settings, user, part.filename, BlockingPart(reader))
        if ingested is None:
            raise ApiProblem(400, "The form has no 'file' part with the video.", kind="bad-request")
    except BaseException as exc:
        await _forget(db, settings, user, ingested)
        if isinstance(exc, (BodyTooLarge, UploadTooLarge)):
            raise _too_large(settings) from exc
        if isinstance(exc, UploadTooSlow):
            raise ApiProblem(408, str(exc), kind="too-slow", headers={"Connection": "close"}) from exc
        if isinstance(exc, (MalformedBody, ClientDisconnect)):
            raise ApiProblem(400, str(exc) or "The upload was interrupted.", kind="bad-request") from exc
        raise  # the service's refusals (UploadRejected, UploadFailed) answer in problems.py
    return ingested, fields


def _too_large(settings: Settings) -> ApiProblem:
    return ApiProblem(413, f"The file is larger than the {settings.max_upload_mb} MB upload limit.",
                      kind="too-large")


async def _forget(db: Database, settings: Settings, user: User, ingested: Ingested | None) -> None:
    """Undo a fresh upload whose request was refused after the file was stored."""
    if ingested is not None and not ingested.duplicate:
        with anyio.CancelScope(shield=True):  # also when the client went away mid-request
            await run_in_threadpool(library.delete_video, db, settings, user, ingested.video.id)


def _options(fields: dict[str, list[str]]) -> UploadOptions:
    values = {name: (vals if name == "modes" else vals[-1]) for name, vals in fields.items()}
    return UploadOptions.model_validate(values)


@router.post(
    "", status_code=202, response_model=UploadAccepted, openapi_extra=_UPLOAD_BODY,
    summary="Upload a video and queue its analysis",
    responses={200: {"model": UploadAccepted, "description": "The same file was uploaded before"},
               **documented(400, 408, 413, 415, 422)},
)
async def upload_video(request: Request, response: Response, caller: CallerDep, db: DbDep,
                       settings: SettingsDep) -> UploadAccepted:
    """Multipart form: `file` (the video) and optional `modes`, `provider`, `voice` and `language`.

    One account sends at most FRAMEPILOT_UPLOAD_PER_USER uploads at once (429), each at
    least FRAMEPILOT_UPLOAD_MIN_KBPS on average after FRAMEPILOT_UPLOAD_GRACE_S (408).
    The file streams to storage under the upload limit (413 as soon as it passes it), must
    have a video suffix (415) and must probe as a usable video (422). Answers 202 with the
    video, the analysis job and `Location: /api/videos/{id}`; an identical file returns
    its existing video (200 when nothing new was queued).
    """
    user = caller.user
    try:
        with request.app.state.upload_slots.hold(user.id):  # freed when the body is in, or cut off
            ingested, fields = await _receive(request, db, settings, user)
    except TooManyUploads as exc:
        raise ApiProblem(429, str(exc), kind="too-many-uploads", headers={"Retry-After": "5"}) from None
    try:
        options = _options(fields)
        check_provider(settings, options.provider)
    except (ValidationError, ProviderNotConfigured) as exc:
        await _forget(db, settings, user, ingested)
        if isinstance(exc, ProviderNotConfigured):
            raise
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
    request_ = AnalysisRequest(modes=tuple(options.modes), provider=options.provider, voice=options.voice,
                               language=options.language)
    admitted = await run_in_threadpool(admit, db, settings, user, ingested, request_)  # NotAVideo: 422
    response.status_code = 200 if admitted.duplicate and admitted.submission.reused else 202
    response.headers["Location"] = f"/api/videos/{admitted.video.id}"
    return UploadAccepted(video=VideoOut.of(admitted.video), job=JobOut.of(admitted.submission.job),
                          duplicate=admitted.duplicate)


# --- read, delete -----------------------------------------------------------------------


@router.get("", response_model=list[VideoOut], summary="Your videos, newest first")
def list_videos(caller: CallerDep, db: DbDep, search: str | None = None) -> list[VideoOut]:
    return [VideoOut.of(v) for v in repo.list_videos(db, caller.user, search=search)]


@router.get("/{video_id}", response_model=VideoOut, responses=documented(404))
def get_video(video_id: str, caller: CallerDep, db: DbDep) -> VideoOut:
    return VideoOut.of(repo.get_video(db, caller.user, video_id))


@router.delete("/{video_id}", status_code=204, responses=documented(404),
               summary="Delete a video, its analysis, its jobs and its stored files")
def delete_video(video_id: str, caller: CallerDep, db: DbDep, settings: SettingsDep) -> Response:
    library.delete_video(db, settings, caller.user, video_id)
    return Response(status_code=204)


# --- more work on an analysed video -------------------------------------------------------


@router.post("/{video_id}/director", status_code=202, response_model=Submitted,
             responses={200: {"model": Submitted, "description": "The same work is already queued"},
                        **documented(404, 409, 422)},
             summary="Re-run director modes, e.g. with another provider")
def rerun_director(video_id: str, body: DirectorRequest, response: Response, caller: CallerDep, db: DbDep,
                   settings: SettingsDep) -> Submitted:
    return submitted(response, submit_director_notes(db, settings, caller.user, video_id, modes=body.modes,
                                                      provider=body.provider))


@router.post("/{video_id}/voice", status_code=202, response_model=Submitted,
             responses={200: {"model": Submitted, "description": "A voiceover is already being recorded"},
                        **documented(404, 409, 422)},
             summary="Voice a mode's rewritten script and render a preview")
def voice_script(video_id: str, body: VoiceRequest, response: Response, caller: CallerDep, db: DbDep,
                 settings: SettingsDep) -> Submitted:
    return submitted(response, submit_tts(db, settings, caller.user, video_id, mode=body.mode,
                                           provider=body.provider))
