"""The creator's marks on director notes: done (acted on) or ignored (not wanted).

The Review page writes them; the finish render and the next analysis read which notes are still
open through `open_notes` and `marked_keys`. A note's key is its topic and its times to the tenth
of a second, not its wording, so a note that a later analysis finds again keeps its mark.
"""

from __future__ import annotations

from collections.abc import Sequence

from framepilot.models import DirectorMode, DirectorNote, NoteMark, User
from framepilot.store import Database
from framepilot.store import repository as repo


def note_keys(notes: Sequence[DirectorNote]) -> list[str]:
    """One stable key per note, in order: 'cut@0.0-11.0' (a second note with the same topic and
    times gets '#2')."""
    seen: dict[str, int] = {}
    keys = []
    for note in notes:
        base = f"{note.category}@{note.start_s:.1f}-{note.end_s:.1f}"
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return keys


def marks(db: Database, user: User, video_id: str, mode: DirectorMode) -> dict[str, NoteMark]:
    """Note key -> mark, for one mode's notes of this video."""
    return {key: NoteMark(mark) for (m, key), mark in repo.note_marks(db, user, video_id).items()
            if m == mode.value}


def mark_note(db: Database, user: User, video_id: str, mode: DirectorMode, key: str,
              mark: NoteMark | None) -> None:
    """Mark a note done or ignored; None opens it again."""
    repo.save_note_mark(db, user, video_id, mode.value, key, None if mark is None else mark.value)


def marked_keys(db: Database, user: User, video_id: str) -> dict[DirectorMode, dict[str, NoteMark]]:
    """Every mark on this video, by mode (what the next analysis carries over)."""
    out: dict[DirectorMode, dict[str, NoteMark]] = {}
    for (mode, key), mark in repo.note_marks(db, user, video_id).items():
        out.setdefault(DirectorMode(mode), {})[key] = NoteMark(mark)
    return out


def open_notes(db: Database, user: User, video_id: str, mode: DirectorMode) -> list[DirectorNote]:
    """The mode's latest notes that are neither done nor ignored: what the finish render and
    the next analysis still act on."""
    result = repo.latest_director_result(db, user, video_id, mode)
    notes = result.notes if result is not None else []
    marked = marks(db, user, video_id, mode)
    return [note for key, note in zip(note_keys(notes), notes) if key not in marked]
