"""Chunked reading under a size limit, hashing on the way, and all-or-nothing local writes:
the pieces both storage backends and the scratch cache share."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from framepilot.media_storage.errors import TooLarge

CHUNK = 1024 * 1024  # bytes read or yielded at a time; never a whole file


class Tally:
    """Counts and hashes the bytes that pass through `count`."""

    def __init__(self) -> None:
        self.size = 0
        self._sha256 = hashlib.sha256()

    def count(self, chunks: Iterable[bytes], max_bytes: int | None = None) -> Iterator[bytes]:
        """Yield `chunks`, raising TooLarge before the first byte past `max_bytes`."""
        for chunk in chunks:
            if max_bytes is not None and self.size + len(chunk) > max_bytes:
                raise TooLarge(max_bytes)
            self.size += len(chunk)
            self._sha256.update(chunk)
            yield chunk

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()


def read_chunks(stream: BinaryIO, chunk_size: int = CHUNK) -> Iterator[bytes]:
    while chunk := stream.read(chunk_size):
        yield chunk


def read_file_range(path: Path, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        fh.seek(start)
        left = None if end is None else max(0, end - start)
        while left is None or left > 0:
            chunk = fh.read(CHUNK if left is None else min(CHUNK, left))
            if not chunk:
                return
            if left is not None:
                left -= len(chunk)
            yield chunk


def write_atomically(path: Path, chunks: Iterable[bytes], mode: int = 0o600) -> None:
    """Write `chunks` to a hidden temporary file beside `path`, then rename it into place,
    so `path` is either absent, the old file or the whole new one; never a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
