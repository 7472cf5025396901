"""The creator's done/ignored marks on a video's director notes (by mode and note key)."""

from __future__ import annotations

from framepilot.models import User
from framepilot.store.db import Database
from framepilot.store.repository._common import _now
from framepilot.store.repository.videos import _require_video


def note_marks(db: Database, user: User, video_id: str) -> dict[tuple[str, str], str]:
    """(mode, note key) -> 'done' or 'ignored', for this user's video."""
    with db.read(user) as conn:
        _require_video(conn, user, video_id)
        rows = conn.execute("SELECT mode, note_key, mark FROM note_marks WHERE video_id = ?", (video_id,)).fetchall()
    return {(r["mode"], r["note_key"]): r["mark"] for r in rows}


def save_note_mark(db: Database, user: User, video_id: str, mode: str, note_key: str, mark: str | None) -> None:
    """Mark a note done or ignored, or (mark None) open again."""
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        if mark is None:
            conn.execute("DELETE FROM note_marks WHERE video_id = ? AND mode = ? AND note_key = ?",
                         (video_id, mode, note_key))
            return
        conn.execute(
            "INSERT INTO note_marks(video_id, mode, note_key, mark, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (video_id, mode, note_key) DO UPDATE SET mark = excluded.mark,"
            " updated_at = excluded.updated_at",
            (video_id, mode, note_key, mark, _now()),
        )
