"""The key layout of media storage. Callers build keys here and never format them:

- `uploads/<user_id>/<video_id><ext>`: the uploaded original;
- `artifacts/<user_id>/<video_id>/<name>`: keyframes, audio, voiceovers, previews.
"""

from __future__ import annotations

import re

from framepilot.media_storage.errors import InvalidKey

MAX_KEY_CHARS = 1024
# Portable on every filesystem and S3-compatible service; a leading dot is reserved for
# temporary files, and "." / ".." can never appear as a segment.
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}")
_EXT = re.compile(r"\.[a-z0-9]{1,8}")


def validate_key(key: str) -> str:
    """Return `key` if it is a relative path of safe segments, else raise InvalidKey."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_CHARS:
        raise InvalidKey(f"invalid storage key {key!r}")
    if not all(_SEGMENT.fullmatch(part) for part in key.split("/")):
        raise InvalidKey(f"invalid storage key {key!r}")
    return key


def validate_prefix(prefix: str) -> str:
    """A folder-like prefix without its trailing slash ("" is the whole storage)."""
    stripped = prefix.rstrip("/") if isinstance(prefix, str) else prefix
    return "" if stripped == "" else validate_key(stripped)


def upload_key(user_id: str, video_id: str, ext: str) -> str:
    if not _EXT.fullmatch(ext):
        raise InvalidKey(f"invalid file extension {ext!r}")
    return validate_key(f"uploads/{user_id}/{video_id}{ext}")


def artifacts_prefix(user_id: str, video_id: str) -> str:
    return validate_key(f"artifacts/{user_id}/{video_id}")


def artifact_key(user_id: str, video_id: str, name: str) -> str:
    """`name` may hold folders of its own, such as `keyframes/0003.jpg`."""
    return validate_key(f"{artifacts_prefix(user_id, video_id)}/{name}")


def user_prefixes(user_id: str) -> list[str]:
    """Every prefix holding a user's media, for deleting an account."""
    return [validate_key(f"uploads/{user_id}"), validate_key(f"artifacts/{user_id}")]
