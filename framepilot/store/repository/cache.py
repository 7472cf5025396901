"""The AI response cache, keyed on a hash of the request and kept per user: a hit never
tells one user what another has asked."""

from __future__ import annotations

from framepilot.store.db import Database


def cache_get(db: Database, user_id: int, key: str) -> str | None:
    with db.read(user_id) as conn:
        row = conn.execute("SELECT response FROM llm_cache WHERE user_id = ? AND key = ?", (user_id, key)).fetchone()
    return row["response"] if row else None


def cache_put(db: Database, user_id: int, key: str, response: str) -> None:
    with db.connect(user_id) as conn:
        conn.execute("INSERT INTO llm_cache(user_id, key, response) VALUES (?, ?, ?)"
                     " ON CONFLICT(user_id, key) DO UPDATE SET response = excluded.response", (user_id, key, response))
