"""Dependencies every route shares: the store, the settings, and the caller, who is the
owner of a live personal API token (`Authorization: Bearer ...`) within their account's
rate limit."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from limits import RateLimitItemPerMinute, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from framepilot.api.problems import ApiProblem
from framepilot.auth.tokens import TokenOwner, token_owner
from framepilot.models import User
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo

bearer = HTTPBearer(
    auto_error=False,
    description="A personal API token, from the Account page or `framepilot tokens create`.",
)


class _MemoryWindow:
    """A moving window counted in this process's memory: each key's hit times within the
    window, oldest first. (limits' memory storage starts an expiry thread every 10 ms under
    load and copies each key's list on every hit; this is a deque and a lock.)"""

    SWEEP_EVERY_S = 60.0

    def __init__(self, amount: int, window_s: float) -> None:
        self.amount, self.window_s = amount, window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def hit(self, key: str, amount: int | None = None) -> float | None:
        """Count a hit and return None, or refuse it: seconds until the oldest hit leaves
        (`amount` replaces the window's own for this key)."""
        amount = amount or self.amount
        now = time.monotonic()
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= amount:
                return hits[0] + self.window_s - now
            hits.append(now)
            return None

    def _sweep(self, now: float) -> None:
        """Forget keys with no hit in the window (tokens no longer in use)."""
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window_s]:
            del self._hits[key]
        self._next_sweep = now + self.SWEEP_EVERY_S


class RateLimit:
    """N requests per window per account (all its tokens together: a user may make several),
    counted in this process's memory (one API process) or in Redis when FRAMEPILOT_REDIS_URL is
    set (several API processes share the count). The window is FRAMEPILOT_API_RATE_LIMIT, or
    the account's own requests-per-minute quota when an admin set one."""

    OVERRIDES_FOR_S = 30.0  # an admin's change to a quota applies within this

    def __init__(self, settings: Settings) -> None:
        self.item = parse(settings.api_rate_limit)
        self._redis = (MovingWindowRateLimiter(storage_from_string(settings.redis_url)) if settings.redis_url
                       else None)
        self._memory = _MemoryWindow(self.item.amount, self.item.get_expiry())
        self._per_minute = _MemoryWindow(1, 60.0)
        self._overrides: dict[int, tuple[float, int | None]] = {}

    def override_for(self, db: Database, user: User) -> int | None:
        """The account's requests-per-minute quota, when an admin set one (cached briefly)."""
        now = time.monotonic()
        found = self._overrides.get(user.id)
        if found is None or now - found[0] > self.OVERRIDES_FOR_S:
            if len(self._overrides) > 10_000:
                self._overrides.clear()
            found = self._overrides[user.id] = (now, repo.get_quota_overrides(db, user).requests_per_minute)
        return found[1]

    def check(self, key: str, per_minute: int | None = None) -> None:
        item = RateLimitItemPerMinute(per_minute) if per_minute else self.item
        if self._redis is None:
            wait = self._per_minute.hit(key, per_minute) if per_minute else self._memory.hit(key)
        elif self._redis.hit(item, "api-account", key):
            wait = None
        else:
            wait = self._redis.get_window_stats(item, "api-account", key).reset_time - time.time()
        if wait is not None:
            retry = max(1, math.ceil(wait))
            raise ApiProblem(429, f"Too many requests for this account: its limit is {item}, all its tokens "
                                  f"together. Retry in {retry} s.",
                             kind="rate-limited", headers={"Retry-After": str(retry)})


# `async` so FastAPI calls these on the event loop instead of a worker thread (nothing blocks).
async def database(request: Request) -> Database:
    return request.app.state.db


async def settings(request: Request) -> Settings:
    return request.app.state.settings


_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="framepilot"'}


def caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> TokenOwner:
    """The token's owner, looked up in the store on every request: a revoked or expired
    token, or one whose account is gone, is refused at once."""
    if credentials is None:
        raise ApiProblem(401, "Send a personal API token as 'Authorization: Bearer <token>'.",
                         kind="unauthorized", headers=_UNAUTHORIZED)
    owner = token_owner(request.app.state.db, credentials.credentials)
    if owner is None:
        raise ApiProblem(401, "This token is not valid: it is unknown, expired or revoked, or its account "
                              "is disabled.", kind="unauthorized", headers=_UNAUTHORIZED)
    limit: RateLimit = request.app.state.rate_limit
    limit.check(f"user-{owner.user.id}", limit.override_for(request.app.state.db, owner.user))
    return owner


DbDep = Annotated[Database, Depends(database)]
SettingsDep = Annotated[Settings, Depends(settings)]
CallerDep = Annotated[TokenOwner, Depends(caller)]
