"""Counters for rate limits that every process shares (sign-in throttling): one row per key,
with the moment its window ends. Times are Unix seconds from the caller's clock."""

from __future__ import annotations

from framepilot.store.db import SYSTEM, Database


def rate_limit_incr(db: Database, key: str, amount: int, window_s: float, now: float) -> int:
    """Add `amount` to the key's counter, starting a new window if the old one has ended."""
    with db.connect(SYSTEM) as conn:
        conn.execute("DELETE FROM rate_limits WHERE expires_at <= ?", (now,))
        return conn.execute(
            "INSERT INTO rate_limits(key, hits, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET hits = rate_limits.hits + excluded.hits"
            " RETURNING hits",
            (key, amount, now + window_s),
        ).fetchone()[0]


def rate_limit_hits(db: Database, key: str, now: float) -> int:
    with db.read(SYSTEM) as conn:
        row = conn.execute("SELECT hits FROM rate_limits WHERE key = ? AND expires_at > ?", (key, now)).fetchone()
    return row[0] if row else 0


def rate_limit_expiry(db: Database, key: str, now: float) -> float:
    """When the key's window ends (now, if it has none)."""
    with db.read(SYSTEM) as conn:
        row = conn.execute("SELECT expires_at FROM rate_limits WHERE key = ? AND expires_at > ?",
                           (key, now)).fetchone()
    return row[0] if row else now


def rate_limit_clear(db: Database, key: str | None = None) -> int:
    """Forget one key's counter, or every counter when key is None; returns rows removed."""
    with db.connect(SYSTEM) as conn:
        if key is None:
            return conn.execute("DELETE FROM rate_limits").rowcount
        return conn.execute("DELETE FROM rate_limits WHERE key = ?", (key,)).rowcount
