"""A worker's bounded local cache of stored media (`FRAMEPILOT_SCRATCH_MB`).

ffmpeg, Whisper and the shot detector want a file on disk. `local_copy` downloads an
object once, keeps it while in use, and evicts the least recently used copies past the
bound. Several worker processes may share one cache: file locks make each object download
once and keep a copy in use from being evicted under its reader.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from framepilot.media_storage.base import MediaStorage
from framepilot.media_storage.keys import validate_key
from framepilot.settings import Settings

LOCKS = ".locks"
STALE_PARTIAL_S = 3600  # a half-written download this old belongs to a process that died


class ScratchCache:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        (self.root / LOCKS).mkdir(parents=True, exist_ok=True, mode=0o700)

    @contextlib.contextmanager
    def local_copy(self, storage: MediaStorage, key: str) -> Iterator[Path]:
        """A local file with the object's bytes, valid until the block ends.

        A folder storage hands out its own file. Stored objects are treated as write-once:
        a key rewritten in storage needs `forget` here. The bound should exceed what one
        job uses at a time, or a copy is fetched again by the next stage that needs it.
        """
        own = storage.local_path(key)
        if own is not None:
            yield own
            return
        entry = self._entry(storage, key)
        pin = self._pin(storage, key, entry)
        try:
            yield entry
        finally:
            os.close(pin)
            self._evict()  # what was kept only because it was in use may go now

    def forget(self, storage: MediaStorage, key: str) -> None:
        entry = self._entry(storage, key)
        fd = _locked(self._lock_path(entry), fcntl.LOCK_EX)
        try:
            entry.unlink(missing_ok=True)
        finally:
            os.close(fd)

    def used_bytes(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def _entry(self, storage: MediaStorage, key: str) -> Path:
        namespace = hashlib.sha256(storage.location.encode()).hexdigest()[:12]
        return self.root / namespace / validate_key(key)

    def _lock_path(self, entry: Path) -> Path:
        name = hashlib.sha256(str(entry.relative_to(self.root)).encode()).hexdigest()[:40]
        return self.root / LOCKS / f"{name}.lock"

    def _pin(self, storage: MediaStorage, key: str, entry: Path) -> int:
        """Return a descriptor holding a shared lock on `entry`, downloading it if needed."""
        lock = self._lock_path(entry)
        downloaded = False
        while True:
            fd = _locked(lock, fcntl.LOCK_SH)
            if entry.exists():
                now = time.time_ns()  # the last-used time that eviction orders by; explicit
                os.utime(entry, ns=(now, now))  # ns, as the file system clock is coarse
                break
            os.close(fd)
            fd = _locked(lock, fcntl.LOCK_EX)
            try:
                if not entry.exists():  # another process may have fetched it meanwhile
                    storage.download_to(key, entry)
                    downloaded = True
            finally:
                os.close(fd)
        if downloaded:
            self._evict()
        return fd

    def _entries(self) -> list[tuple[float, int, Path]]:
        found = []
        for dirpath, dirs, files in os.walk(self.root):
            dirs[:] = [d for d in dirs if d != LOCKS]
            for name in files:
                path = Path(dirpath) / name
                with contextlib.suppress(FileNotFoundError):
                    st = path.stat()
                    if not name.startswith("."):
                        found.append((st.st_mtime, st.st_size, path))
                    elif time.time() - st.st_mtime > STALE_PARTIAL_S:
                        path.unlink()
        return found

    def _evict(self) -> None:
        """Remove least recently used copies until the cache fits; copies in use stay."""
        guard = _locked(self.root / LOCKS / "evict.lock", fcntl.LOCK_EX)
        try:
            entries = sorted(self._entries())
            total = sum(size for _, size, _ in entries)
            for _, size, path in entries:
                if total <= self.max_bytes:
                    break
                if self._remove_unless_in_use(path):
                    total -= size
        finally:
            os.close(guard)

    def _remove_unless_in_use(self, entry: Path) -> bool:
        lock = self._lock_path(entry)
        fd = _locked(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if fd is None:
            return False
        try:
            entry.unlink(missing_ok=True)
            lock.unlink(missing_ok=True)
            return True
        finally:
            os.close(fd)


def _locked(path: Path, operation: int) -> int | None:
    """Open `path` and flock it; None if LOCK_NB and it is held.

    Eviction deletes lock files, so after locking check the name still points at the file
    we locked; if not, start again on the new one.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, operation)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def open_scratch(settings: Settings) -> ScratchCache:
    return ScratchCache(settings.scratch_dir, settings.scratch_bytes)
