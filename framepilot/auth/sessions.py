"""Browser sessions: a signed, expiring token in an HttpOnly cookie, stored hashed.

After the password check the sign-in page asks for a one-time code (60 s, single use)
and sends the browser to the web layer's session route, which redeems it for a session
and sets the cookie: Streamlit cannot set HttpOnly cookies itself. The code is bound to
that browser by a key in a short-lived cookie (`SignInCode`), so a sign-in link is no use
in any other browser. Every request then
resolves the cookie here, against the store, so a sign-out, a password change or a
disabled account ends the session at once, and the account's admin flag is always
the store's current one.

The cookie is `<token>.<expires>.<signature>`: 32 random bytes, the Unix time the session
ends, and an HMAC over both with a key derived from the store's secret key. Forged or
stale cookies are refused before the store is asked; the store keeps only the token's
SHA-256 (nothing to brute-force, unlike a password), so a copy of the database holds no
usable session. Rotating the secret key signs everyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, ConfigDict, SecretStr

from framepilot.models import User
from framepilot.store import Database
from framepilot.store import repository as repo

COOKIE_NAME = "framepilot_session"
BROWSER_COOKIE = "framepilot_sign_in"  # the sign-in code's browser key; lives CODE_TTL, on the session route only
CODE_TTL = timedelta(seconds=60)
TOUCH_EVERY = timedelta(minutes=1)  # last-seen is written at most this often, not on every rerun


class SessionPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    idle: timedelta
    max_age: timedelta

    @classmethod
    def from_settings(cls, settings) -> SessionPolicy:  # noqa: ANN001 - Settings
        return cls(idle=timedelta(minutes=settings.session_idle_minutes),
                   max_age=timedelta(days=settings.session_max_days))


class NewSession(BaseModel):
    """A session just started: the cookie value exists only here and in the browser."""

    model_config = ConfigDict(frozen=True)

    cookie: SecretStr
    expires_at: datetime

    @property
    def max_age_s(self) -> int:
        return max(0, int((self.expires_at - _now()).total_seconds()))


class ActiveSession(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    user: User
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _signature(db: Database, token: str, expires: int) -> str:
    mac = hmac.new(db.cipher.derive_key("session-cookie"), f"{token}.{expires}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


def _verified_token(db: Database, cookie: str | None, now: datetime) -> str | None:
    """The token inside a cookie whose signature holds and whose end has not come."""
    if not cookie or not isinstance(cookie, str) or cookie.count(".") != 2 or len(cookie) > 200:
        return None
    token, expires, signature = cookie.split(".")
    if not expires.isdigit() or not hmac.compare_digest(signature, _signature(db, token, int(expires))):
        return None
    return token if int(expires) > now.timestamp() else None


def start_session(db: Database, user: User, policy: SessionPolicy, now: datetime | None = None) -> NewSession:
    now = now or _now()
    token = secrets.token_urlsafe(32)
    expires_at = (now + policy.max_age).replace(microsecond=0)
    repo.insert_session(db, user, _digest(token), now, expires_at)
    expires = int(expires_at.timestamp())
    return NewSession(cookie=SecretStr(f"{token}.{expires}.{_signature(db, token, expires)}"),
                      expires_at=expires_at)


def resolve(db: Database, cookie: str | None, policy: SessionPolicy,
            now: datetime | None = None) -> ActiveSession | None:
    """The signed-in session behind a cookie, or None (forged, expired, idle, revoked, disabled)."""
    now = now or _now()
    token = _verified_token(db, cookie, now)
    if token is None:
        return None
    record = repo.live_session(db, _digest(token))
    if record is None or record.expires_at <= now:
        return None
    if now - record.last_seen_at > policy.idle:
        repo.revoke_session(db, _digest(token), now)
        return None
    if now - record.last_seen_at > TOUCH_EVERY:
        repo.touch_session(db, record.id, now)
    return ActiveSession(id=record.id, user=record.user, expires_at=record.expires_at)


def revoke(db: Database, cookie: str | None, now: datetime | None = None) -> None:
    """End the session behind a cookie (sign-out); unknown or forged cookies are ignored."""
    now = now or _now()
    token = _verified_token(db, cookie, now)
    if token is not None:
        repo.revoke_session(db, _digest(token), now)


class SignInCode(BaseModel):
    """A one-time code and the key that binds it to the browser that signed in.

    The code travels in the session route's URL; the key only in a short-lived cookie that the
    sign-in page sets in that same browser (`BROWSER_COOKIE`). The store keeps a hash of both
    together, so a code opened in any other browser (an attacker's sign-in link sent to a
    victim, to sign the victim into the attacker's account) matches nothing.
    """

    model_config = ConfigDict(frozen=True)

    code: str
    browser_key: SecretStr


def _code_digest(code: str, browser_key: str) -> str:
    return _digest(f"{code}.{browser_key}")


def issue_code(db: Database, user: User, now: datetime | None = None) -> SignInCode:
    """A one-time code, valid for CODE_TTL, that the session route redeems for a session, from
    the browser holding its key."""
    now = now or _now()
    code, browser_key = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    repo.insert_sign_in_code(db, user, _code_digest(code, browser_key), now, now + CODE_TTL)
    return SignInCode(code=code, browser_key=SecretStr(browser_key))


def redeem_code(db: Database, code: str | None, browser_key: str | None, policy: SessionPolicy,
                now: datetime | None = None) -> NewSession | None:
    """Use the code up and start its user's session; None if unknown, used, expired, disabled,
    or presented without the key of the browser it was issued to."""
    if not code or len(code) > 100 or not browser_key or not isinstance(browser_key, str) or len(browser_key) > 100:
        return None
    now = now or _now()
    user = repo.take_sign_in_code(db, _code_digest(code, browser_key), now)
    return start_session(db, user, policy, now) if user else None
