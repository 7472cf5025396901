"""`/api/jobs`: list, read, cancel and retry the caller's jobs, and follow one live as
Server-Sent Events (stage and percent, until it ends)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.background import BackgroundTask

from framepilot.api.deps import CallerDep, DbDep, SettingsDep
from framepilot.api.job_feed import JobFeed, TooManyStreams
from framepilot.api.problems import ApiProblem, documented
from framepilot.api.schemas import JobEvent, JobOut
from framepilot.models import JobStatus
from framepilot.services.jobs import cancel_job, retry_job
from framepilot.store import repository as repo

router = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=documented(401, 429))

PING_S = 15


@router.get("", response_model=list[JobOut], summary="Your jobs, newest first")
def list_jobs(caller: CallerDep, db: DbDep,
              status: Annotated[list[JobStatus] | None, Query(description="Only jobs in these states")] = None,
              video_id: Annotated[str | None, Query(description="Only this video's jobs")] = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[JobOut]:
    jobs = repo.list_jobs(db, caller.user, statuses=status, video_id=video_id, limit=limit)
    return [JobOut.of(j) for j in jobs]


@router.get("/{job_id}", response_model=JobOut, responses=documented(404))
def get_job(job_id: str, caller: CallerDep, db: DbDep) -> Response:
    # Serialised here: a returned model would be validated again in another thread hop, and
    # this is the route clients poll.
    return Response(JobOut.of(repo.get_job(db, caller.user, job_id)).model_dump_json(),
                    media_type="application/json")


@router.post("/{job_id}/cancel", response_model=JobOut, responses=documented(404, 409),
             summary="Cancel a queued job now, or a running one at its next safe point (seconds)")
def cancel(job_id: str, caller: CallerDep, db: DbDep) -> JobOut:
    return JobOut.of(cancel_job(db, caller.user, job_id))  # JobFinished: 409


@router.post("/{job_id}/retry", status_code=202, response_model=JobOut, responses=documented(404, 409),
             summary="Queue a failed or cancelled job again; it resumes from its stored stages")
def retry(job_id: str, response: Response, caller: CallerDep, db: DbDep, settings: SettingsDep) -> JobOut:
    job = retry_job(db, settings, caller.user, job_id)  # NotRetryable: 409
    response.headers["Location"] = f"/api/jobs/{job.id}"
    return JobOut.of(job)


_EVENT_STREAM = {"text/event-stream": {"schema": {"$ref": "#/components/schemas/JobEvent"}}}


@router.get(
    "/{job_id}/events",
    responses={200: {"content": _EVENT_STREAM,
                     "description": "`progress` events, then one `end` event; or `reconnect` at the stream's "
                                    "time limit, or `unauthorized` once its token stops working"},
               **documented(404)},
    response_class=EventSourceResponse, summary="Follow a job live (Server-Sent Events)",
)
async def job_events(job_id: str, request: Request, caller: CallerDep, db: DbDep,
                     settings: SettingsDep) -> EventSourceResponse:
    """Sends a `progress` event whenever the job's status, stage or percent changes, and
    one `end` event with its final state; the stream then closes.

    A stream lasts at most FRAMEPILOT_API_STREAM_MAX_MINUTES, then sends `reconnect` (the
    job's state as it stands) and closes: open it again to go on. Its token is checked
    again every FRAMEPILOT_API_STREAM_RECHECK_S; once it is revoked or expired the stream
    sends `unauthorized` and closes. One account holds at most FRAMEPILOT_API_STREAMS_PER_USER
    streams at once (429)."""
    first = await run_in_threadpool(repo.get_job, db, caller.user, job_id)  # 404 before the stream starts
    feed: JobFeed = request.app.state.job_feed
    try:
        sub = feed.subscribe(caller.user, first)
    except TooManyStreams as exc:
        raise ApiProblem(429, str(exc), kind="too-many-streams", headers={"Retry-After": "5"}) from None
    secret = request.headers.get("authorization", "").partition(" ")[2].strip()
    ends_at = time.monotonic() + settings.api_stream_max_minutes * 60

    async def events() -> AsyncIterator[ServerSentEvent]:
        last: JobEvent | None = None
        try:
            while True:
                job = sub.job
                if job is None:  # deleted with its video meanwhile
                    yield ServerSentEvent(JobEvent(status=JobStatus.CANCELLED, progress=last.progress if last else 0,
                                                   error="The video was deleted.").model_dump_json(), event="end")
                    return
                event = JobEvent.of(job)
                if job.status.finished:
                    yield ServerSentEvent(event.model_dump_json(), event="end")
                    return
                if event != last:
                    yield ServerSentEvent(event.model_dump_json(), event="progress")
                    last = event
                if not await feed.token_is_live(secret):
                    yield ServerSentEvent(json.dumps({"detail": _TOKEN_GONE}), event="unauthorized")
                    return
                left = ends_at - time.monotonic()
                if left <= 0:
                    yield ServerSentEvent(event.model_dump_json(), event="reconnect")
                    return
                await sub.next_change(min(left, settings.api_stream_recheck_s))
        finally:
            feed.unsubscribe(sub)

    return EventSourceResponse(events(), ping=PING_S, headers={"Cache-Control": "no-store"},
                               background=BackgroundTask(feed.unsubscribe, sub))


_TOKEN_GONE = "This token is no longer valid (revoked, expired, or its account disabled); the stream has ended."
