"""The AI response cache, keyed on a hash of the request."""

from __future__ import annotations

from framepilot.store.db import SYSTEM, Database


def cache_get(db: Database, key: str) -> str | None:
    with db.read(SYSTEM) as conn:
        row = conn.execute("SELECT response FROM llm_cache WHERE key = ?", (key,)).fetchone()
    return row["response"] if row else None


def cache_put(db: Database, key: str, response: str) -> None:
    with db.connect(SYSTEM) as conn:
        conn.execute("INSERT INTO llm_cache(key, response) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET response = excluded.response", (key, response))
