"""Taking in an uploaded file, the one use case behind the browser's upload and
`POST /api/videos`: stream it into media storage under the one upload limit, hash it and
register it for the user (`ingest_upload`), then refuse it unless it probes as a usable
video and queue its analysis (`admit`). `ingest` does both; the API streams the file before
it has read the form fields after it, so it calls the two steps itself. Either way both
faces answer the same: the same refusals, the same duplicate handling, the same job.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from framepilot.core.logs import get_logger
from framepilot.errors import FramePilotError
from framepilot.media_storage import MediaStorage, StorageError, TooLarge, storage_for
from framepilot.media_storage.keys import upload_key
from framepilot.models import DirectorMode, User, Video
from framepilot.pipeline.probe import InvalidVideo
from framepilot.services import quotas
from framepilot.services.jobs import Submission, submit_analysis
from framepilot.services.library import delete_video
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo

ALLOWED_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mpg", ".mpeg"}


class UploadRejected(FramePilotError, ValueError):
    """The upload cannot be accepted; the message tells the user why."""

    user_facing = True


class UploadFailed(FramePilotError, RuntimeError):
    """The server could not store the upload (disk, database); nothing of it is left behind."""

    user_facing = True


class NotAVideo(UploadRejected):
    """The file was stored but is no usable video (a JPEG named .mp4); it is removed again."""


class UploadTooLarge(UploadRejected):
    """The upload passed the size limit (found while streaming it, before it is stored)."""


@dataclass(frozen=True)
class Ingested:
    video: Video
    duplicate: bool


@dataclass(frozen=True)
class AnalysisRequest:
    """What the uploader asked for beside the file."""

    modes: tuple[DirectorMode, ...] = tuple(DirectorMode)
    provider: str | None = None
    voice: bool = False
    language: str | None = None  # a Whisper code (models.languages); None: detect


@dataclass(frozen=True)
class Ingestion:
    """A stored, checked upload and the job that answers it."""

    video: Video
    duplicate: bool  # the same file was stored before (nothing new stored)
    submission: Submission  # submission.reused: an existing job or finished analysis answers it


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
    """Stream `stream` into media storage under the upload limit, hashing it on the way.

    The same content uploaded again by the same user returns the stored video
    (`duplicate=True`), so its analysis is offered instead of paid for twice. The row's
    `stored_path` is the upload's storage key. A failure to store it raises UploadFailed and
    leaves nothing stored, so a batch can go on.
    """
    room = quotas.room_for_upload(db, settings, user)  # QuotaExceeded (videos, stored bytes) before a byte
    quotas.check_job_room(db, settings, user)  # its analysis could not be queued either
    video_id = repo.new_id()
    key = upload_key(user.id, video_id, _suffix(filename))
    try:
        storage = storage_for(settings)
        written = storage.put_stream(key, stream, max_bytes=min(settings.max_upload_bytes, room))
    except TooLarge:
        if room < settings.max_upload_bytes:
            raise quotas.stored_bytes_exceeded(db, settings, user) from None
        raise UploadTooLarge(f"The file is larger than the {settings.max_upload_mb} MB upload limit.") from None
    except (OSError, StorageError) as exc:  # a full disk, an unreachable bucket: nothing was stored
        _log_failure(exc)
        reason = getattr(exc, "strerror", None) or "storage error"
        raise UploadFailed(f"The file could not be saved on the server ({reason}). Try again later.") from None
    kept = False
    try:
        if written.size_bytes == 0:
            raise UploadRejected("The file is empty (0 bytes).")
        existing = repo.find_video_by_sha256(db, user, written.sha256)
        if existing is not None:
            return Ingested(existing, duplicate=True)
        video = repo.create_video(
            db, user, filename=display_name(filename), stored_path=key,
            sha256=written.sha256, size_bytes=written.size_bytes, video_id=video_id,
        )
        kept = True
        return Ingested(video, duplicate=False)
    except UploadRejected:
        raise
    except repo.AlreadyExists:  # the same content, stored by a concurrent upload of it
        existing = repo.find_video_by_sha256(db, user, written.sha256)
        if existing is None:
            raise UploadFailed("The file could not be saved. Try again.") from None
        return Ingested(existing, duplicate=True)
    except Exception as exc:  # noqa: BLE001 - any store failure: this file fails, the batch goes on
        _log_failure(exc)
        raise UploadFailed("The file could not be registered (database busy or unavailable). Try again.") from None
    finally:
        if not kept:
            _discard(storage, key)


def _discard(storage: MediaStorage, key: str) -> None:
    """Remove a stored upload that no row names (a duplicate, a failed insert)."""
    try:
        storage.delete(key)
    except (OSError, StorageError) as exc:
        _log_failure(exc)


def _log_failure(exc: BaseException) -> None:
    get_logger(component="uploads").warning("upload.failed", error_type=type(exc).__name__)


def ingest_path(db: Database, settings: Settings, user: User, path: Path) -> Ingested:
    with open(path, "rb") as fh:
        return ingest_upload(db, settings, user, Path(path).name, fh)


def admit(db: Database, settings: Settings, user: User, ingested: Ingested, request: AnalysisRequest) -> Ingestion:
    """Probe a new upload now and queue its analysis. A file that is no usable video raises
    `NotAVideo` and is removed (unless it was a duplicate of one stored before), so it never
    reaches the worker; the analysis then skips the probe stage it already has."""
    from framepilot.services.analysis import probe_upload

    video = ingested.video
    if video.probe is None:
        try:
            probe_upload(db, settings, user, video.id)
        except InvalidVideo as exc:
            if not ingested.duplicate:
                delete_video(db, settings, user, video.id)
            raise NotAVideo(str(exc)) from None
    submission = submit_analysis(db, settings, user, video.id, modes=request.modes, provider=request.provider,
                                 voice=request.voice, language=request.language)
    return Ingestion(repo.get_video(db, user, video.id), ingested.duplicate, submission)


def ingest(db: Database, settings: Settings, user: User, filename: str, stream: BinaryIO,
           request: AnalysisRequest) -> Ingestion:
    """Store, de-duplicate, check and queue one upload (`ingest_upload`, then `admit`)."""
    return admit(db, settings, user, ingest_upload(db, settings, user, filename, stream), request)
