"""Dependencies every route shares: the store, the settings, and the caller, who is the
owner of a live personal API token (`Authorization: Bearer ...`) within its rate limit."""

from __future__ import annotations

import math
import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from framepilot.api.problems import ApiProblem
from framepilot.auth.tokens import TokenOwner, token_owner
from framepilot.settings import Settings
from framepilot.store import Database

bearer = HTTPBearer(
    auto_error=False,
    description="A personal API token, from the Account page or `framepilot tokens create`.",
)


class RateLimit:
    """N requests per window per token, counted in memory (one API process) or in Redis
    when FRAMEPILOT_REDIS_URL is set (several API processes share the count)."""

    def __init__(self, settings: Settings) -> None:
        self.item = parse(settings.api_rate_limit)
        self.limiter = MovingWindowRateLimiter(storage_from_string(settings.redis_url or "memory://"))

    def check(self, token_id: str) -> None:
        if not self.limiter.hit(self.item, "api-token", token_id):
            reset = self.limiter.get_window_stats(self.item, "api-token", token_id).reset_time
            retry = max(1, math.ceil(reset - time.time()))
            raise ApiProblem(429, f"Too many requests for this token ({self.item}). Retry in {retry} s.",
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
    request.app.state.rate_limit.check(owner.token_id)
    return owner


DbDep = Annotated[Database, Depends(database)]
SettingsDep = Annotated[Settings, Depends(settings)]
CallerDep = Annotated[TokenOwner, Depends(caller)]
