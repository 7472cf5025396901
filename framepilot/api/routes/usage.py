"""`/api/usage`: the caller's AI cost summary, the same figures as the Costs page
(`framepilot.usage.analytics`), or the calls themselves as CSV when asked with `Accept: text/csv`
(streamed in chunks, so a large export never sits whole in memory)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from framepilot.api.deps import CallerDep, DbDep, SettingsDep
from framepilot.api.problems import ApiProblem, documented
from framepilot.usage import analytics

router = APIRouter(prefix="/api/usage", tags=["usage"], responses=documented(401, 403, 422, 429))


def _wants_csv(request: Request) -> bool:
    """Content negotiation between JSON (the default) and CSV, honouring q-values."""
    weights: dict[str, float] = {}
    for item in request.headers.get("accept", "").split(","):
        media, *params = [p.strip() for p in item.split(";")]
        q = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            weights[media.lower()] = float(q)
        except ValueError:
            continue

    def weight(media: str) -> float:
        return max(weights.get(media, 0.0), weights.get(media.split("/")[0] + "/*", 0.0), weights.get("*/*", 0.0))

    return weight("text/csv") > weight("application/json")


@router.get(
    "", response_model=analytics.CostReport,
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV rows with `Accept: text/csv`"}},
    summary="What your AI calls cost: totals, per day, model, operation, video and job type",
)
def usage(
    request: Request, caller: CallerDep, db: DbDep, settings: SettingsDep,
    start: Annotated[date | None, Query(description="First UTC day (inclusive)")] = None,
    end: Annotated[date | None, Query(description="Last UTC day (inclusive)")] = None,
    provider: Annotated[list[str] | None, Query(description="Only these providers")] = None,
    model: Annotated[list[str] | None, Query(description="Only these models")] = None,
    user_id: Annotated[int | None, Query(description="Admins only: another user's usage")] = None,
) -> Response:
    user = caller.user
    if user_id is not None and user_id != user.id and not user.is_admin:
        raise ApiProblem(403, "Only admins may read another user's usage.", kind="forbidden")
    filters = analytics.Filters(start=start, end=end, user_id=user_id if user_id is not None else user.id,
                                providers=tuple(provider or ()), models=tuple(model or ()))
    if _wants_csv(request):
        return StreamingResponse(analytics.iter_csv(db, user, filters), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="framepilot-usage.csv"'})
    report = analytics.cost_report(db, settings, user, filters)
    return Response(report.model_dump_json(), media_type="application/json")
