"""Accounts and their personal API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from framepilot.models.base import _Model


class User(_Model):
    id: int
    email: str
    is_admin: bool = False
    disabled: bool = False


class ApiToken(_Model):
    """A personal API token as its owner sees it: never the secret, which is shown once."""

    id: str
    name: str
    hint: str = Field(description="The token's first characters, to tell tokens apart")
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def state(self, now: datetime) -> str:
        """'active', 'expired' or 'revoked'."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at is None or self.expires_at > now else "expired"



class QuotaLimits(_Model):
    """What one account may use. In an admin's override a None means the server's default."""

    requests_per_minute: int | None = Field(None, ge=1, description="API requests per minute, all tokens together")
    stored_mb: int | None = Field(None, ge=0, description="Uploaded video bytes kept, in MB")
    videos: int | None = Field(None, ge=0, description="Videos kept")
    queued_jobs: int | None = Field(None, ge=0, description="Jobs queued or running at once")
    tokens: int | None = Field(None, ge=0, description="Live API tokens")


class QuotaUsage(_Model):
    """What an account uses now, in the units of QuotaLimits."""

    stored_bytes: int
    videos: int
    queued_jobs: int
    tokens: int
class AuditEvent(StrEnum):
    """What the audit log records (stable names: admins filter and alert on them)."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    PASSWORD_CHANGED = "password_changed"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_ENABLED = "account_enabled"
    ADMIN_GRANTED = "admin_granted"
    ADMIN_REVOKED = "admin_revoked"
    VIDEO_DELETED = "video_deleted"


class AuditEntry(_Model):
    """One line of the audit log: ids and a time, never content or secrets."""

    id: int
    at: datetime
    event: str
    actor_id: int | None = None
    subject_id: int | None = None
    target: str | None = None
    outcome: str = "ok"
