"""The web server `framepilot run` starts: Streamlit's app (app.py) with FramePilot's HTTP
layer in front of Streamlit's own routes, in one process. Streamlit's `streamlit run`
finds `app` below and serves it with uvicorn.

- routes: the session-cookie exchange and sign-out (framepilot/web/session_routes.py);
- middleware: unknown addresses go home (framepilot/web/unknown_addresses.py), and the upload
  guard (framepilot/web/upload_guard.py).
"""

import streamlit as st
from starlette.middleware import Middleware

from framepilot.auth.sessions import SessionPolicy
from framepilot.core.logs import configure_logging
from framepilot.settings import get_settings
from framepilot.store import open_database
from framepilot.web.session_routes import session_routes
from framepilot.web.unknown_addresses import UnknownAddresses
from framepilot.web.upload_guard import UploadGuard

settings = get_settings()
configure_logging(settings.log_level)
db = open_database(settings)

app = st.App(
    "app.py",
    routes=session_routes(db, SessionPolicy.from_settings(settings)),
    middleware=[Middleware(UnknownAddresses), Middleware(UploadGuard, db=db, settings=settings)],
)
