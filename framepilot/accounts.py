"""Local accounts: argon2-hashed passwords, generic errors that never reveal a login exists."""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from framepilot.models import User
from framepilot.store import Database
from framepilot.store import repository as repo

DEMO_EMAIL = "demo@framepilot.local"
LOGIN_FAILED = "Email or password is incorrect."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_hasher = PasswordHasher()
# Verified against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("framepilot-dummy-password")


class AccountError(ValueError):
    """A user-facing account problem (bad email, weak password, duplicate)."""


def add_user(db: Database, email: str, password: str, is_admin: bool = False) -> User:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise AccountError("That does not look like an email address.")
    if len(password) < 8:
        raise AccountError("Passwords need at least 8 characters.")
    if repo.user_credentials(db, email) is not None:
        raise AccountError("An account with that email already exists.")
    return repo.insert_user(db, email, _hasher.hash(password), is_admin=is_admin)


def authenticate(db: Database, email: str, password: str) -> User | None:
    """The user when the password matches, else None (the caller shows LOGIN_FAILED)."""
    found = repo.user_credentials(db, email or "")
    stored_hash = found[1] if found else _DUMMY_HASH
    try:
        _hasher.verify(stored_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if found is None:
        return None
    user = found[0]
    if _hasher.check_needs_rehash(stored_hash):
        repo.set_password_hash(db, user, _hasher.hash(password))
    return user


def ensure_demo_account(db: Database) -> str | None:
    """Create the demo account on first start; returns its password once, else None."""
    if repo.user_credentials(db, DEMO_EMAIL) is not None:
        return None
    password = secrets.token_urlsafe(12)
    add_user(db, DEMO_EMAIL, password, is_admin=True)
    return password
