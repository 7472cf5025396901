"""Media storage: uploads and artifacts in a local folder or an S3-compatible bucket,
chosen by `FRAMEPILOT_STORAGE_URL` through `open_storage`. Callers build keys with
`framepilot.media_storage.keys` and never branch on the backend."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from framepilot.media_storage.base import MediaStorage, StoredObject, Written
from framepilot.media_storage.errors import InvalidKey, ObjectNotFound, StorageError, StorageUnavailable, TooLarge
from framepilot.settings import Settings

__all__ = [
    "InvalidKey", "MediaStorage", "ObjectNotFound", "StorageError", "StorageUnavailable", "StoredObject", "TooLarge",
    "Written", "open_storage", "storage_for",
]

_opened: dict[str, MediaStorage] = {}
_lock = threading.Lock()


def open_storage(settings: Settings) -> MediaStorage:
    """The configured storage: `s3://bucket/prefix`, or a folder (default the data folder)."""
    url = settings.storage_url
    if url and url.startswith("s3://"):
        from framepilot.media_storage.s3 import S3Storage

        parts = urlsplit(url)
        return S3Storage(
            parts.netloc, parts.path.strip("/"),
            endpoint_url=settings.s3_endpoint_url,
            region=settings.aws_region,
            access_key_id=settings.aws_access_key_id,
            secret_access_key=_secret(settings.aws_secret_access_key),
            session_token=_secret(settings.aws_session_token),
            read_timeout_s=settings.s3_read_timeout_s,
            retry_timeout_s=settings.s3_retry_timeout_s,
        )
    from framepilot.media_storage.local import LocalStorage

    return LocalStorage(Path(url) if url else settings.data_dir)


def storage_for(settings: Settings) -> MediaStorage:
    """The configured storage, opened once per process and settings.

    The process id is part of the cache key: obstore's runtime must not cross a fork, so a
    forked child opens its own."""
    fields = settings.model_dump_json(include={
        "data_dir", "storage_url", "s3_endpoint_url", "aws_region", "aws_access_key_id",
        "s3_read_timeout_s", "s3_retry_timeout_s",
    }) + (_secret(settings.aws_secret_access_key) or "") + (_secret(settings.aws_session_token) or "")
    key = f"{os.getpid()}:{hashlib.sha256(fields.encode()).hexdigest()}"
    with _lock:
        if key not in _opened:
            _opened[key] = open_storage(settings)
        return _opened[key]


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None
