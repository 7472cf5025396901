"""Encryption at rest for filenames, transcript text, director notes and cached AI replies.

The keyring comes from FRAMEPILOT_SECRET_KEY, or from a key file (FRAMEPILOT_SECRET_KEY_FILE,
default DATA_DIR/secret.key, generated once with 0600 permissions). It may hold several
Fernet keys: the first encrypts, every one decrypts, which is what lets `framepilot keys
rotate` move the data to a new key without a moment where some of it is unreadable. A
wrong or lost key raises `DecryptionError`, never garbage.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from framepilot.core.private_files import FILE_MODE, private_dir, private_file
from framepilot.errors import FramePilotError

if TYPE_CHECKING:
    from framepilot.settings import Settings

KEY_FILE_NAME = "secret.key"
UNREADABLE_MESSAGE = (
    "Stored data cannot be decrypted: the secret key differs from the one it was written with. "
    "Restore FRAMEPILOT_SECRET_KEY or the key file (FRAMEPILOT_SECRET_KEY_FILE, default data/secret.key)."
)


class DecryptionError(FramePilotError, RuntimeError):
    """Stored data cannot be decrypted with the configured key."""


def generate_key() -> str:
    return Fernet.generate_key().decode()


def parse_keys(text: str) -> list[bytes]:
    """Keys separated by commas or lines; blank lines and `#` comments are ignored."""
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return [k.encode() for line in lines for k in re.split(r"[,\s]+", line) if k]


def load_keys(settings: Settings) -> list[bytes]:
    """The keyring: FRAMEPILOT_SECRET_KEY, else the key file (made with one new key if missing)."""
    configured = settings.secret_key.get_secret_value() if settings.secret_key else ""
    if configured:
        return parse_keys(configured)
    path = settings.key_path
    if not path.exists():
        private_dir(path.parent)
        # O_EXCL: when two processes start together, exactly one writes the key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(Fernet.generate_key() + b"\n")
    private_file(path)
    keys = parse_keys(path.read_text(encoding="ascii"))
    if not keys:
        raise DecryptionError(f"The key file {path.name} is empty. {UNREADABLE_MESSAGE}")
    return keys


def write_key_file(path: Path, keys: Sequence[bytes]) -> None:
    """Replace the key file atomically (0600): a crash leaves the old file or the new one."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(b"".join(k + b"\n" for k in keys))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Cipher:
    """Fernet over a keyring: encrypts with the first key, decrypts with any of them."""

    def __init__(self, keys: bytes | Sequence[bytes]) -> None:
        keys = [keys] if isinstance(keys, bytes) else list(keys)
        self._current = Fernet(keys[0])
        self._fernet = MultiFernet([Fernet(k) for k in keys])
        self._key = keys[0]

    def derive_key(self, purpose: str) -> bytes:
        """A separate key for one purpose (e.g. signing session cookies), so no key serves two
        jobs. Derived from the current key: a key rotation signs everyone out."""
        return hmac.new(self._key, f"framepilot:{purpose}".encode(), hashlib.sha256).digest()

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise DecryptionError(UNREADABLE_MESSAGE) from None

    def is_current(self, token: str) -> bool:
        """True when the first key alone decrypts `token` (nothing left to rotate)."""
        try:
            self._current.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return False
        return True

    def reencrypt(self, token: str) -> str:
        """The same plaintext encrypted with the first key; DecryptionError if no key reads it."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            raise DecryptionError(UNREADABLE_MESSAGE) from None
