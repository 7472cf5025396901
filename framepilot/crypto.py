"""Encryption at rest for filenames, transcript text and director notes (Fernet).

The key comes from FRAMEPILOT_SECRET_KEY, or is generated once into the data folder
with 0600 permissions. A wrong or lost key raises `DecryptionError`, never garbage.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

KEY_FILE_NAME = "secret.key"


class DecryptionError(RuntimeError):
    """Stored data cannot be decrypted with the configured key."""


def generate_key() -> str:
    return Fernet.generate_key().decode()


def load_or_create_key(data_dir: Path, configured: str | None) -> bytes:
    if configured:
        return configured.encode()
    path = Path(data_dir) / KEY_FILE_NAME
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    # O_EXCL: when two processes start together, exactly one writes the key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


class Cipher:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)
        self._key = key

    def derive_key(self, purpose: str) -> bytes:
        """A separate key for one purpose (e.g. signing session cookies), so no key serves two jobs."""
        return hmac.new(self._key, f"framepilot:{purpose}".encode(), hashlib.sha256).digest()

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise DecryptionError(
                "Stored data cannot be decrypted: the secret key differs from the one it was "
                "written with. Restore FRAMEPILOT_SECRET_KEY or data/secret.key."
            ) from None
