"""What `st.App` needs to put FramePilot's HTTP layer in front of Streamlit's routes: the
session-cookie routes, unknown addresses sent home, and the upload guard, on the store the
settings name. Built once per server process, when app.py is imported to find its ASGI app."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import Route
from streamlit.runtime.pages_manager import PagesManager

from framepilot.auth.sessions import SessionPolicy
from framepilot.core.logs import configure_logging
from framepilot.settings import Settings, get_settings
from framepilot.store import open_database
from framepilot.web.session_routes import session_routes
from framepilot.web.unknown_addresses import UnknownAddresses
from framepilot.web.upload_guard import UploadGuard


def http_layer(settings: Settings | None = None) -> tuple[list[Route], list[Middleware]]:
    """(routes, middleware) for `st.App(..., routes=..., middleware=...)`."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    db = open_database(settings)
    # app.py chooses the pages with st.navigation. Until the first script run in a new process
    # calls it, Streamlit takes a folder named pages/ for its older multipage scheme and runs a
    # page file alone for its address: a link to /review opened first after a restart skipped
    # app.py (its sign-in form, the return to the link). st.navigation sets this same flag; it
    # is Streamlit's private API, so check it on an upgrade (tests/pages/test_review_browser.py).
    PagesManager.uses_pages_directory = False
    return (session_routes(db, SessionPolicy.from_settings(settings)),
            [Middleware(UnknownAddresses), Middleware(UploadGuard, db=db, settings=settings)])
