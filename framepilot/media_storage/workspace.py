"""A job's workspace for one video's artifacts: stages write files into a local temporary
folder, by name (`audio.wav`, `keyframes/shot_000.jpg`), then publish what must outlive the
job into media storage under `artifacts/<user_id>/<video_id>/<name>`. A later job, maybe on
another machine, fetches what was published instead of computing it again.

The folder is removed when the job ends; one left by a killed process is swept on the next
worker start (`remove_stale_workspaces`).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from pathlib import Path
from typing import Self

from framepilot.media_storage.base import MediaStorage
from framepilot.media_storage.keys import validate_key

STALE_AFTER_S = 6 * 3600  # far longer than any job, so only a dead process's folder is this old


class Workspace:
    def __init__(self, storage: MediaStorage, root: Path, prefix: str) -> None:
        self.storage = storage
        self.prefix = validate_key(prefix)
        Path(root).mkdir(parents=True, exist_ok=True, mode=0o700)
        self.folder = Path(tempfile.mkdtemp(prefix="job-", dir=root))

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


def remove_stale_workspaces(root: Path, older_than_s: float = STALE_AFTER_S) -> int:
    """Remove job folders left by processes that died; returns how many."""
    removed = 0
    cutoff = time.time() - older_than_s
    for folder in Path(root).glob("job-*"):
        with contextlib.suppress(FileNotFoundError):
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
    return removed
