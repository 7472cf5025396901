"""FramePilot's HTTP layer in front of Streamlit's routes, in the same process (`st.App`
routes and middleware): the session-cookie routes and the upload guard. `app.py` hands
them to `st.App` (`http_layer.py`), so `streamlit run app.py` and `framepilot run` serve
the same thing; `app_files.py` finds app.py in a checkout or in an installed package."""

from urllib.parse import urlencode

SESSION_PATH = "/_framepilot/session"
SIGN_OUT_PATH = "/_framepilot/sign-out"


def session_url(code: str, back_to: str = "/") -> str:
    """Where the browser goes, right after the password check, to get its session cookie; the
    route then sends it on to `back_to` (checked there: only the app's own page addresses)."""
    query = {"code": code} | ({"next": back_to} if back_to and back_to != "/" else {})
    return f"{SESSION_PATH}?{urlencode(query)}"
