"""The minimum upload rate: a sender that falls behind is stopped; once the body is in, a
response that waits for the client (an event stream) is never cut off by it."""

from __future__ import annotations

import anyio
import pytest

from framepilot.core.upload_pace import UploadPace, UploadTooSlow


def test_a_trickling_body_is_stopped_once_it_falls_behind_and_a_complete_one_is_left_alone():
    async def go() -> None:
        async def trickle() -> dict:
            await anyio.sleep(0.3)
            return {"type": "http.request", "body": b"x", "more_body": True}
        with pytest.raises(UploadTooSlow):
            receive = UploadPace(min_rate_bps=1000, grace_s=0.5).paced(trickle)
            for _ in range(10):
                await receive()

        messages = [{"type": "http.request", "body": b"", "more_body": False}, {"type": "http.disconnect"}]

        async def then_wait() -> dict:
            message = messages.pop(0)
            if message["type"] == "http.disconnect":
                await anyio.sleep(0.8)  # the client keeps the stream open well past the grace period
            return message
        receive = UploadPace(min_rate_bps=1000, grace_s=0.2).paced(then_wait)
        assert (await receive())["type"] == "http.request"
        assert (await receive())["type"] == "http.disconnect"
    anyio.run(go)
