"""Personal API tokens: stored as hashes, listed and revoked by their owner, looked up by hash."""

from __future__ import annotations

from datetime import datetime

from framepilot.models import ApiToken, User
from framepilot.store.db import SYSTEM, Database, Row
from framepilot.store.repository._common import NotFound, _stamp, _ts, new_id
from framepilot.store.repository.users import _user


def _token(row: Row) -> ApiToken:
    return ApiToken(
        id=row["id"], name=row["name"], hint=row["hint"], created_at=_ts(row["created_at"]),
        expires_at=_ts(row["expires_at"]), last_used_at=_ts(row["last_used_at"]),
        revoked_at=_ts(row["revoked_at"]),
    )


def insert_api_token(
    db: Database, user: User, *, name: str, token_hash: str, hint: str, now: datetime,
    expires_at: datetime | None,
) -> ApiToken:
    token_id = new_id()
    with db.connect(user) as conn:
        conn.execute(
            "INSERT INTO api_tokens(id, user_id, name, token_hash, hint, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (token_id, user.id, name, token_hash, hint, _stamp(now), _stamp(expires_at) if expires_at else None),
        )
        row = conn.execute("SELECT * FROM api_tokens WHERE id = ?", (token_id,)).fetchone()
    return _token(row)


def list_api_tokens(db: Database, user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked and expired ones included."""
    with db.read(user) as conn:
        rows = conn.execute(
            "SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC", (user.id,)
        ).fetchall()
    return [_token(r) for r in rows]


def revoke_api_token(db: Database, user: User, token_id: str, now: datetime) -> ApiToken:
    """Revoke one of the user's tokens (revoking twice keeps the first time)."""
    with db.connect(user) as conn:
        conn.execute(
            "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND user_id = ?",
            (_stamp(now), token_id, user.id),
        )
        row = conn.execute(
            "SELECT * FROM api_tokens WHERE id = ? AND user_id = ?", (token_id, user.id)
        ).fetchone()
    if row is None:
        raise NotFound("token not found")
    return _token(row)


def user_for_token_hash(
    db: Database, token_hash: str, now: datetime, touch_before: datetime
) -> tuple[User, str] | None:
    """The owner and id of a live token (not revoked, not expired), else None.

    `last_used_at` is written only when older than `touch_before`, so a busy token costs
    one write a minute, not one per request.
    """
    current = _stamp(now)
    with db.read(SYSTEM) as conn:
        row = conn.execute(
            "SELECT t.id AS token_id, t.last_used_at, u.* FROM api_tokens t JOIN users u ON u.id = t.user_id"
            " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)",
            (token_hash, current),
        ).fetchone()
    if row is None:
        return None
    if row["last_used_at"] is None or row["last_used_at"] < _stamp(touch_before):
        with db.connect(SYSTEM) as conn:
            conn.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (current, row["token_id"]))
    return _user(row), row["token_id"]
