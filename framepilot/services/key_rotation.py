"""`framepilot keys rotate`: move every encrypted value to a new key, safely and resumably.

1. With a key file, a new key is put in front of the old one (`NEW`, `OLD`): from then on
   every process encrypts with the new key and still reads the old. With
   FRAMEPILOT_SECRET_KEY, the operator does this step (`NEW,OLD`).
2. Every encrypted column is read in batches; each value the new key cannot read alone is
   re-encrypted with it (compare-and-swap, so a concurrent write is never overwritten).
3. A last pass verifies that the new key alone reads every value that any key could read.
   Only then is the old key dropped from the key file.

Interrupted at any point, running it again finishes the job: the key file still holds both
keys, and values already moved are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from framepilot.core.crypto import (
    Cipher,
    DecryptionError,
    generate_key,
    load_keys,
    write_key_file,
)
from framepilot.errors import FramePilotError
from framepilot.settings import Settings
from framepilot.store import Database, open_database
from framepilot.store import repository as repo

BATCH = 500
MAX_PASSES = 3


class RotationError(FramePilotError, RuntimeError):
    """Rotation cannot start or could not be verified; the message says what to do."""

    user_facing = True


@dataclass(frozen=True)
class RotationReport:
    rewritten: int  # values re-encrypted with the new key
    current: int  # values the new key reads alone after rotation
    unreadable: int  # values no key could read (already lost before rotating)
    key_file: Path | None  # the key file rewritten, or None with FRAMEPILOT_SECRET_KEY
    old_keys_left: int  # keys after the first that the operator still has to remove


def rotate_keys(settings: Settings, progress: Callable[[str], None] = lambda _: None) -> RotationReport:
    from_env = bool(settings.secret_key and settings.secret_key.get_secret_value())
    keys = load_keys(settings)
    if from_env and len(keys) < 2:
        raise RotationError(
            "FRAMEPILOT_SECRET_KEY holds a single key. Put a new one in front of it "
            "(FRAMEPILOT_SECRET_KEY=NEW,OLD with NEW from `framepilot keygen`), restart FramePilot, "
            "then run `framepilot keys rotate` again."
        )
    if not from_env and len(keys) == 1:
        keys = [generate_key().encode(), *keys]
        write_key_file(settings.key_path, keys)  # the old key stays until everything is moved
        progress("A new key now encrypts; the old one still decrypts until rotation is done.")
    db = open_database(settings)
    cipher = Cipher(keys)
    rewritten = 0
    for _ in range(MAX_PASSES):
        found_old, moved, current, unreadable = _rotation_pass(db, cipher, progress)
        rewritten += moved
        if found_old == 0:  # verified: the new key alone reads every readable value
            break
    else:
        raise RotationError(
            "Values written with the old key keep appearing: stop the app and every worker, then run "
            "`framepilot keys rotate` again. Both keys are kept, so nothing is unreadable meanwhile."
        )
    if from_env:
        return RotationReport(rewritten, current, unreadable, None, old_keys_left=len(keys) - 1)
    write_key_file(settings.key_path, keys[:1])
    return RotationReport(rewritten, current, unreadable, settings.key_path, old_keys_left=0)


def _rotation_pass(db: Database, cipher: Cipher,
                   progress: Callable[[str], None]) -> tuple[int, int, int, int]:
    """One pass over every encrypted column.

    Returns (values found under an old key, of those re-encrypted now, values already under the
    new key, values no key reads).
    """
    found_old = moved = current = unreadable = 0
    for column in repo.ENCRYPTED_COLUMNS:
        after = None
        while batch := repo.encrypted_values(db, column, after, BATCH):
            after = batch[-1][0]
            changes = []
            for keys, token in batch:
                if cipher.is_current(token):
                    current += 1
                    continue
                try:
                    changes.append((keys, token, cipher.reencrypt(token)))
                except DecryptionError:
                    unreadable += 1
            found_old += len(changes)
            moved += repo.replace_encrypted_values(db, column, changes)
        progress(f"{column.label}: checked")
    return found_old, moved, current, unreadable
