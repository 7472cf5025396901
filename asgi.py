"""The web server `framepilot run` starts: Streamlit's app (app.py) with FramePilot's HTTP
layer in front of Streamlit's own routes, in one process. Streamlit's `streamlit run`
finds `app` below and serves it with uvicorn.

- routes: the session-cookie exchange and sign-out (framepilot/web/session_routes.py);
- middleware: unknown addresses go home (framepilot/web/unknown_addresses.py), and the upload
  guard (framepilot/web/upload_guard.py).
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

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

# app.py chooses the pages with st.navigation. Until the first script run in a new process
# calls it, Streamlit takes a folder named pages/ for its older multipage scheme and runs a
# page file alone for its address: a link to /review opened first after a restart skipped
# app.py (its sign-in form, the return to the link). st.navigation sets this same flag.
PagesManager.uses_pages_directory = False

app = st.App(
    "app.py",
    routes=session_routes(db, SessionPolicy.from_settings(settings)),
    middleware=[Middleware(UnknownAddresses), Middleware(UploadGuard, db=db, settings=settings)],
)
