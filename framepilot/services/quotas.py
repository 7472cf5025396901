"""Per-user quotas: requests, stored bytes, videos, queued jobs and tokens.

The server's defaults come from the settings (FRAMEPILOT_QUOTA_*, and FRAMEPILOT_API_RATE_LIMIT
for requests); an admin overrides them per account (`framepilot users quota`). Both faces refuse
through the same checks here, with a `QuotaExceeded` whose message names the limit, and the
Account page shows each limit beside what the account uses.
"""

from __future__ import annotations

from datetime import datetime, timezone

from limits import parse

from framepilot.errors import FramePilotError
from framepilot.models import QuotaLimits, QuotaUsage, User
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo

MB = 1024 * 1024


class QuotaExceeded(FramePilotError):
    """The account is at one of its limits; the message names it."""

    user_facing = True

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit  # which QuotaLimits field


def default_limits(settings: Settings) -> QuotaLimits:
    rate = parse(settings.api_rate_limit)
    return QuotaLimits(
        requests_per_minute=max(1, round(rate.amount * 60 / rate.get_expiry())),
        stored_mb=settings.quota_stored_mb, videos=settings.quota_videos,
        queued_jobs=settings.quota_queued_jobs, tokens=settings.quota_tokens,
    )


def limits_for(db: Database, settings: Settings, user: User) -> QuotaLimits:
    """The account's limits: the admin's overrides, the server's defaults for the rest."""
    overrides = repo.get_quota_overrides(db, user).model_dump(exclude_none=True)
    return default_limits(settings).model_copy(update=overrides)


def usage_of(db: Database, user: User) -> QuotaUsage:
    return repo.quota_usage(db, user, datetime.now(timezone.utc))


def room_for_upload(db: Database, settings: Settings, user: User) -> int:
    """Bytes the account may still store in one more video; QuotaExceeded when it may not
    add a video at all."""
    limits, used = limits_for(db, settings, user), usage_of(db, user)
    if used.videos >= limits.videos:
        raise QuotaExceeded(f"Your account keeps at most {limits.videos} videos and has {used.videos}. "
                            "Delete some to upload more.", "videos")
    room = limits.stored_mb * MB - used.stored_bytes
    if room <= 0:
        raise QuotaExceeded(f"Your account keeps at most {limits.stored_mb} MB of uploads and that is used up. "
                            "Delete some videos to upload more.", "stored_mb")
    return room


def stored_bytes_exceeded(db: Database, settings: Settings, user: User) -> QuotaExceeded:
    limit = limits_for(db, settings, user).stored_mb
    return QuotaExceeded(f"This file would take your account past its {limit} MB of uploads. "
                         "Delete some videos to upload more.", "stored_mb")


def check_job_room(db: Database, settings: Settings, user: User) -> None:
    limit, used = limits_for(db, settings, user).queued_jobs, usage_of(db, user).queued_jobs
    if used >= limit:
        raise QuotaExceeded(f"Your account may have {limit} jobs queued or running at once and has {used}. "
                            "Wait for some to finish.", "queued_jobs")


def check_token_room(db: Database, settings: Settings, user: User) -> None:
    limit, used = limits_for(db, settings, user).tokens, usage_of(db, user).tokens
    if used >= limit:
        raise QuotaExceeded(f"Your account may hold {limit} live API tokens and has {used}. "
                            "Revoke one to make another.", "tokens")


def set_limits(db: Database, user: User, **changes: int | None) -> QuotaLimits:
    """An admin's change to an account's overrides (None: back to the server's default);
    returns the overrides as they now stand."""
    current = repo.get_quota_overrides(db, user)
    updated = QuotaLimits.model_validate({**current.model_dump(), **changes})
    repo.set_quota_overrides(db, user, updated)
    return updated


LABELS = {"requests_per_minute": "API requests per minute", "stored_mb": "Uploads kept (MB)",
          "videos": "Videos kept", "queued_jobs": "Jobs queued or running", "tokens": "Live API tokens"}


def overview(db: Database, settings: Settings, user: User) -> list[tuple[str, str, int | None, int, bool]]:
    """Each limit as (field, label, in use now or None for requests, limit, set by an admin)."""
    limits, overrides, used = limits_for(db, settings, user), repo.get_quota_overrides(db, user), usage_of(db, user)
    in_use = {"requests_per_minute": None, "stored_mb": round(used.stored_bytes / MB), "videos": used.videos,
              "queued_jobs": used.queued_jobs, "tokens": used.tokens}
    return [(name, label, in_use[name], getattr(limits, name), getattr(overrides, name) is not None)
            for name, label in LABELS.items()]
