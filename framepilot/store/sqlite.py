"""The SQLite backend: the zero-set-up default, one file in the data folder.

WAL mode lets readers and one writer work at once; busy_timeout makes concurrent writers
wait instead of failing. Isolation between users is the repository's WHERE clauses (SQLite
has no row-level security); the acting user is still checked so callers can't forget it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from framepilot.crypto import Cipher
from framepilot.store.db import (
    Database,
    IntegrityError,
    acting_user_id,
    iter_migrations,
)

BUSY_TIMEOUT_MS = 15_000


class _Connection:
    """sqlite3 with its IntegrityError reported as the store's own."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: tuple | list = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc

    def executemany(self, sql: str, rows: list) -> sqlite3.Cursor:
        try:
            return self._conn.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc

    def copy_rows(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)


class SQLiteDatabase(Database):
    """A path to the SQLite file plus the cipher for encrypted columns."""

    dialect = "sqlite"

    def __init__(self, path: Path, cipher: Cipher) -> None:
        self.path = Path(path)
        self.cipher = cipher

    @classmethod
    def open(cls, path: Path, cipher: Cipher) -> SQLiteDatabase:
        migrate(path)
        return cls(path, cipher)

    @property
    def key(self) -> str:
        return f"sqlite:{self.path.resolve()}"

    def _raw(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    @contextmanager
    def connect(self, acting: Any) -> Iterator[_Connection]:
        """A short-lived connection; one transaction, committed on success."""
        acting_user_id(acting)
        conn = self._raw()
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _Connection(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def read(self, acting: Any) -> Iterator[_Connection]:
        """A read-only connection that never takes the write lock."""
        acting_user_id(acting)
        conn = self._raw()
        try:
            conn.execute("PRAGMA query_only = ON")
            yield _Connection(conn)
        finally:
            conn.close()


def migrate(path: Path) -> list[str]:
    """Apply every migration not yet applied; returns the names applied now."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    applied_now: list[str] = []
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
        )
        for number, name, sql in iter_migrations("sqlite"):
            conn.execute("BEGIN IMMEDIATE")
            done = conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (number,)).fetchone()
            if done:
                conn.execute("COMMIT")
                continue
            try:
                for statement in _split_sql(sql):
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_migrations(version, name) VALUES (?, ?)", (number, name))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            applied_now.append(name)
    finally:
        conn.close()
    return applied_now


def _split_sql(sql: str) -> list[str]:
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements
