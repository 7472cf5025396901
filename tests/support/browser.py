"""A browser for AppTest: the cookie jar a real browser brings to every page load.

AppTest cannot seed what a browser sends (its cookies and address come from the
session's client, which AppTest mocks), so `Browser` replaces that one boundary,
`streamlit.runtime.context._get_client_context`, with its own jar. Following a link
to FramePilot's web routes (the session-cookie exchange, sign-out) goes through the
real routes with Starlette's TestClient, so Set-Cookie lands in the same jar.

Each `open()` is a page load: a fresh AppTest of `app.py`, as a browser reload or a new
tab would start a fresh Streamlit session.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import streamlit.runtime.context
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from framepilot.auth import sessions
from framepilot.auth.sessions import COOKIE_NAME, SessionPolicy
from framepilot.models import User
from framepilot.settings import get_settings
from framepilot.store import Database
from framepilot.web.session_routes import session_routes

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30
SIGN_IN_BUTTON = "FormSubmitter:signin_form-Sign in"


class Browser:
    def __init__(self, db: Database, monkeypatch, address: str | None = None) -> None:  # noqa: ANN001
        self.db = db
        self.address = address
        policy = SessionPolicy.from_settings(get_settings())
        self.http = TestClient(Starlette(routes=session_routes(db, policy)), base_url="http://127.0.0.1:8501",
                               follow_redirects=False)
        monkeypatch.setattr(streamlit.runtime.context, "_get_client_context", self._client_context)

    def _client_context(self) -> SimpleNamespace:
        cookies = {name: value for name, value in self.http.cookies.items()}
        return SimpleNamespace(cookies=cookies, headers={}, remote_ip=self.address)

    @property
    def session_cookie(self) -> str | None:
        return self.http.cookies.get(COOKIE_NAME)

    def set_session_cookie(self, value: str) -> None:
        self.http.cookies.set(COOKIE_NAME, value, domain="127.0.0.1", path="/")

    def signed_in_as(self, user: User) -> Browser:
        """As after an earlier sign-in: a live session cookie in the jar."""
        new = sessions.start_session(self.db, user, SessionPolicy.from_settings(get_settings()))
        self.set_session_cookie(new.cookie.get_secret_value())
        return self

    def open(self, page: str | None = None, video_id: str | None = None) -> AppTest:
        """Load the app (optionally at a page, with ?video=), as a reload or new tab does."""
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        if video_id is not None:
            at.query_params["video"] = video_id
        if page is not None:
            at.switch_page(page)
        return at.run()

    def follow(self, url: str):  # noqa: ANN201 - httpx.Response
        """Follow a link the app showed to one of the web layer's routes."""
        parts = urlsplit(url)
        return self.http.get(parts.path + (f"?{parts.query}" if parts.query else ""))

    def submit_sign_in(self, email: str, password: str, at: AppTest | None = None) -> AppTest:
        at = at or self.open()
        at.text_input(key="signin_email").input(email)
        at.text_input(key="signin_password").input(password)
        return at.button(key=SIGN_IN_BUTTON).click().run()

    def run_page_script(self, at: AppTest) -> None:
        """Do what the page's script does in a real browser before it navigates: set the cookie
        that binds a sign-in code to this browser (AppTest runs no JavaScript)."""
        for element in at.get("html"):
            found = re.search(r'document\.cookie = "([^=";]+)=([^";]*);[^"]*Path=([^";]+)', element.proto.body)
            if found:
                name, value, path = found.groups()
                self.http.cookies.set(name, value, domain="127.0.0.1", path=path)

    def sign_in(self, email: str, password: str) -> AppTest:
        """Sign in as a person would: the form, the cookie its script sets, the link it sends the
        browser to, then the app."""
        at = self.submit_sign_in(email, password)
        self.run_page_script(at)
        self.follow(onward_link(at))
        return self.open()


def onward_link(at: AppTest) -> str:
    """The URL a page sent the browser on to (its script navigates; the link is the fallback)."""
    links = [b.proto.url for b in at.get("link_button")]
    assert links, "the page did not send the browser anywhere"
    return links[-1]
