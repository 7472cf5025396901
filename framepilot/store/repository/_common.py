"""What every aggregate module shares: the not-found error, timestamps and ids."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from framepilot.core.crypto import DecryptionError
from framepilot.errors import FramePilotError
from framepilot.store.db import Database


class NotFound(FramePilotError, LookupError):
    """No such row for this user (whether it does not exist or belongs to someone else).
    Raised as `NotFound("video not found")`; told as "No such video.", the same words for
    an id that never existed and for another user's."""

    user_facing = True

    @property
    def user_message(self) -> str:
        return f"No such {str(self).removesuffix(' not found')}."


class UnreadableRow(FramePilotError, ValueError):
    """A stored row that does not fit its model (edited by hand, or written by a newer version)."""


class AlreadyExists(FramePilotError, ValueError):
    """A row with the same unique key was stored first (e.g. by a concurrent request)."""


def _now() -> str:
    return _stamp(datetime.now(timezone.utc))


def _stamp(moment: datetime) -> str:
    """A timestamp as stored: UTC ISO 8601, so text order is time order."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def new_id() -> str:
    return uuid.uuid4().hex


def _decrypted(db: Database, token: str) -> tuple[str | None, str | None]:
    """(plaintext, None), or (None, the reason) when the key cannot read it: one unreadable
    row must not break a listing, so readers mark it instead of raising."""
    try:
        return db.cipher.decrypt(token), None
    except DecryptionError as exc:
        return None, str(exc)
