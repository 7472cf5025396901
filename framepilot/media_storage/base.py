"""The media-storage seam: one small protocol that a local folder and an S3 bucket both
implement, the typed results it returns, and the errors callers can catch."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from pydantic import BaseModel

from framepilot.media_storage.errors import ObjectNotFound
from framepilot.media_storage.streams import Tally, write_atomically


class Written(BaseModel):
    """What a put stored: the key, its size and the SHA-256 of its bytes."""

    key: str
    size_bytes: int
    sha256: str


class StoredObject(BaseModel):
    key: str
    size_bytes: int


@runtime_checkable
class MediaStorage(Protocol):
    """Where uploads and artifacts live. Keys come from `framepilot.media_storage.keys`.

    Every write is all-or-nothing: a reader sees the old object, the whole new one, or none.
    Implementations subclass this to inherit the few methods written once here; the
    abstract ones they must write.
    """

    location: str  # a description safe to log (no credentials)

    def put_file(self, key: str, local_path: Path) -> Written:
        """Store a local file under `key` (replacing what was there, all-or-nothing)."""
        with open(local_path, "rb") as fh:
            return self.put_stream(key, fh)

    @abstractmethod
    def put_stream(self, key: str, stream: BinaryIO, max_bytes: int | None = None) -> Written:
        """Store `stream` read to its end; past `max_bytes` raise TooLarge, storing nothing."""
        ...

    @abstractmethod
    def iter_chunks(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes `start` up to `end` (exclusive; None = the end), a chunk at a time."""
        ...

    def download_to(self, key: str, local_path: Path) -> int:
        """Copy the object to `local_path` whole (temporary file, then rename); its size."""
        tally = Tally()
        write_atomically(Path(local_path), tally.count(self.iter_chunks(key)))
        return tally.size

    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key` (never raises ObjectNotFound)."""
        try:
            self.size(key)
        except ObjectNotFound:
            return False
        return True

    @abstractmethod
    def size(self, key: str) -> int:
        """The object's size in bytes; ObjectNotFound when there is none."""
        ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; a missing one is not an error."""
        ...

    @abstractmethod
    def delete_prefix(self, prefix: str) -> int:
        """Remove every object under the folder `prefix`; returns how many."""
        ...

    @abstractmethod
    def list_objects(self, prefix: str = "") -> list[StoredObject]:
        """Objects under the folder `prefix`, sorted by key."""
        ...

    @abstractmethod
    def url_for_browser(self, key: str, expires_s: int = 3600) -> str | None:
        """A URL a browser can GET the object from for `expires_s`, or None if the app must
        serve it (a local folder)."""
        ...

    @abstractmethod
    def local_path(self, key: str) -> Path | None:
        """The object's own file on this machine, if it has one (read-only for callers)."""
        ...
