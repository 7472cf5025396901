"""A job's workspace for one video's artifacts: stages write files into a local temporary
folder, by name (`audio.wav`, `keyframes/shot_000.jpg`), then publish what must outlive the
job into media storage under `artifacts/<user_id>/<video_id>/<name>`. A later job, maybe on
another machine, fetches what was published instead of computing it again.

The folder is removed when the job ends; one left by a killed process is swept on the next
worker start (`remove_stale_workspaces`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path
from typing import Self

from framepilot.media_storage.base import MediaStorage
from framepilot.media_storage.keys import validate_key

STALE_AFTER_S = 6 * 3600  # far longer than any job, so only a dead process's folder is this old
FULL_BELOW_BYTES = 16 * 1024 * 1024  # less free than this where jobs write: call the disk full
DISK_FULL_MESSAGE = ("The worker ran out of disk space while processing this video. "
                     "Nothing is wrong with the file: retry once space is freed.")


class Workspace:
    def __init__(self, storage: MediaStorage, root: Path, prefix: str) -> None:
        self.storage = storage
        self.prefix = validate_key(prefix)
        Path(root).mkdir(parents=True, exist_ok=True, mode=0o700)
        # the name says whose it is, so a restarted worker knows a dead process's folder at once
        self.folder = Path(tempfile.mkdtemp(prefix=f"job-{_owner_tag()}-{os.getpid()}-", dir=root))

    def path(self, name: str) -> Path:
        """Where this job writes (or finds) the artifact `name`."""
        return self.folder / validate_key(name)

    def key(self, name: str) -> str:
        return validate_key(f"{self.prefix}/{name}")

    def name_of(self, path: Path | str) -> str:
        return Path(path).relative_to(self.folder).as_posix()

    def publish(self, name: str) -> str:
        """Put the local artifact `name` into storage; returns its key."""
        key = self.key(name)
        self.storage.put_file(key, self.path(name))
        return key

    def is_published(self, name: str) -> bool:
        return self.storage.exists(self.key(name))

    def fetch(self, name: str) -> Path:
        """A local file of the artifact: this job's own, the storage's own file, or a download."""
        local = self.path(name)
        if local.is_file():
            return local
        own = self.storage.local_path(self.key(name))
        if own is not None:
            return own
        self.storage.download_to(self.key(name), local)
        return local

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _owner_tag() -> str:
    return "".join(c for c in socket.gethostname() if c.isalnum())[:32] or "host"


def _owner_is_dead(folder: Path) -> bool:
    """True for a folder made on this machine by a process that no longer runs (killed, OOM)."""
    parts = folder.name.split("-")
    if len(parts) < 4 or parts[1] != _owner_tag() or not parts[2].isdigit():
        return False
    try:
        os.kill(int(parts[2]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def remove_stale_workspaces(root: Path, older_than_s: float = STALE_AFTER_S) -> int:
    """Remove job folders left by processes that died (at once when this machine made them,
    else once they are older than any job); returns how many."""
    removed = 0
    cutoff = time.time() - older_than_s
    for folder in Path(root).glob("job-*"):
        with contextlib.suppress(FileNotFoundError):
            if folder.is_dir() and (_owner_is_dead(folder) or folder.stat().st_mtime < cutoff):
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
    return removed


def out_of_space(folders: list[Path], exc: BaseException) -> bool:
    """Whether a failure is the worker's disk filling up rather than the video: an ENOSPC
    anywhere in the exception's chain, or (for a child process such as ffmpeg, whose errno
    we never see) less than FULL_BELOW_BYTES free where jobs write."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return True
        seen = seen.__cause__ or seen.__context__
    for folder in folders:
        with contextlib.suppress(OSError):
            stat = os.statvfs(folder)
            if stat.f_bavail * stat.f_frsize < FULL_BELOW_BYTES:
                return True
    return False
