"""Taking in an uploaded file: stream it to disk under the one upload limit, hash it,
and register it for the user. The server-side twin of Streamlit's maxUploadSize.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from framepilot.logs import get_logger
from framepilot.models import User, Video
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo

CHUNK = 1024 * 1024
ALLOWED_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mpg", ".mpeg"}


class UploadRejected(ValueError):
    """The upload cannot be accepted; the message tells the user why."""


class UploadFailed(RuntimeError):
    """The server could not store the upload (disk, database); nothing of it is left behind."""


class UploadTooLarge(UploadRejected):
    """The upload passed the size limit (found while streaming it, before it is stored)."""


@dataclass(frozen=True)
class Ingested:
    video: Video
    duplicate: bool


def display_name(filename: str) -> str:
    """A safe display name: no path parts, no control characters, unicode kept."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:200] or "video"


def has_video_suffix(filename: str) -> bool:
    """The app's upload filter: a common video container suffix (.mp4, .mov, .mkv, ...)."""
    return Path(display_name(filename)).suffix.lower() in ALLOWED_SUFFIXES


def _suffix(filename: str) -> str:
    # Only video suffixes reach the disk: libav takes a file's suffix as a hint when it guesses
    # a format (".m3u8" would invite its HLS playlist reader), and the probe decides anyway.
    suffix = Path(display_name(filename)).suffix.lower()
    return suffix if suffix in ALLOWED_SUFFIXES else ".bin"


def ingest_upload(db: Database, settings: Settings, user: User, filename: str, stream: BinaryIO) -> Ingested:
    """Copy `stream` into the uploads folder, refusing anything over the limit.

    The same content uploaded again by the same user returns the stored video
    (`duplicate=True`), so its analysis is offered instead of paid for twice. A failure to
    store it raises UploadFailed and leaves no file behind, so a batch can go on.
    """
    settings.ensure_dirs()
    limit = settings.max_upload_bytes
    video_id = repo.new_id()
    final = settings.upload_path(user.id, video_id, _suffix(filename))
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_suffix(final.suffix + ".part")
    digest, size = hashlib.sha256(), 0
    try:
        with open(partial, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadTooLarge(
                        f"The file is larger than the {settings.max_upload_mb} MB upload limit."
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRejected("The file is empty (0 bytes).")
        existing = repo.find_video_by_sha256(db, user, digest.hexdigest())
        if existing is not None:
            return Ingested(existing, duplicate=True)
        os.replace(partial, final)
        try:
            video = repo.create_video(
                db, user, filename=display_name(filename), stored_path=str(final),
                sha256=digest.hexdigest(), size_bytes=size, video_id=video_id,
            )
        except BaseException:
            final.unlink(missing_ok=True)
            raise
        return Ingested(video, duplicate=False)
    except UploadRejected:
        raise
    except repo.AlreadyExists:  # the same content, stored by a concurrent upload of it
        existing = repo.find_video_by_sha256(db, user, digest.hexdigest())
        if existing is None:
            raise UploadFailed("The file could not be saved. Try again.") from None
        return Ingested(existing, duplicate=True)
    except OSError as exc:
        _log_failure(exc)
        raise UploadFailed(f"The file could not be saved on the server ({exc.strerror or 'disk error'}). "
                           "Try again later.") from None
    except Exception as exc:  # noqa: BLE001 - any store failure: this file fails, the batch goes on
        _log_failure(exc)
        raise UploadFailed("The file could not be registered (database busy or unavailable). Try again.") from None
    finally:
        partial.unlink(missing_ok=True)


def _log_failure(exc: BaseException) -> None:
    get_logger(component="uploads").warning("upload.failed", error_type=type(exc).__name__)


def ingest_path(db: Database, settings: Settings, user: User, path: Path) -> Ingested:
    with open(path, "rb") as fh:
        return ingest_upload(db, settings, user, Path(path).name, fh)
