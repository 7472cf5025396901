"""Every error the API returns, in one shape: RFC 9457 problem details
(`application/problem+json`), with a status code a client can act on.

A `FramePilotError` raised anywhere below a route answers here, once: `PROBLEMS` names the
status and problem kind of each error class, and the detail is the error's `user_message`,
the words the pages and the command line show for it too."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from framepilot.core.logs import get_logger
from framepilot.edit.timeline import TimelineError
from framepilot.errors import FramePilotError
from framepilot.services import jobs
from framepilot.services.edit import NotReady
from framepilot.services.ingest import UploadFailed, UploadRejected, UploadTooLarge
from framepilot.services.quotas import QuotaExceeded
from framepilot.store import repository as repo

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field("about:blank", description="A URI naming the kind of problem")
    title: str = Field(description="The status code's reason phrase")
    status: int
    detail: str | None = Field(None, description="What went wrong with this request, for people")
    instance: str | None = Field(None, description="The request path")
    errors: list[dict[str, Any]] | None = Field(None, description="Field errors, for 422 validation problems")


# (status, problem kind) of each error class; an error takes the entry of the first class in
# its MRO listed here. A FramePilotError not listed is a 500 (its user_message is generic
# unless the error is user-facing).
PROBLEMS: dict[type[FramePilotError], tuple[int, str]] = {
    # Another user's id lands here too: the answer is the same as for an id that never existed.
    repo.NotFound: (404, "not-found"),
    UploadTooLarge: (413, "too-large"),  # the upload route words it with the API's own limit
    UploadRejected: (422, "not-a-video"),
    UploadFailed: (503, "unavailable"),
    jobs.ProviderNotConfigured: (422, "provider"),
    jobs.NotAnalysed: (409, "not-analysed"),
    jobs.NoScriptToVoice: (409, "no-script"),
    NotReady: (409, "not-transcribed"),
    jobs.NothingKept: (422, "nothing-kept"),
    jobs.JobFinished: (409, "job-finished"),
    jobs.NotRetryable: (409, "job-not-retryable"),
    TimelineError: (422, "timeline-format"),
}


def status_of(exc: FramePilotError) -> tuple[int, str | None]:
    """The status and problem kind `exc` answers with."""
    for cls in type(exc).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return 500, None


class ApiProblem(Exception):
    """Raised by routes and dependencies; answered as a problem document."""

    def __init__(self, status: int, detail: str, *, kind: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.kind, self.headers = status, detail, kind, headers


def problem_response(request: Request, status: int, detail: str | None, *, kind: str | None = None,
                     headers: dict[str, str] | None = None, errors: list | None = None) -> JSONResponse:
    problem = Problem(
        type=f"urn:framepilot:problem:{kind}" if kind else "about:blank",
        title=HTTPStatus(status).phrase, status=status, detail=detail, instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(problem.model_dump(exclude_none=True), status_code=status, headers=headers,
                        media_type=PROBLEM_JSON)


def install(app: FastAPI) -> None:
    """Answer every error, ours and the framework's, as a problem document."""

    @app.exception_handler(ApiProblem)
    async def _ours(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(request, exc.status, exc.detail, kind=exc.kind, headers=exc.headers)

    @app.exception_handler(FramePilotError)
    async def _framepilot(request: Request, exc: FramePilotError) -> JSONResponse:
        status, kind = status_of(exc)
        if status >= 500:
            get_logger(component="api").warning("api.error", path=request.url.path, error_type=type(exc).__name__)
        return problem_response(request, status, exc.user_message, kind=kind)
    @app.exception_handler(QuotaExceeded)
    async def _quota(request: Request, exc: QuotaExceeded) -> JSONResponse:
        return problem_response(request, 403, str(exc), kind=f"quota-{exc.limit.replace('_', '-')}")


    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        return problem_response(request, 422, "The request is not valid; see `errors`.",
                                kind="invalid-request", errors=jsonable_encoder(errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        phrase = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
        return problem_response(request, exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        get_logger(component="api").warning("api.error", path=request.url.path, error_type=type(exc).__name__)
        get_logger(component="api").debug("api.traceback", exc_info=exc)
        return problem_response(request, 500, "Something went wrong on the server. Try again.")


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give (the `Problem` schema
    itself is added to the components by `framepilot.api.app`)."""
    return {
        status: {"description": HTTPStatus(status).phrase,
                 "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for status in statuses
    }
