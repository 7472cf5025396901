"""Opening the store the settings name: PostgreSQL for a postgresql:// URL, else the SQLite
file in the data folder. The one place that chooses a backend, so no backend imports another."""

from __future__ import annotations

from framepilot.core.crypto import Cipher, load_keys
from framepilot.settings import Settings
from framepilot.store.db import Database


def open_database(settings: Settings) -> Database:
    """Prepare the store named by the settings (migrating it) and return a Database."""
    settings.ensure_dirs()
    cipher = Cipher(load_keys(settings))
    url = settings.database_url_resolved
    if url.startswith(("postgresql://", "postgres://")):
        from framepilot.store.postgres import PostgresDatabase

        return PostgresDatabase.open(url, cipher, pool_size=settings.database_pool_size)
    from framepilot.store.sqlite import SQLiteDatabase

    return SQLiteDatabase.open(settings.db_path, cipher)
