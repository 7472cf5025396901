"""Naming a database by its URL without its secrets: which store processes share (and so
which job queue), safe to log. No backend is imported here, so settings can use it."""

from __future__ import annotations


def postgres_key(url: str) -> str:
    """Which PostgreSQL database a URL names (host, port, database), without user or password."""
    from psycopg.conninfo import conninfo_to_dict  # a parser only: no connection, no backend module

    info = conninfo_to_dict(url)
    return f"postgresql://{info.get('host', '')}:{info.get('port', '')}/{info.get('dbname', '')}"
