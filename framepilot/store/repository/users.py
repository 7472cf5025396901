"""Accounts: create, look up for sign-in, change passwords, list (admins only)."""

from __future__ import annotations

from framepilot.models import (
    User,
)
from framepilot.store.db import SYSTEM, Database, Row
from framepilot.store.repository._common import NotFound

# --- users ----------------------------------------------------------------------------


def _user(row: Row) -> User:
    return User(id=row["id"], email=row["email"], is_admin=bool(row["is_admin"]))


def insert_user(db: Database, email: str, password_hash: str, is_admin: bool = False) -> User:
    with db.connect(SYSTEM) as conn:
        cur = conn.execute(
            "INSERT INTO users(email, password_hash, is_admin) VALUES (?, ?, ?) RETURNING id",
            (email.strip().lower(), password_hash, int(is_admin)),
        )
        return User(id=cur.fetchone()[0], email=email.strip().lower(), is_admin=is_admin)


def user_credentials(db: Database, email: str) -> tuple[User, str] | None:
    """The user and their password hash, for authentication only."""
    with db.read(SYSTEM) as conn:
        row = conn.execute("SELECT * FROM users WHERE email = ?", (email.strip().lower(),)).fetchone()
    return (_user(row), row["password_hash"]) if row else None


def set_password_hash(db: Database, user: User, password_hash: str) -> None:
    with db.connect(user) as conn:
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user.id))


def get_user(db: Database, user_id: int) -> User:
    with db.read(SYSTEM) as conn:
        row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise NotFound("user not found")
    return _user(row)


def list_users(db: Database, acting: User) -> list[User]:
    """Admins see everyone; others see themselves."""
    if not acting.is_admin:
        return [acting]
    with db.read(SYSTEM) as conn:  # admins only (checked above)
        return [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY email")]


def count_users(db: Database) -> int:
    with db.read(SYSTEM) as conn:
        return conn.execute("SELECT count(*) FROM users").fetchone()[0]
