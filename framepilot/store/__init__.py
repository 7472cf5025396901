"""The system of record: SQLite (default) or PostgreSQL behind one `Database`, numbered
migrations per dialect, and typed repository functions (`repository/`)."""

from framepilot.store.db import SYSTEM, Database, IntegrityError, StoreUnavailable
from framepilot.store.open import open_database

__all__ = ["SYSTEM", "Database", "IntegrityError", "StoreUnavailable", "open_database"]
