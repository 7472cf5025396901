"""Personal API tokens: created for a user and shown once, stored only as a SHA-256 hash,
optionally expiring, and refused the moment they are revoked.

A token is 32 random bytes, so a plain SHA-256 is enough to store it (nothing to
brute-force, unlike a password) and lets a request find its token with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, ConfigDict, Field

from framepilot.auth import audit
from framepilot.errors import FramePilotError
from framepilot.models import ApiToken, AuditEvent, User
from framepilot.store import Database
from framepilot.store import repository as repo

PREFIX = "fpt_"
HINT_CHARS = len(PREFIX) + 6
MAX_NAME_CHARS = 80
LAST_USED_EVERY = timedelta(minutes=1)


class TokenError(FramePilotError, ValueError):
    """A token request that cannot be met; the message is for the user."""

    user_facing = True


class NewToken(BaseModel):
    """A freshly created token: `secret` is the only time the token itself is available
    (kept out of the model's repr, so it never lands in a log line by accident)."""

    model_config = ConfigDict(frozen=True)

    token: ApiToken
    secret: str = Field(repr=False)


class TokenOwner(BaseModel):
    """Who a presented token belongs to, and which token it was."""

    model_config = ConfigDict(frozen=True)

    user: User
    token_id: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def create_token(db: Database, user: User, name: str, expires_in_days: int | None = None) -> NewToken:
    name = " ".join(name.split())[:MAX_NAME_CHARS]
    if not name:
        raise TokenError("Give the token a name, such as the device or script that will use it.")
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise TokenError("A token expires after 1 to 3650 days, or never.")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = _now()
    token = repo.insert_api_token(
        db, user, name=name, token_hash=_hash(secret), hint=secret[:HINT_CHARS], now=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    audit.record(db, AuditEvent.TOKEN_CREATED, actor=user, subject=user, target=token.id)
    return NewToken(token=token, secret=secret)


def list_tokens(db: Database, user: User) -> list[ApiToken]:
    return repo.list_api_tokens(db, user)


def revoke_token(db: Database, user: User, token_id: str) -> ApiToken:
    """Revoke one of the user's own tokens; another user's id is `NotFound`."""
    token = repo.revoke_api_token(db, user, token_id, _now())
    audit.record(db, AuditEvent.TOKEN_REVOKED, actor=user, subject=user, target=token.id)
    return token


def token_owner(db: Database, secret: str) -> TokenOwner | None:
    """The owner of a live token, read from the store on every call (so a revoked or
    expired token, or a removed account, is refused at once); None for anything else."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    now = _now()
    found = repo.user_for_token_hash(db, _hash(secret), now, touch_before=now - LAST_USED_EVERY)
    if found is None:
        return None
    user, token_id = found
    if getattr(user, "disabled", False):  # `User.disabled` comes with account disabling (issue 9)
        return None
    return TokenOwner(user=user, token_id=token_id)
