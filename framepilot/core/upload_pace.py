"""Uploads that cannot hold the server hostage: each user gets a few upload slots, and an
upload must keep up a minimum rate once its grace period is over, or it is cut off and
its slot freed.

Both upload faces use this: the web layer's guard in front of Streamlit's upload endpoint
and the API's multipart reader. The rate is an average from the upload's start, so a
sender may pause, but one that trickles (a byte every few seconds) falls behind within
the grace period and is stopped there.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio

Receive = Callable[[], Awaitable[dict[str, Any]]]  # an ASGI receive callable


class UploadTooSlow(Exception):
    """The sender fell below the minimum upload rate."""

    def __init__(self, min_rate_bps: int) -> None:
        super().__init__(f"The upload was slower than {max(1, min_rate_bps // 1024)} KB/s and was stopped. "
                         "Try again on a faster connection.")


class TooManyUploads(Exception):
    """The user already has their share of uploads arriving."""

    def __init__(self, per_user: int) -> None:
        super().__init__(f"You already have {per_user} upload{'s' if per_user != 1 else ''} arriving, "
                         "the most one account may send at once. Wait for one to finish.")


class UploadPace:
    """Bytes must arrive at `min_rate_bps` on average after `grace_s` (one per request)."""

    @classmethod
    def from_settings(cls, settings) -> UploadPace:  # noqa: ANN001 - Settings
        return cls(settings.upload_min_kbps * 1024, settings.upload_grace_s)

    def __init__(self, min_rate_bps: int, grace_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.min_rate_bps, self.grace_s, self._clock = min_rate_bps, grace_s, clock
        self._start = clock()
        self.received = 0

    def time_left(self) -> float:
        """Seconds until what has arrived so far is too little."""
        return self._start + self.grace_s + self.received / self.min_rate_bps - self._clock()

    def paced(self, receive: Receive) -> Receive:
        """`receive`, raising UploadTooSlow once the sender falls behind. Once the body is
        complete, later calls (a streaming response waiting for the disconnect) are not paced."""
        body_done = False

        async def receive_in_time() -> dict[str, Any]:
            nonlocal body_done
            if body_done:
                return await receive()
            left = self.time_left()
            if left <= 0:
                raise UploadTooSlow(self.min_rate_bps)
            with anyio.move_on_after(left) as waited:
                message = await receive()
            if waited.cancelled_caught:
                raise UploadTooSlow(self.min_rate_bps)
            self.received += len(message.get("body", b""))
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message
        return receive_in_time


class UserUploadSlots:
    """How many uploads each user has arriving, in this process (used from one event loop, so
    no lock). Several API processes each count their own."""

    def __init__(self, per_user: int) -> None:
        self.per_user = per_user
        self._busy: Counter[int] = Counter()

    @contextmanager
    def hold(self, user_id: int) -> Iterator[None]:
        """One slot of `user_id`'s for the block; TooManyUploads when they are all taken."""
        if self._busy[user_id] >= self.per_user:
            raise TooManyUploads(self.per_user)
        self._busy[user_id] += 1
        try:
            yield
        finally:
            self._busy[user_id] -= 1
            if self._busy[user_id] <= 0:
                del self._busy[user_id]

    def busy(self, user_id: int) -> int:
        return self._busy[user_id]
