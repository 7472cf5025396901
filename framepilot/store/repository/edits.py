"""The edit of a video: the user's on/off choice for each suggested cut (by cut id)."""

from __future__ import annotations

from framepilot.models import User
from framepilot.store.db import Database
from framepilot.store.repository._common import _now
from framepilot.store.repository.videos import _require_video


def cut_choices(db: Database, user: User, video_id: str) -> dict[str, bool]:
    """The cuts this user switched for this video: cut id -> enabled."""
    with db.read(user) as conn:
        _require_video(conn, user, video_id)
        rows = conn.execute("SELECT cut_id, enabled FROM edit_cut_choices WHERE video_id = ?", (video_id,)).fetchall()
    return {r["cut_id"]: bool(r["enabled"]) for r in rows}


def save_cut_choices(db: Database, user: User, video_id: str, choices: dict[str, bool]) -> None:
    """Record on/off choices for some cuts (others keep theirs)."""
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        conn.executemany(
            "INSERT INTO edit_cut_choices(video_id, cut_id, enabled, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (video_id, cut_id) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at",
            [(video_id, cut_id, int(enabled), _now()) for cut_id, enabled in choices.items()],
        )


def clear_cut_choices(db: Database, user: User, video_id: str, cut_ids: list[str]) -> None:
    """Forget the choice for these cuts (each goes back to its suggested state)."""
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        conn.executemany("DELETE FROM edit_cut_choices WHERE video_id = ? AND cut_id = ?",
                         [(video_id, cut_id) for cut_id in cut_ids])
