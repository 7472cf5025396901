"""Passwords: argon2 hashes, a strength policy (zxcvbn rejects common and guessable
passwords, not just short ones), and verification with bounded concurrency.

Each verification costs about 160 ms of CPU and 64 MiB (argon2's memory cost); at most
`MAX_CONCURRENT_VERIFICATIONS` run at once per process, so a burst of sign-ins cannot
multiply that memory.
"""

from __future__ import annotations

import re
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 1024
MIN_SCORE = 3  # zxcvbn 0-4; 3 = "safely unguessable: moderate protection from offline attacks"
ZXCVBN_CHARS = 100  # zxcvbn's time grows with length; the first 100 characters decide
MAX_CONCURRENT_VERIFICATIONS = 4

_hasher = PasswordHasher()
_verifying = threading.BoundedSemaphore(MAX_CONCURRENT_VERIFICATIONS)
# Verified against when the email is unknown, so both paths cost the same time.
DUMMY_HASH = _hasher.hash("framepilot-dummy-password")


def policy_problem(password: str, context: list[str]) -> str | None:
    """Why the password is not acceptable, or None. `context` holds words an attacker
    would try first (the email and its parts, the product name)."""
    if len(password) < MIN_LENGTH:
        return f"Passwords need at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Passwords can have at most {MAX_LENGTH} characters."
    words = [w for item in context for w in re.split(r"[^a-z0-9]+", item.lower()) if len(w) > 2]
    verdict = zxcvbn(password[:ZXCVBN_CHARS], user_inputs=[*context, *words, "framepilot"])
    if verdict["score"] >= MIN_SCORE:
        return None
    feedback = verdict["feedback"]
    hint = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions", [])]))
    return ("That password is too easy to guess. " + (hint or "Use a longer phrase of unrelated words.")).strip()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    with _verifying:
        try:
            return _hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
