"""Sign-in throttling: per-client and per-account limits with lockouts that expire.

Every attempt counts against its client (the connecting address) and the account it
names (known or not, so a lockout reveals nothing about which emails exist). The limits
are tiers (`5 per 5 minutes; 20 per hour; 50 per day` by default), so a guesser waits
longer the longer they keep going; a successful sign-in clears its account's counters.
A locked attempt never reaches argon2, so it costs the server no hashing.

The counters live where every web process sees them: the store (SQLite, or whatever
backend the repository uses), or Redis when FRAMEPILOT_REDIS_URL is set. Both go through
the `limits` library's fixed-window strategy.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable

from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from pydantic import BaseModel

from framepilot.store import Database
from framepilot.store import repository as repo

Clock = Callable[[], float]


class StoreStorage(Storage):
    """`limits` storage on the FramePilot store, so all processes share one set of counters."""

    STORAGE_SCHEME = None

    def __init__(self, db: Database, clock: Clock = time.time) -> None:
        super().__init__()
        self._db = db
        self._clock = clock

    @property
    def base_exceptions(self) -> type[Exception]:
        return OSError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return repo.rate_limit_incr(self._db, key, amount, expiry, self._clock())

    def get(self, key: str) -> int:
        return repo.rate_limit_hits(self._db, key, self._clock())

    def get_expiry(self, key: str) -> float:
        return repo.rate_limit_expiry(self._db, key, self._clock())

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        return repo.rate_limit_clear(self._db)

    def clear(self, key: str) -> None:
        repo.rate_limit_clear(self._db, key)


class Lockout(BaseModel):
    """Sign-in refused without checking the password; `retry_after_s` until the next try."""

    retry_after_s: int


def reference(db: Database, kind: str, value: str) -> str:
    """A keyed hash that names an account or client in counters and logs without revealing it."""
    key = db.cipher.derive_key("sign-in-reference")
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:20]


class SignInThrottle:
    def __init__(self, db: Database, storage: Storage, account_limits: str, client_limits: str,
                 clock: Clock = time.time) -> None:
        self._db = db
        self._limiter = FixedWindowRateLimiter(storage)
        self._account_limits = parse_many(account_limits)
        self._client_limits = parse_many(client_limits)
        self._clock = clock

    @classmethod
    def for_settings(cls, db: Database, settings, clock: Clock = time.time) -> SignInThrottle:  # noqa: ANN001
        storage = storage_from_string(settings.redis_url) if settings.redis_url else StoreStorage(db, clock)
        return cls(db, storage, settings.signin_account_limits, settings.signin_client_limits, clock)

    def attempt(self, email: str, client: str) -> Lockout | None:
        """Count one attempt; a Lockout when this client or this account has used up a limit.

        The client is counted first: a client that is locked out stops there and spends
        nothing of the account's allowance, so it cannot lock a victim out by itself.
        """
        for limits, key in ((self._client_limits, self._client_key(client)),
                            (self._account_limits, self._account_key(email))):
            for item in limits:
                if not self._limiter.hit(item, key):
                    return Lockout(retry_after_s=self._retry_after(item, key))
        return None

    def succeeded(self, email: str) -> None:
        for item in self._account_limits:
            self._limiter.clear(item, self._account_key(email))

    def _retry_after(self, item: RateLimitItem, key: str) -> int:
        reset_at = self._limiter.get_window_stats(item, key).reset_time
        return max(1, math.ceil(reset_at - self._clock()))

    def _account_key(self, email: str) -> str:
        return "signin-account/" + reference(self._db, "account", email.strip().lower())

    def _client_key(self, client: str) -> str:
        return "signin-client/" + reference(self._db, "client", client)
