"""The one error family. Every error FramePilot raises on purpose is a `FramePilotError`,
and each says whether its message is written for the person who sees it.

- `user_facing = True`: the message is plain words a creator can act on ("The file is larger
  than the 100 MB upload limit."); pages, the API's problem responses and the command line show
  it as it is.
- `user_facing = False` (the default): the message is for the log (it may name a file, a
  codec, a column); the person sees `generic_message`.

Faces call `user_message(exc)` and never list error classes themselves.
"""

from __future__ import annotations

from typing import ClassVar

GENERIC_MESSAGE = "Processing failed unexpectedly ({name}). Retry, or try another file."


class FramePilotError(Exception):
    """Base of every error FramePilot raises on purpose."""

    user_facing: ClassVar[bool] = False

    @property
    def user_message(self) -> str:
        return str(self) if self.user_facing else GENERIC_MESSAGE.format(name=type(self).__name__)


def user_message(exc: BaseException) -> str:
    """What a person is told about `exc`: our own words, or a generic line naming only its type."""
    if isinstance(exc, FramePilotError):
        return exc.user_message
    return GENERIC_MESSAGE.format(name=type(exc).__name__)
