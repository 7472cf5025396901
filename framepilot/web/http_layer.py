"""What `st.App` needs to put FramePilot's HTTP layer in front of Streamlit's routes: the
session-cookie routes and the upload guard, on the store the settings name. Built once per
server process, when app.py is imported to find its ASGI app."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import Route

from framepilot.auth.sessions import SessionPolicy
from framepilot.core.logs import configure_logging
from framepilot.settings import Settings, get_settings
from framepilot.store import open_database
from framepilot.web.session_routes import session_routes
from framepilot.web.upload_guard import UploadGuard


def http_layer(settings: Settings | None = None) -> tuple[list[Route], list[Middleware]]:
    """(routes, middleware) for `st.App(..., routes=..., middleware=...)`."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    db = open_database(settings)
    return (session_routes(db, SessionPolicy.from_settings(settings)),
            [Middleware(UploadGuard, db=db, settings=settings)])
