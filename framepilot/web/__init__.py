"""FramePilot's HTTP layer in front of Streamlit's routes, in the same process (`st.App`
routes and middleware): the session-cookie routes and the upload guard. `asgi.py` at the
project root assembles it; `framepilot run` serves it."""

from urllib.parse import urlencode

SESSION_PATH = "/_framepilot/session"
SIGN_OUT_PATH = "/_framepilot/sign-out"


def session_url(code: str, back_to: str = "/") -> str:
    """Where the browser goes, right after the password check, to get its session cookie; the
    route then sends it on to `back_to` (checked there: only the app's own page addresses)."""
    query = {"code": code} | ({"next": back_to} if back_to and back_to != "/" else {})
    return f"{SESSION_PATH}?{urlencode(query)}"
