"""Accounts: create, look up for sign-in, change passwords, disable, grant admin, list (admins
only), and the identity-provider subjects linked to an account."""

from __future__ import annotations

from framepilot.models import (
    User,
)
from framepilot.store.db import SYSTEM, Connection, Database, Row
from framepilot.store.repository._common import NotFound, _now

# --- users ----------------------------------------------------------------------------


def _user(row: Row) -> User:
    return User(id=row["id"], email=row["email"], is_admin=bool(row["is_admin"]),
                disabled=row["disabled_at"] is not None)


def insert_user(db: Database, email: str, password_hash: str, is_admin: bool = False) -> User:
    with db.connect(SYSTEM) as conn:
        cur = conn.execute(
            "INSERT INTO users(email, password_hash, is_admin) VALUES (?, ?, ?) RETURNING id",
            (email.strip().lower(), password_hash, int(is_admin)),
        )
        return User(id=cur.fetchone()[0], email=email.strip().lower(), is_admin=is_admin)


def user_credentials(db: Database, email: str) -> tuple[User, str] | None:
    """The user and their password hash, for authentication only (disabled users included)."""
    with db.read(SYSTEM) as conn:
        row = conn.execute("SELECT * FROM users WHERE email = ?", (email.strip().lower(),)).fetchone()
    return (_user(row), row["password_hash"]) if row else None


def set_password_hash(db: Database, user: User, password_hash: str, revoke_sessions: bool = False) -> None:
    """Store a new hash; a password *change* also ends every session and revokes every API token
    of the account, atomically."""
    with db.connect(SYSTEM) as conn:  # the app's own database role may not write these columns
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user.id))
        if revoke_sessions:
            _revoke_sessions(conn, user.id)


def set_user_disabled(db: Database, user: User, disabled: bool) -> User:
    """Disabling an account ends its sessions and revokes its API tokens in the same transaction
    (re-enabling it brings neither back)."""
    with db.connect(SYSTEM) as conn:  # the app's own database role may not write these columns
        conn.execute("UPDATE users SET disabled_at = ? WHERE id = ?", (_now() if disabled else None, user.id))
        if disabled:
            _revoke_sessions(conn, user.id)
    return get_user(db, user.id)


def set_user_admin(db: Database, user: User, is_admin: bool) -> User:
    """As the system: the app's own database role may not change `is_admin`."""
    with db.connect(SYSTEM) as conn:
        conn.execute("UPDATE users SET is_admin = ? WHERE id = ?", (int(is_admin), user.id))
    return get_user(db, user.id)


def _revoke_sessions(conn: Connection, user_id: int) -> None:
    """End every browser session and revoke every API token of the account: what a password
    change or a disable must take away, so a stolen credential of either kind dies with it."""
    now = _now()
    conn.execute("UPDATE auth_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", (now, user_id))
    conn.execute("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", (now, user_id))


def get_user(db: Database, user_id: int) -> User:
    with db.read(SYSTEM) as conn:
        row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise NotFound("user not found")
    return _user(row)


def find_user(db: Database, email: str) -> User:
    found = user_credentials(db, email)
    if found is None:
        raise NotFound("user not found")
    return found[0]


def list_users(db: Database, acting: User) -> list[User]:
    """Admins see everyone; others see themselves."""
    if not acting.is_admin:
        return [acting]
    with db.read(SYSTEM) as conn:  # admins only (checked above)
        return [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY email")]


def count_users(db: Database) -> int:
    with db.read(SYSTEM) as conn:
        return conn.execute("SELECT count(*) FROM users").fetchone()[0]


# --- identity-provider subjects -------------------------------------------------------


def user_for_identity(db: Database, issuer: str, subject: str) -> User | None:
    with db.read(SYSTEM) as conn:
        row = conn.execute(
            "SELECT u.* FROM user_identities i JOIN users u ON u.id = i.user_id"
            " WHERE i.issuer = ? AND i.subject = ?", (issuer, subject)).fetchone()
    return _user(row) if row else None


def link_identity(db: Database, user: User, issuer: str, subject: str) -> bool:
    """Link (issuer, subject) to the user, unless the user already has a subject at that issuer.

    Returns False when it was not linked, so a second identity at the same provider that
    merely claims the same email cannot take the account over.
    """
    with db.connect(user) as conn:
        taken = conn.execute("SELECT 1 FROM user_identities WHERE user_id = ? AND issuer = ?",
                             (user.id, issuer)).fetchone()
        if taken:
            return False
        conn.execute("INSERT INTO user_identities(issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)",
                     (issuer, subject, user.id, _now()))
    return True
