"""Every request body is bounded before routing and before the token is checked.

A declared Content-Length over the route's limit is answered 413 before a byte is read.
(Until this middleware, a 1 GB JSON body without a token was parsed whole before the 401:
the API grew from 160 MB to 5 GB and others waited 20 s.)
A JSON (or any non-upload) body is read here, counting as it arrives, up to its limit
(`JSON_BODY_BYTES`), then replayed to the route; one byte more and the answer is 413, so
no route ever parses more than that. The upload route (`POST /api/videos`) streams: its
bytes are counted here too, and passing the upload limit ends the request with 413. Every
body must also keep up the minimum upload rate (`framepilot.core.upload_pace`): a sender
that trickles is cut off with 408.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from framepilot.api.multipart import BodyTooLarge
from framepilot.core.upload_pace import UploadPace, UploadTooSlow

JSON_BODY_BYTES = 64 * 1024


def _declared_length(scope: Scope) -> int | None | str:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1")
            return int(text) if text.isdigit() else "invalid"
    return None


class BodyLimit:
    """Pure ASGI middleware: `limit_for(method, path)` gives a route's body limit and whether
    it streams (uploads) or is read whole here (everything else)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str, str], tuple[int, bool]],
                 pace: Callable[[], UploadPace]) -> None:
        self.app, self._limit_for, self._pace = app, limit_for, pace

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, streams = self._limit_for(scope["method"], scope["path"])
        declared = _declared_length(scope)
        if declared == "invalid":
            await _problem(send, scope, 400, "The Content-Length header is not a number.", "bad-request")
            return
        if declared is not None and declared > limit:
            await _problem(send, scope, 413, _too_large(limit, streams), "too-large")
            return
        receive = self._pace().paced(receive)  # a sender below the minimum rate is cut off
        if streams:
            await self.app(scope, _counted(receive, limit), send)
            return
        body = bytearray()
        while True:
            try:
                message = await receive()
            except UploadTooSlow as exc:
                await _problem(send, scope, 408, str(exc), "too-slow")
                return
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await _problem(send, scope, 413, _too_large(limit), "too-large")
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(bytes(body), receive), send)


def _too_large(limit: int, upload: bool = False) -> str:
    if upload:  # the same words as the upload route's own refusal
        return f"The file is larger than the {limit // (1024 * 1024)} MB upload limit."
    return f"The request body is larger than this route accepts ({limit // 1024} KB)."


def _counted(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise BodyTooLarge(_too_large(limit, upload=True))
        return message
    return counted


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # then wait for the disconnect, as a drained channel does
    return replay


async def _problem(send: Send, scope: Scope, status: int, detail: str, kind: str) -> None:
    """A problem document, sent before the body is read; the connection then closes, since
    what is left of the body is not worth reading."""
    body = json.dumps({"type": f"urn:framepilot:problem:{kind}", "title": HTTPStatus(status).phrase,
                       "status": status, "detail": detail, "instance": scope["path"]}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
