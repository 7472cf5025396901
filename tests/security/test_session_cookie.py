"""The session cookie's web routes, over real HTTP against the web server `framepilot run`
starts: a one-time code becomes an HttpOnly, SameSite=Lax cookie exactly once, and
sign-out revokes the session and clears the cookie."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from framepilot.auth import sessions
from framepilot.auth.sessions import BROWSER_COOKIE, COOKIE_NAME, SessionPolicy
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


def redeem(server, issued: sessions.SignInCode, **kwargs) -> httpx.Response:
    """Open the session link from the browser that signed in (it holds the code's key)."""
    return get(server, session_url(issued.code), cookies={BROWSER_COOKIE: issued.browser_key.get_secret_value()},
               **kwargs)


def test_a_sign_in_code_becomes_an_httponly_lax_cookie_once(server, alice):
    issued = sessions.issue_code(server.db, alice)
    first, second = redeem(server, issued), redeem(server, issued)
    assert (first.status_code, first.headers["location"]) == (303, "/")
    cookie = first.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert f"max-age={3 * 86400}" in cookie or f"max-age={3 * 86400 - 1}" in cookie
    assert second.status_code == 400 and "set-cookie" not in second.headers
    assert upload_statuses(server, [1024], {COOKIE_NAME: first.cookies[COOKIE_NAME]}) == [204]


def test_an_expired_or_made_up_code_signs_nobody_in(server, alice):
    stale = sessions.issue_code(server.db, alice, now=datetime.now(timezone.utc) - timedelta(minutes=2))
    made_up = sessions.SignInCode(code="made-up-code", browser_key=stale.browser_key)
    for issued in (stale, made_up):
        response = redeem(server, issued)
        assert response.status_code == 400 and "set-cookie" not in response.headers


def test_another_site_cannot_sign_a_browser_in_to_its_own_account(server, alice):
    """Login forgery: a page elsewhere sends the victim's browser to the attacker's code."""
    response = redeem(server, sessions.issue_code(server.db, alice), headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and "set-cookie" not in response.headers


@pytest.mark.parametrize("fetch_site", [None, "none", "same-origin"])
def test_a_sign_in_link_opened_in_any_other_browser_signs_nobody_in(server, alice, fetch_site):
    """Login forgery without the header a browser sends: the attacker signs in, keeps the link
    and gets the victim's browser to open it (typed, pasted, or from a page that strips
    Sec-Fetch-Site). The victim's browser has no key for that code, or another code's key."""
    attackers = sessions.issue_code(server.db, alice)
    victims_own = sessions.issue_code(server.db, alice)
    headers = {"Sec-Fetch-Site": fetch_site} if fetch_site else {}
    url = session_url(attackers.code)

    without_key = get(server, url, headers=headers)
    with_another_key = get(server, url, headers=headers,
                           cookies={BROWSER_COOKIE: victims_own.browser_key.get_secret_value()})

    assert without_key.status_code == 403 and with_another_key.status_code == 400
    assert "set-cookie" not in without_key.headers and "set-cookie" not in with_another_key.headers
    assert redeem(server, attackers).status_code == 303  # the browser that signed in still can


def test_sign_out_revokes_the_session_and_clears_the_cookie(server, alice):
    cookie = sessions.start_session(server.db, alice, SessionPolicy.from_settings(server.settings))
    jar = {COOKIE_NAME: cookie.cookie.get_secret_value()}
    response = get(server, SIGN_OUT_PATH, cookies=jar)
    assert response.status_code == 303
    cleared = response.headers["set-cookie"].lower()
    assert cleared.startswith(f'{COOKIE_NAME}=""') and "max-age=0" in cleared
    assert upload_statuses(server, [1024], jar) == [401]  # a copy of the old cookie is dead too
