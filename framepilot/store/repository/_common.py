"""What every aggregate module shares: the not-found error, timestamps and ids."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone


class NotFound(LookupError):
    """No such row for this user (whether it does not exist or belongs to someone else)."""


class UnreadableRow(ValueError):
    """A stored row that does not fit its model (edited by hand, or written by a newer version)."""


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def new_id() -> str:
    return uuid.uuid4().hex
