"""The FastAPI application: `create_app(settings)` wires the routers, the problem
handlers and the per-token rate limit onto one store handle."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline

from framepilot.api import problems
from framepilot.api.body_limit import JSON_BODY_BYTES, BodyLimit
from framepilot.api.deps import RateLimit
from framepilot.api.job_feed import JobFeed
from framepilot.api.routes import edit, exports, finish, jobs, metrics, usage, videos
from framepilot.api.schemas import JobEvent, UploadForm
from framepilot.core.metrics import RequestTimer, process_registry
from framepilot.core.upload_pace import UploadPace, UserUploadSlots
from framepilot.services.operations import store_collector
from framepilot.settings import Settings
from framepilot.store import open_database

DESCRIPTION = """\
FramePilot without a browser: upload a video, follow its analysis live, fetch the result.

Authenticate with a personal API token (Account page, or `framepilot tokens create --user EMAIL`)
sent as `Authorization: Bearer <token>`. Every error is an RFC 9457 problem document
(`application/problem+json`). Ids of another user's videos and jobs answer 404, like ids that
do not exist.
"""


# Swagger UI's script, stylesheet and icon, served by this app (fastapi-offline ships them),
# so /api/docs works without reaching a CDN.
DOCS_ASSETS_URL = "/api/docs/assets"


def create_app(settings: Settings) -> FastAPI:
    app = FastAPIOffline(
        title="FramePilot API", version="1", description=DESCRIPTION,
        docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json",
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect", static_url=DOCS_ASSETS_URL,
    )
    app.state.settings = settings
    app.state.db = open_database(settings)
    app.state.rate_limit = RateLimit(settings)
    app.state.job_feed = JobFeed(app.state.db, per_user=settings.api_streams_per_user,
                                 recheck_s=settings.api_stream_recheck_s)
    problems.install(app)
    app.state.metrics = process_registry(store_collector(app.state.db, settings))
    for module in (videos, exports, edit, finish, jobs, usage, metrics):
        app.include_router(module.router)
    app.openapi = lambda: _openapi(app)
    upload_limit = settings.max_upload_bytes + videos.FORM_OVERHEAD_BYTES
    app.state.upload_slots = UserUploadSlots(settings.upload_per_user)
    app.add_middleware(BodyLimit, pace=lambda: UploadPace.from_settings(settings), limit_for=lambda method, path: (
        (upload_limit, True) if (method, path.rstrip("/")) == ("POST", "/api/videos") else (JSON_BODY_BYTES, False)))
    app.add_middleware(RequestTimer)
    return app


def _openapi(app: FastAPI) -> dict:
    """FastAPI's schema, plus the models no route returns directly (the problem document,
    the streamed upload form, the job event), with validation errors as problems too."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (problems.Problem, UploadForm, JobEvent):
            found = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(found.pop("$defs", {}))
            components[model.__name__] = found
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        for operation in (op for path in schema["paths"].values() for op in path.values()):
            if "422" in operation.get("responses", {}):
                operation["responses"]["422"] = problems.documented(422)[422]
        app.openapi_schema = schema
    return app.openapi_schema
