"""FramePilot's HTTP layer in front of Streamlit's routes, in the same process (`st.App`
routes and middleware): the session-cookie routes and the upload guard. `app.py` hands
them to `st.App` (`http_layer.py`), so `streamlit run app.py` and `framepilot run` serve
the same thing; `app_files.py` finds app.py in a checkout or in an installed package."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from framepilot.auth import sessions
from framepilot.auth.sessions import BROWSER_COOKIE
from framepilot.models import User
from framepilot.store import Database

SESSION_PATH = "/_framepilot/session"
SIGN_OUT_PATH = "/_framepilot/sign-out"


def session_url(code: str, back_to: str = "/") -> str:
    """Where the browser goes, right after the password check, to get its session cookie; the
    route then sends it on to `back_to` (checked there: only the app's own page addresses)."""
    query = {"code": code} | ({"next": back_to} if back_to and back_to != "/" else {})
    return f"{SESSION_PATH}?{urlencode(query)}"


@dataclass(frozen=True)
class SessionStart:
    """Where the browser goes after the password check, and the short-lived cookie (name,
    value, path) it must hold there, which binds the one-time code to this browser."""

    url: str
    cookie: tuple[str, str, str]


def start_session_link(db: Database, user: User, back_to: str = "/") -> SessionStart:
    issued = sessions.issue_code(db, user)
    return SessionStart(session_url(issued.code, back_to),
                        (BROWSER_COOKIE, issued.browser_key.get_secret_value(), SESSION_PATH))
