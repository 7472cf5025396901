"""Media storage in a local folder: the zero-set-up default (the data folder).

Keys map to files below the root; a key that could resolve outside it is refused. Files
are written whole (temporary file, then rename) and readable by their owner only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from framepilot.media_storage.base import MediaStorage, StoredObject, Written
from framepilot.media_storage.errors import InvalidKey, ObjectNotFound
from framepilot.media_storage.keys import validate_key, validate_prefix
from framepilot.media_storage.streams import (
    Tally,
    read_chunks,
    read_file_range,
    write_atomically,
)


class LocalStorage(MediaStorage):
    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.location = str(self.root)

    def _path(self, key: str) -> Path:
        path = self.root / validate_key(key)
        # A symlink inside the root must not lead out of it either.
        if not path.resolve().is_relative_to(self.root):
            raise InvalidKey(f"storage key {key!r} leaves the storage folder")
        return path

    def _folder(self, prefix: str) -> Path:
        prefix = validate_prefix(prefix)
        return self._path(prefix) if prefix else self.root

    def put_stream(self, key: str, stream: BinaryIO, max_bytes: int | None = None) -> Written:
        tally = Tally()
        write_atomically(self._path(key), tally.count(read_chunks(stream), max_bytes))
        return Written(key=key, size_bytes=tally.size, sha256=tally.sha256)

    def iter_chunks(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        path = self._existing(key)
        return read_file_range(path, start, end)

    def size(self, key: str) -> int:
        return self._existing(key).stat().st_size

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        if not validate_prefix(prefix):
            raise InvalidKey("refusing to delete the whole storage")
        found = self.list_objects(prefix)
        shutil.rmtree(self._folder(prefix), ignore_errors=True)
        return len(found)

    def list_objects(self, prefix: str = "") -> list[StoredObject]:
        folder = self._folder(prefix)
        found = []
        for dirpath, _dirs, files in os.walk(folder):
            for name in files:
                if name.startswith("."):  # temporary files of writes in progress
                    continue
                path = Path(dirpath) / name
                found.append(StoredObject(key=path.relative_to(self.root).as_posix(),
                                          size_bytes=path.stat().st_size))
        return sorted(found, key=lambda o: o.key)

    def url_for_browser(self, key: str, expires_s: int = 3600) -> str | None:
        validate_key(key)
        return None

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    def _existing(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise ObjectNotFound(f"no stored object {key!r}")
        return path
