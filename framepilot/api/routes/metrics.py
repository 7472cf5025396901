"""`GET /metrics`: the API process's Prometheus metrics (request latency by route, queue depth,
jobs by state; `framepilot.core.metrics`). With FRAMEPILOT_METRICS_TOKEN set, scrapers send it
as a bearer token; otherwise keep the path to the private network at the proxy."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from framepilot.api.problems import ApiProblem

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    expected = request.app.state.settings.metrics_token
    if expected is not None:
        sent = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), expected.get_secret_value().encode()):
            raise ApiProblem(401, "Send FRAMEPILOT_METRICS_TOKEN as 'Authorization: Bearer <token>'.",
                             kind="unauthorized")
    return Response(generate_latest(request.app.state.metrics), media_type=CONTENT_TYPE_LATEST)
