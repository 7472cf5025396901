"""The AI response cache, keyed on a hash of the request."""

from __future__ import annotations

from framepilot.store.db import Database


def cache_get(db: Database, key: str) -> str | None:
    with db.read() as conn:
        row = conn.execute("SELECT response FROM llm_cache WHERE key = ?", (key,)).fetchone()
    return row["response"] if row else None


def cache_put(db: Database, key: str, response: str) -> None:
    with db.connect() as conn:
        conn.execute("INSERT OR REPLACE INTO llm_cache(key, response) VALUES (?, ?)", (key, response))
