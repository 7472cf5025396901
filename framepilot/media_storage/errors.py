"""What media storage raises; callers catch StorageError or one of its kinds."""

from __future__ import annotations

from framepilot.errors import FramePilotError


class StorageError(FramePilotError, RuntimeError):
    """Media storage could not do what was asked."""


class StorageUnavailable(StorageError):
    """Media storage did not answer, or kept answering with errors, past the client's retries.
    The person is told what happened in plain words; the request's detail is for the log."""

    user_facing = True
    MESSAGE = ("Media storage did not answer in time, so the work stopped. Nothing is wrong with the file: "
               "retry in a few minutes.")

    def __init__(self, detail: str) -> None:
        super().__init__(self.MESSAGE)
        self.detail = detail


class ObjectNotFound(StorageError, FileNotFoundError):
    """No object is stored under this key."""


class InvalidKey(StorageError, ValueError):
    """The key is not a plain relative path of safe segments (so it could escape the root)."""


class TooLarge(StorageError):
    """A stream ran past its size limit; nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit
