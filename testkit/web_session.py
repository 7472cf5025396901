"""Helpers for the security tests that need real HTTP: a web server on a free port
(testkit/web_server.py) and signed-in cookies for it."""

from __future__ import annotations

import asyncio

from framepilot.auth import sessions
from framepilot.auth.sessions import COOKIE_NAME, SessionPolicy
from framepilot.services import accounts
from testkit.streamlit_client import StreamlitClient
from testkit.web_server import WebServer

PASSWORD = "a long and unguessable phrase"


def signed_in_cookies(server: WebServer, email: str) -> dict[str, str]:
    """The cookie a browser holds after `email` signed in on this server."""
    user = accounts.add_user(server.db, email, PASSWORD)
    new = sessions.start_session(server.db, user, SessionPolicy.from_settings(server.settings))
    return {COOKIE_NAME: new.cookie.get_secret_value()}


def upload_statuses(server: WebServer, sizes: list[int], cookies: dict[str, str] | None = None,
                    chunked: bool = False) -> list[int]:
    """Open one Streamlit session and PUT files of these sizes, one after another."""
    async def go() -> list[int]:
        async with StreamlitClient(server.url, cookies) as client:
            session_id = await client.open_session()
            return [(await client.upload(session_id, size, chunked=chunked)).status_code for size in sizes]
    return asyncio.run(go())


__all__ = ["PASSWORD", "WebServer", "signed_in_cookies", "upload_statuses"]
