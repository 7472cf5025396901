"""Local accounts, the public entry for everything about them: create, sign in (throttled,
logged without secrets), change a password, disable, grant or remove admin.

Errors never reveal whether an email has an account. The pieces live in
`framepilot.auth` (password policy, throttle, sessions, identity provider).
"""

from __future__ import annotations

import re
import secrets

from pydantic import BaseModel, ConfigDict

from framepilot.auth import audit, passwords, tokens
from framepilot.auth.throttle import SignInThrottle, reference
from framepilot.core.logs import get_logger
from framepilot.errors import FramePilotError
from framepilot.models import AuditEvent, User
from framepilot.services import quotas
from framepilot.store import Database
from framepilot.store import repository as repo

DEMO_EMAIL = "demo@framepilot.local"
LOGIN_FAILED = "Email or password is incorrect."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def _log():  # noqa: ANN202 - looked up per event, so the current logging configuration applies
    return get_logger(component="accounts")


class AccountError(FramePilotError, ValueError):
    """A user-facing account problem (bad email, weak password, duplicate, unknown account)."""

    user_facing = True


class SignInResult(BaseModel):
    """The user on success; otherwise `retry_after_s` says whether the attempt was locked out."""

    model_config = ConfigDict(frozen=True)

    user: User | None = None
    retry_after_s: int | None = None

    @property
    def locked(self) -> bool:
        return self.retry_after_s is not None


def lockout_message(retry_after_s: int) -> str:
    minutes = max(1, round(retry_after_s / 60))
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}" if retry_after_s >= 60 else "a minute"
    return f"Too many sign-in attempts. Try again in {wait}."


def _check_password(email: str, password: str) -> None:
    problem = passwords.policy_problem(password, [email])
    if problem:
        raise AccountError(problem)


def add_user(db: Database, email: str, password: str, is_admin: bool = False) -> User:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise AccountError("That does not look like an email address.")
    _check_password(email, password)
    if repo.user_credentials(db, email) is not None:
        raise AccountError("An account with that email already exists.")
    return repo.insert_user(db, email, passwords.hash_password(password), is_admin=is_admin)


def sign_in(db: Database, email: str, password: str, client: str = "unknown",
            throttle: SignInThrottle | None = None) -> SignInResult:
    """Check a password, under the per-client and per-account limits.

    Logged with the user id (on success) or a keyed hash of the email, never the email or
    the password. Disabled accounts fail exactly like a wrong password.
    """
    from framepilot.settings import get_settings

    email = (email or "").strip().lower()
    throttle = throttle or SignInThrottle.for_settings(db, get_settings())
    refs = {"account_ref": reference(db, "account", email), "client_ref": reference(db, "client", client)}
    lockout = throttle.attempt(email, client)
    if lockout is not None:
        _log().warning("auth.sign_in.locked", retry_after_s=lockout.retry_after_s, **refs)
        audit.record(db, AuditEvent.SIGN_IN_FAILED, outcome="locked")
        return SignInResult(retry_after_s=lockout.retry_after_s)
    found = repo.user_credentials(db, email) if email else None
    stored_hash = found[1] if found else passwords.DUMMY_HASH
    if not passwords.verify_password(stored_hash, password or "") or found is None or found[0].disabled:
        _log().info("auth.sign_in.failed", **refs)
        audit.record(db, AuditEvent.SIGN_IN_FAILED, subject=found[0] if found else None,
                     outcome="disabled" if found and found[0].disabled else "refused")
        return SignInResult()
    user = found[0]
    if passwords.needs_rehash(stored_hash):
        repo.set_password_hash(db, user, passwords.hash_password(password))
    throttle.succeeded(email)
    _log().info("auth.sign_in.succeeded", user_id=user.id, client_ref=refs["client_ref"])
    audit.record(db, AuditEvent.SIGN_IN, actor=user, subject=user)
    return SignInResult(user=user)


def authenticate(db: Database, email: str, password: str, client: str = "unknown") -> User | None:
    """The user when the password matches (throttled like every sign-in), else None."""
    return sign_in(db, email, password, client).user


def _account(db: Database, email: str) -> User:
    try:
        return repo.find_user(db, email)
    except repo.NotFound:
        raise AccountError("There is no account with that email.") from None


def change_password(db: Database, email: str, new_password: str) -> User:
    """Set a new password, end every session of the account and revoke its API tokens at once."""
    user = _account(db, email)
    _check_password(user.email, new_password)
    repo.set_password_hash(db, user, passwords.hash_password(new_password), revoke_sessions=True)
    _log().info("auth.password_changed", user_id=user.id)
    audit.record(db, AuditEvent.PASSWORD_CHANGED, subject=user)
    return user


def set_disabled(db: Database, email: str, disabled: bool) -> User:
    """Disable (ending every session and revoking every API token at once) or re-enable an account."""
    user = repo.set_user_disabled(db, _account(db, email), disabled)
    _log().info("auth.account_disabled" if disabled else "auth.account_enabled", user_id=user.id)
    audit.record(db, AuditEvent.ACCOUNT_DISABLED if disabled else AuditEvent.ACCOUNT_ENABLED, subject=user)
    return user


def set_admin(db: Database, email: str, is_admin: bool) -> User:
    """Grant or remove admin; takes effect on the account's next request."""
    user = repo.set_user_admin(db, _account(db, email), is_admin)
    _log().info("auth.admin_granted" if is_admin else "auth.admin_revoked", user_id=user.id)
    audit.record(db, AuditEvent.ADMIN_GRANTED if is_admin else AuditEvent.ADMIN_REVOKED, subject=user)
    return user


def ensure_demo_account(db: Database) -> str | None:
    """Create the demo account on first start; returns its password once, else None."""
    if repo.user_credentials(db, DEMO_EMAIL) is not None:
        return None
    password = secrets.token_urlsafe(12)
    add_user(db, DEMO_EMAIL, password, is_admin=True)
    return password


WRONG_PASSWORD_FOR_TOKEN = "That is not the account's current password, so no token was created."


def create_api_token(db: Database, user: User, password: str, name: str, expires_in_days: int | None = None,
                     client: str = "unknown") -> tokens.NewToken:
    """A new personal API token, only after the account's password again.

    A token outlives the browser session, so a session left open on a shared computer (or a
    stolen cookie) must not be enough to mint one. The check is a sign-in, throttled like one.
    Raises AccountError for a wrong password or a lockout, TokenError for a bad name or expiry,
    QuotaExceeded at the account's limit of live tokens.
    """
    result = sign_in(db, user.email, password, client)
    if result.locked:
        raise AccountError(lockout_message(result.retry_after_s))
    if result.user is None or result.user.id != user.id:
        raise AccountError(WRONG_PASSWORD_FOR_TOKEN)
    from framepilot.settings import get_settings

    quotas.check_token_room(db, get_settings(), user)
    return tokens.create_token(db, user, name, expires_in_days)
