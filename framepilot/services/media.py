"""A video's media as its rows name it: a local copy for the pipeline, what a browser loads,
what a timeline export points at, and removing it all once the video is deleted.

New rows name media by storage key (`uploads/…`, `artifacts/…`; see `storage/keys.py`).
Rows written before media storage hold absolute paths inside the data folder, and keep
working: a file still on this machine is used where it is, else its path inside the data
folder is its key (`framepilot migrate-store --storage` moves such files under that key).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, Field

from framepilot.core.logs import get_logger
from framepilot.media_storage import InvalidKey, ObjectNotFound, StorageError, storage_for
from framepilot.media_storage.keys import artifacts_prefix, validate_key
from framepilot.media_storage.scratch import open_scratch
from framepilot.models import Shot, Video, Voiceover
from framepilot.settings import Settings

# A signed URL is the only permission S3 asks for, and signing out cannot take it back: it
# works for anyone who holds it until it expires. Ten minutes (it was an hour) bounds what
# outlives a sign-out; a page rerun hands out a fresh one.
URL_LIFETIME_S = 600
# A signed URL is handed out again while this much of its lifetime is left, so a page that
# reruns keeps the same URL and the browser's player is not reloaded.
URL_REUSE_MIN_LEFT_S = 300

_signed: dict[str, tuple[str, float]] = {}
_signed_lock = threading.Lock()


def legacy_file(stored: str) -> Path | None:
    """The file of a row written before media storage (an absolute path), if it is on this machine."""
    path = Path(stored)
    return path if path.is_absolute() and path.is_file() else None


def key_of(settings: Settings, stored: str) -> str | None:
    """The storage key a row's media path names; None when it cannot name one."""
    path = PurePosixPath(stored)
    try:
        if not path.is_absolute():
            return validate_key(stored)
        return validate_key(Path(stored).resolve().relative_to(settings.data_dir.resolve()).as_posix())
    except (InvalidKey, ValueError):
        return None


def key_for_old_path(settings: Settings, stored: str) -> str | None:
    """The key of a row's path older than media storage (absolute, in the data folder); None
    for a key already, or a path outside the data folder."""
    return key_of(settings, stored) if PurePosixPath(stored).is_absolute() else None


@contextmanager
def local_copy(settings: Settings, stored: str) -> Iterator[Path]:
    """A local file of the stored media, valid until the block ends (the scratch cache's copy
    when storage is remote). Raises ObjectNotFound when it is not stored."""
    legacy = legacy_file(stored)
    if legacy is not None:
        yield legacy
        return
    key = key_of(settings, stored)
    if key is None:
        raise ObjectNotFound("the stored media path names no storage key")
    with open_scratch(settings).local_copy(storage_for(settings), key) as path:
        yield path


def browser_source(settings: Settings, stored: str | None) -> str | None:
    """What a page hands `st.video` / `st.image` / `st.audio`: a local file's path (folder
    storage: Streamlit serves it), or a short-lived presigned URL (S3: the browser fetches it
    from the bucket, keeping the app out of the byte path). None when the media is missing."""
    if not stored:
        return None
    legacy = legacy_file(stored)
    if legacy is not None:
        return str(legacy)
    key = key_of(settings, stored)
    if key is None:
        return None
    storage = storage_for(settings)
    own = storage.local_path(key)
    if own is not None:
        return str(own)
    return _signed_url(storage, key)


def _signed_url(storage, key: str) -> str | None:  # noqa: ANN001 - MediaStorage
    cache_key, now = f"{storage.location}/{key}", time.monotonic()
    with _signed_lock:
        found = _signed.get(cache_key)
        if found is not None and found[1] - now > URL_REUSE_MIN_LEFT_S:
            return found[0]
    url = storage.url_for_browser(key, URL_LIFETIME_S)
    if url is not None:
        with _signed_lock:
            if len(_signed) > 10_000:
                _signed.clear()
            _signed[cache_key] = (url, now + URL_LIFETIME_S)
    return url


class ReviewMedia(BaseModel):
    """Sources the review page loads (see `browser_source`); None or absent when missing."""

    video: str | None = None
    keyframes: dict[int, str] = Field(default_factory=dict, description="shot index -> source")
    voiceover_audio: str | None = None
    voiceover_preview: str | None = None


def review_media(settings: Settings, video: Video, shots: list[Shot],
                 voiceover: Voiceover | None = None) -> ReviewMedia:
    keyframes = {s.index: browser_source(settings, s.keyframe_path) for s in shots}
    return ReviewMedia(
        video=browser_source(settings, video.stored_path),
        keyframes={index: source for index, source in keyframes.items() if source},
        voiceover_audio=browser_source(settings, voiceover.audio_path) if voiceover else None,
        voiceover_preview=browser_source(settings, voiceover.preview_path) if voiceover else None,
    )


def timeline_source(video: Video) -> str:
    """The name an editor's timeline gives the original: the name the user uploaded it under,
    which is what they relink to on their own disk. Never where this server keeps it (a path
    under the data folder, or a bucket key), whatever the storage."""
    return PurePosixPath(video.filename).name or "video"


def remove_video_files(settings: Settings, video: Video) -> int:
    """Remove a deleted video's stored files, in whichever storage holds them: the upload
    (and this machine's scratch copy of it) and every artifact. Returns how many artifacts
    went. A storage failure is logged, not raised: the rows are gone already, so the files
    are unreachable either way."""
    storage = storage_for(settings)
    log = get_logger(user_id=video.user_id, video_id=video.id)
    upload = key_of(settings, video.stored_path)
    try:
        legacy = legacy_file(video.stored_path)
        if legacy is not None and legacy.resolve().is_relative_to(settings.data_dir.resolve()):
            legacy.unlink(missing_ok=True)  # a row older than media storage, its file still here
        if upload is not None:
            storage.delete(upload)
            open_scratch(settings).forget(storage, upload)  # this machine's copy; other workers' age out
        return remove_artifacts(settings, video.user_id, video.id)
    except (StorageError, OSError) as exc:
        log.warning("video.files_not_deleted", error_type=type(exc).__name__)
        return 0


def remove_artifacts(settings: Settings, user_id: int, video_id: str) -> int:
    """Remove every stored artifact of a video (also those of the layout before per-user folders)."""
    storage = storage_for(settings)
    prefixes = [artifacts_prefix(user_id, video_id), f"artifacts/{video_id}"]
    return sum(storage.delete_prefix(validate_key(p)) for p in prefixes)
