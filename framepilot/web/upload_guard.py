"""The guard in front of Streamlit's upload endpoint (`PUT /_stcore/upload_file/<session>/<file>`).

Streamlit keeps every uploaded file in memory until its browser session deletes it or
ends, and accepts uploads from any session that has opened a websocket, including one
that only loaded the sign-in page. So before Streamlit reads a byte of the body:

- no signed-in session cookie: 401;
- no Content-Length (a chunked body): 411, so nothing is spooled whose size is unknown;
- larger than FRAMEPILOT_MAX_UPLOAD_MB: 413;
- more than FRAMEPILOT_UPLOAD_SESSION_MB held by this browser session, counting what it
  is uploading now: 413;
- more than FRAMEPILOT_UPLOAD_PER_USER uploads of one account arriving at once: 429;
- more than FRAMEPILOT_UPLOAD_CONCURRENCY uploads arriving at once, or more than
  FRAMEPILOT_UPLOAD_TOTAL_MB held and arriving in the whole server: 503 with Retry-After.

While the body arrives it must keep up FRAMEPILOT_UPLOAD_MIN_KBPS on average once
FRAMEPILOT_UPLOAD_GRACE_S have passed; a slower sender is cut off (408) and its slot freed.
(Before, one account trickling four uploads a byte every 5 s held the whole pool for good.)

A refused body is never read by the application: uvicorn discards what still arrives
once the response has gone (and cuts a slow sender off at its keep-alive timeout), so
the client gets a clean status instead of a reset connection.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Callable
from http.cookies import SimpleCookie

from anyio import to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from framepilot.auth import sessions
from framepilot.auth.sessions import COOKIE_NAME, SessionPolicy
from framepilot.core.logs import get_logger
from framepilot.core.upload_pace import TooManyUploads, UploadPace, UploadTooSlow, UserUploadSlots
from framepilot.settings import Settings
from framepilot.store import Database

UPLOAD_PATH = re.compile(r"/_stcore/upload_file/(?P<session>[^/]+)/(?P<file>[^/]+)/?$")
RETRY_AFTER_S = 5


class StreamlitUploads:
    """What Streamlit's upload manager holds in memory, in bytes."""

    def _manager(self):  # noqa: ANN202 - MemoryUploadedFileManager
        from streamlit import runtime

        return runtime.get_instance().uploaded_file_mgr if runtime.exists() else None

    def held_by(self, session_id: str) -> int:
        manager = self._manager()
        if manager is None:
            return 0
        file_ids = list(getattr(manager, "file_storage", {}).get(session_id, {}))
        return sum(len(rec.data) for rec in manager.get_files(session_id, file_ids))

    def held_in_total(self) -> int:
        manager = self._manager()
        if manager is None:
            return 0
        return sum(stat.byte_length for stats in manager.get_stats().values() for stat in stats)


def _cookie(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no session
                return None
            if COOKIE_NAME in jar:
                return jar[COOKIE_NAME].value
    return None


def _content_length(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return value.decode("latin-1")
    return None


class UploadGuard:
    """Pure ASGI middleware (it never touches the body itself)."""

    def __init__(self, app: ASGIApp, db: Database, settings: Settings,
                 uploads: Callable[[], StreamlitUploads] = StreamlitUploads) -> None:
        self.app = app
        self._db = db
        self._policy = SessionPolicy.from_settings(settings)
        self._max_file = settings.max_upload_bytes
        self._session_cap = settings.upload_session_bytes
        self._total_cap = settings.upload_total_bytes
        self._concurrency = settings.upload_concurrency
        self._uploads = uploads()
        self._per_user = UserUploadSlots(settings.upload_per_user)
        self._pace = lambda: UploadPace.from_settings(settings)
        self._lock = asyncio.Lock()
        self._arriving = Counter()  # bytes announced by uploads in progress, per browser session
        self._in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = UPLOAD_PATH.search(scope["path"]) if scope["type"] == "http" else None
        if match is None or scope["method"] != "PUT":
            await self.app(scope, receive, send)
            return
        active = await to_thread.run_sync(sessions.resolve, self._db, _cookie(scope), self._policy)
        if active is None:
            await self._refuse(send, 401, "Sign in to upload files.")
            return
        length = _content_length(scope)
        if length is None:
            await self._refuse(send, 411, "Uploads need a Content-Length.")
            return
        if not length.isdigit():
            await self._refuse(send, 400, "Invalid Content-Length.")
            return
        size, browser_session = int(length), match["session"]
        if size > self._max_file:
            await self._refuse(send, 413, "The file is larger than the upload limit.")
            return
        try:
            with self._per_user.hold(active.user.id):
                await self._admitted(scope, receive, send, browser_session, size, active.user.id)
        except TooManyUploads as exc:
            await self._refuse(send, 429, str(exc), {"Retry-After": str(RETRY_AFTER_S)})

    async def _admitted(self, scope: Scope, receive: Receive, send: Send, browser_session: str, size: int,
                        user_id: int) -> None:
        """Within the user's share: the session and server-wide caps, then Streamlit, paced."""
        async with self._lock:
            refusal = self._admit(browser_session, size)
            if refusal is None:
                self._arriving[browser_session] += size
                self._in_progress += 1
        if refusal is not None:
            get_logger(component="upload_guard").warning("upload.refused", status=refusal[0],
                                                          user_id=user_id, bytes=size)
            await self._refuse(send, *refusal)
            return
        started = False

        async def send_watched(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)
        try:
            await self.app(scope, self._pace().paced(receive), send_watched)
        except UploadTooSlow as exc:  # cut off: the slot is free again, the sender is told why
            get_logger(component="upload_guard").warning("upload.too_slow", user_id=user_id, bytes=size)
            if not started:  # and the connection closes, so the sender stops too
                await self._refuse(send, 408, str(exc), {"Connection": "close"})
        finally:
            async with self._lock:
                self._in_progress -= 1
                self._arriving[browser_session] -= size
                if self._arriving[browser_session] <= 0:
                    del self._arriving[browser_session]

    def _admit(self, browser_session: str, size: int) -> tuple[int, str, dict[str, str]] | None:
        busy = {"Retry-After": str(RETRY_AFTER_S)}
        if self._uploads.held_by(browser_session) + self._arriving[browser_session] + size > self._session_cap:
            return 413, "This browser session already holds as many uploads as it may. Submit or remove some.", {}
        if self._in_progress >= self._concurrency:
            return 503, "Too many uploads are arriving right now. Try again in a few seconds.", busy
        if self._uploads.held_in_total() + sum(self._arriving.values()) + size > self._total_cap:
            return 503, "The server is holding as many uploads as it may. Try again shortly.", busy
        return None

    @staticmethod
    async def _refuse(send: Send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        body = json.dumps({"detail": message}).encode()
        raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store")]
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})
