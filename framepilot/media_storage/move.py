"""Moving an install's media from its local folder into another storage (`framepilot
migrate-store --storage s3://…`): every upload and artifact, under the same key.

Each file is hashed as it is read, stored, then read back from the target and hashed again;
a file already in the target with the same bytes is left alone, so a re-run after an
interruption copies only what is missing. Nothing is deleted from the source.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from framepilot.media_storage.base import MediaStorage
from framepilot.media_storage.errors import ObjectNotFound, StorageError
from framepilot.media_storage.local import LocalStorage

MOVED_PREFIXES = ("uploads", "artifacts")
# Left by a crashed upload of the code before media storage; never a row's file.
PARTIAL_SUFFIX = ".part"

Progress = Callable[[int, int], None]  # files done, files in all


class FilesNotMoved(StorageError):
    """A file could not be copied, or its copy did not read back with the same SHA-256."""


@dataclass(frozen=True)
class FilesReport:
    files: int
    copied_now: int
    bytes: int


def _sha256(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _stored_sha256(storage: MediaStorage, key: str) -> str | None:
    try:
        return _sha256(storage.iter_chunks(key))
    except ObjectNotFound:
        return None


def move_files(source: LocalStorage, target: MediaStorage, progress: Progress | None = None) -> FilesReport:
    """Copy every file under uploads/ and artifacts/ of the folder `source` into `target`, verified."""
    objects = [o for prefix in MOVED_PREFIXES for o in source.list_objects(prefix)
               if not o.key.endswith(PARTIAL_SUFFIX)]
    copied = size = 0
    for done, obj in enumerate(objects, start=1):
        wanted = _sha256(source.iter_chunks(obj.key))
        if _stored_sha256(target, obj.key) != wanted:
            target.put_file(obj.key, source.local_path(obj.key))
            if _stored_sha256(target, obj.key) != wanted:
                raise FilesNotMoved(f"{obj.key}: the stored copy does not match the original; re-run to retry")
            copied += 1
        size += obj.size_bytes
        if progress is not None:
            progress(done, len(objects))
    return FilesReport(files=len(objects), copied_now=copied, bytes=size)
