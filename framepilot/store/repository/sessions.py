"""Sign-in sessions and the one-time codes that start them. Only SHA-256 hashes of the
tokens and codes are stored; the functions act for the system, keyed on those hashes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from framepilot.models import User
from framepilot.store.db import SYSTEM, Database
from framepilot.store.repository._common import _stamp, _ts, new_id
from framepilot.store.repository.users import _user


class SessionRecord(BaseModel):
    id: str
    user: User
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime



def insert_session(db: Database, user: User, token_hash: str, now: datetime, expires_at: datetime) -> str:
    session_id = new_id()
    with db.connect(user) as conn:
        # Rows that can no longer be used go when their owner signs in again.
        conn.execute("DELETE FROM auth_sessions WHERE user_id = ? AND (expires_at < ? OR revoked_at IS NOT NULL)",
                     (user.id, _stamp(now)))
        conn.execute(
            "INSERT INTO auth_sessions(id, user_id, token_hash, created_at, last_seen_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, user.id, token_hash, _stamp(now), _stamp(now), _stamp(expires_at)),
        )
    return session_id


def live_session(db: Database, token_hash: str) -> SessionRecord | None:
    """The session with this token hash, unless revoked or its account is disabled."""
    with db.read(SYSTEM) as conn:
        row = conn.execute(
            "SELECT s.id AS session_id, s.created_at AS s_created, s.last_seen_at, s.expires_at, u.*"
            " FROM auth_sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND u.disabled_at IS NULL",
            (token_hash,),
        ).fetchone()
    if row is None:
        return None
    return SessionRecord(id=row["session_id"], user=_user(row), created_at=_ts(row["s_created"]),
                         last_seen_at=_ts(row["last_seen_at"]), expires_at=_ts(row["expires_at"]))


def touch_session(db: Database, session_id: str, now: datetime) -> None:
    with db.connect(SYSTEM) as conn:
        conn.execute("UPDATE auth_sessions SET last_seen_at = ? WHERE id = ?", (_stamp(now), session_id))


def revoke_session(db: Database, token_hash: str, now: datetime) -> None:
    with db.connect(SYSTEM) as conn:
        conn.execute("UPDATE auth_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                     (_stamp(now), token_hash))


def insert_sign_in_code(db: Database, user: User, code_hash: str, now: datetime, expires_at: datetime) -> None:
    with db.connect(user) as conn:
        conn.execute("DELETE FROM sign_in_codes WHERE expires_at < ?", (_stamp(now),))
        conn.execute("INSERT INTO sign_in_codes(code_hash, user_id, expires_at) VALUES (?, ?, ?)",
                     (code_hash, user.id, _stamp(expires_at)))


def take_sign_in_code(db: Database, code_hash: str, now: datetime) -> User | None:
    """Use a code up (it is deleted whatever happens) and return its live, enabled user."""
    with db.connect(SYSTEM) as conn:
        row = conn.execute("DELETE FROM sign_in_codes WHERE code_hash = ? RETURNING user_id, expires_at",
                           (code_hash,)).fetchone()
        if row is None or row["expires_at"] <= _stamp(now):
            return None
        user = conn.execute("SELECT * FROM users WHERE id = ? AND disabled_at IS NULL",
                            (row["user_id"],)).fetchone()
    return _user(user) if user else None
