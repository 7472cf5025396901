"""The creator's own cuts of a video (frames only) and the undo history of its edit."""

from __future__ import annotations

from framepilot.models import User
from framepilot.store.db import Database
from framepilot.store.repository._common import _now
from framepilot.store.repository.videos import _require_video


def user_cut_frames(db: Database, user: User, video_id: str) -> list[tuple[str, int, int]]:
    """(cut id, start frame, end frame) of each cut the creator made, oldest first."""
    with db.read(user) as conn:
        _require_video(conn, user, video_id)
        rows = conn.execute("SELECT cut_id, start_frame, end_frame FROM edit_user_cuts WHERE video_id = ?"
                            " ORDER BY created_at, cut_id", (video_id,)).fetchall()
    return [(r["cut_id"], int(r["start_frame"]), int(r["end_frame"])) for r in rows]


def save_user_cut(db: Database, user: User, video_id: str, cut_id: str, start_frame: int, end_frame: int) -> None:
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        conn.execute(
            "INSERT INTO edit_user_cuts(video_id, cut_id, start_frame, end_frame, created_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (video_id, cut_id) DO UPDATE SET start_frame = excluded.start_frame,"
            " end_frame = excluded.end_frame",
            (video_id, cut_id, start_frame, end_frame, _now()),
        )


def delete_user_cut(db: Database, user: User, video_id: str, cut_id: str) -> None:
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        conn.execute("DELETE FROM edit_user_cuts WHERE video_id = ? AND cut_id = ?", (video_id, cut_id))


def push_edit_step(db: Database, user: User, video_id: str, step_json: str) -> None:
    """Append one change to the video's edit history."""
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        last = conn.execute("SELECT MAX(seq) AS seq FROM edit_steps WHERE video_id = ?", (video_id,)).fetchone()
        seq = (last["seq"] or 0) + 1
        conn.execute("INSERT INTO edit_steps(video_id, seq, step_json, created_at) VALUES (?, ?, ?, ?)",
                     (video_id, seq, step_json, _now()))


def pop_edit_step(db: Database, user: User, video_id: str) -> str | None:
    """Take the newest change off the history (None when there is nothing to undo)."""
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        row = conn.execute("SELECT seq, step_json FROM edit_steps WHERE video_id = ? ORDER BY seq DESC LIMIT 1",
                           (video_id,)).fetchone()
        if row is None:
            return None
        conn.execute("DELETE FROM edit_steps WHERE video_id = ? AND seq = ?", (video_id, row["seq"]))
    return row["step_json"]


def count_edit_steps(db: Database, user: User, video_id: str) -> int:
    with db.read(user) as conn:
        _require_video(conn, user, video_id)
        row = conn.execute("SELECT COUNT(*) AS n FROM edit_steps WHERE video_id = ?", (video_id,)).fetchone()
    return int(row["n"])
