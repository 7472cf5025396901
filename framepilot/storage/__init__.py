"""Media storage: uploads and artifacts in a local folder or an S3-compatible bucket,
chosen by `FRAMEPILOT_STORAGE_URL` through `open_storage`. Callers build keys with
`framepilot.storage.keys` and never branch on the backend."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from framepilot.settings import Settings
from framepilot.storage.base import MediaStorage, StoredObject, Written
from framepilot.storage.errors import InvalidKey, ObjectNotFound, StorageError, TooLarge

__all__ = [
    "InvalidKey", "MediaStorage", "ObjectNotFound", "StorageError", "StoredObject", "TooLarge",
    "Written", "open_storage",
]


def open_storage(settings: Settings) -> MediaStorage:
    """The configured storage: `s3://bucket/prefix`, or a folder (default the data folder)."""
    url = settings.storage_url
    if url and url.startswith("s3://"):
        from framepilot.storage.s3 import S3Storage

        parts = urlsplit(url)
        return S3Storage(
            parts.netloc, parts.path.strip("/"),
            endpoint_url=settings.s3_endpoint_url,
            region=settings.aws_region,
            access_key_id=settings.aws_access_key_id,
            secret_access_key=_secret(settings.aws_secret_access_key),
            session_token=_secret(settings.aws_session_token),
        )
    from framepilot.storage.local import LocalStorage

    return LocalStorage(Path(url) if url else settings.data_dir)


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None
