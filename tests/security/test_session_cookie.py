"""The session cookie's web routes, over real HTTP against the web server `framepilot run`
starts: a one-time code becomes an HttpOnly, SameSite=Lax cookie exactly once, and
sign-out revokes the session and clears the cookie."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from framepilot.auth import sessions
from framepilot.auth.sessions import COOKIE_NAME, SessionPolicy
from framepilot.services import accounts
from framepilot.web import SIGN_OUT_PATH, session_url
from testkit.web_session import PASSWORD, WebServer, upload_statuses


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with WebServer(tmp_path_factory.mktemp("cookies") / "data", max_upload_mb=2,
                   session_max_days=3) as running:
        yield running


@pytest.fixture(scope="module")
def alice(server):
    return accounts.add_user(server.db, "alice@example.com", PASSWORD)


def get(server, path: str, **kwargs) -> httpx.Response:
    return httpx.get(server.url + path, follow_redirects=False, timeout=30, **kwargs)


def test_a_sign_in_code_becomes_an_httponly_lax_cookie_once(server, alice):
    url = session_url(sessions.issue_code(server.db, alice))
    first, second = get(server, url), get(server, url)
    assert (first.status_code, first.headers["location"]) == (303, "/")
    cookie = first.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert f"max-age={3 * 86400}" in cookie or f"max-age={3 * 86400 - 1}" in cookie
    assert second.status_code == 400 and "set-cookie" not in second.headers
    assert upload_statuses(server, [1024], {COOKIE_NAME: first.cookies[COOKIE_NAME]}) == [204]


def test_an_expired_or_made_up_code_signs_nobody_in(server, alice):
    stale = sessions.issue_code(server.db, alice, now=datetime.now(timezone.utc) - timedelta(minutes=2))
    for code in (stale, "made-up-code"):
        response = get(server, session_url(code))
        assert response.status_code == 400 and "set-cookie" not in response.headers


def test_another_site_cannot_sign_a_browser_in_to_its_own_account(server, alice):
    """Login forgery: a page elsewhere sends the victim's browser to the attacker's code."""
    url = session_url(sessions.issue_code(server.db, alice))
    response = get(server, url, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_sign_out_revokes_the_session_and_clears_the_cookie(server, alice):
    cookie = sessions.start_session(server.db, alice, SessionPolicy.from_settings(server.settings))
    jar = {COOKIE_NAME: cookie.cookie.get_secret_value()}
    response = get(server, SIGN_OUT_PATH, cookies=jar)
    assert response.status_code == 303
    cleared = response.headers["set-cookie"].lower()
    assert cleared.startswith(f'{COOKIE_NAME}=""') and "max-age=0" in cleared
    assert upload_statuses(server, [1024], jar) == [401]  # a copy of the old cookie is dead too
