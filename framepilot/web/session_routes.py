"""Two routes that turn sign-in into an HttpOnly cookie and back, which Streamlit cannot do:
`SESSION_PATH` redeems a one-time code for a session cookie, `SIGN_OUT_PATH` revokes the
session and clears the cookie. Both answer with a redirect to the app."""

from __future__ import annotations

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from framepilot.auth import sessions
from framepilot.auth.sessions import BROWSER_COOKIE, COOKIE_NAME, SessionPolicy
from framepilot.store import Database
from framepilot.web import SESSION_PATH, SIGN_OUT_PATH
from framepilot.web.addresses import safe_return

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
EXPIRED_PAGE = """<!doctype html><meta charset="utf-8"><title>FramePilot</title>
<p>This sign-in link has expired or was already used. <a href="/">Sign in again</a>.</p>"""
OTHER_BROWSER_PAGE = """<!doctype html><meta charset="utf-8"><title>FramePilot</title>
<p>This sign-in link belongs to another browser (or expired). Nobody was signed in.
<a href="/">Sign in here</a>.</p>"""


def _cross_site(request: Request) -> bool:
    """A request another site started (login or logout forgery); browsers say so in Sec-Fetch-Site."""
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


def _home(to: str = "/") -> RedirectResponse:
    return RedirectResponse(to, status_code=303, headers=NO_STORE)


def session_routes(db: Database, policy: SessionPolicy) -> list[Route]:
    async def open_session(request: Request) -> Response:
        if _cross_site(request):
            return HTMLResponse(EXPIRED_PAGE, status_code=403, headers=NO_STORE)
        browser_key = request.cookies.get(BROWSER_COOKIE)
        if not browser_key:  # not the browser that signed in (or it took longer than the code lives)
            return HTMLResponse(OTHER_BROWSER_PAGE, status_code=403, headers=NO_STORE)
        new = await to_thread.run_sync(sessions.redeem_code, db, request.query_params.get("code"), browser_key,
                                       policy)
        if new is None:
            return HTMLResponse(EXPIRED_PAGE, status_code=400, headers=NO_STORE)
        response = _home(safe_return(request.query_params.get("next")))
        response.set_cookie(COOKIE_NAME, new.cookie.get_secret_value(), max_age=new.max_age_s, path="/",
                            httponly=True, samesite="lax", secure=request.url.scheme == "https")
        response.delete_cookie(BROWSER_COOKIE, path=SESSION_PATH, samesite="strict")  # used up
        return response

    async def close_session(request: Request) -> Response:
        if _cross_site(request):
            return _home()
        await to_thread.run_sync(sessions.revoke, db, request.cookies.get(COOKIE_NAME))
        response = _home()
        response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax",
                               secure=request.url.scheme == "https")
        return response

    return [Route(SESSION_PATH, open_session, methods=["GET"]),
            Route(SIGN_OUT_PATH, close_session, methods=["GET", "POST"])]
