"""The system of record: SQLite in WAL mode, numbered migrations, typed repository functions."""

from framepilot.store.db import Database, open_database

__all__ = ["Database", "open_database"]
