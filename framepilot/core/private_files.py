"""Files at rest are the owner's alone: folders 0700, files 0600.

Processes set a 077 umask at start (`framepilot` commands, and so `make run`'s app and
worker), so whatever they or their libraries write (uploads, artifacts, the store, the
queue, the key, exports) is created owner-only. Folders we create are 0700 whatever the
umask, and `lock_down` fixes what an earlier version left readable.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from framepilot.core.logs import get_logger

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def restrict_new_files() -> None:
    """From now on this process (and its children) creates files 0600 and folders 0700."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> None:
    """Make an existing file of ours 0600 (the key file may live outside the data folder)."""
    _chmod(path, FILE_MODE)


def lock_down(folder: Path) -> int:
    """Make every folder below `folder` 0700 and every file 0600; returns how many changed.

    Symbolic links are left alone (and not followed): what they point to is not ours.
    """
    changed = 0
    if not folder.is_dir():
        return changed
    for root, dirs, files in os.walk(folder):
        for name, mode in [*((d, DIR_MODE) for d in dirs), *((f, FILE_MODE) for f in files)]:
            changed += _chmod(Path(root) / name, mode)
    return changed + _chmod(folder, DIR_MODE)


def _chmod(path: Path, mode: int) -> int:
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
            return 0
        path.chmod(mode)
        return 1
    except FileNotFoundError:  # removed while we walked (a finished .part file)
        return 0
    except PermissionError:  # not ours (a mounted folder): say so, don't stop
        get_logger(component="files").warning("files.chmod_refused", mode=oct(mode))
        return 0
