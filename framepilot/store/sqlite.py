"""The SQLite backend: the zero-set-up default, one file in the data folder.

WAL mode lets readers and one writer work at once; busy_timeout makes concurrent writers
wait instead of failing. Isolation between users is the repository's WHERE clauses (SQLite
has no row-level security); the acting user is still checked so callers can't forget it.

Each thread keeps its own two connections (one read-only, one for transactions) and reuses
them: opening a connection re-reads the schema and closing the last one checkpoints the WAL,
which cost far more than the query itself (the API's token lookup fell from about 2 ms of CPU
to 0.05 ms). A thread
that needs a second connection while its own is in use (a read inside a transaction) gets a
short-lived one, as before.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from framepilot.core.crypto import Cipher
from framepilot.store.db import (
    Database,
    IntegrityError,
    acting_user_id,
    iter_migrations,
)

BUSY_TIMEOUT_MS = 15_000


class _Connection:
    """sqlite3 with its IntegrityError reported as the store's own. Its cursors end with the
    transaction (`finish`), as they did when the connection itself was closed: a cursor left
    half-read on a reused connection would pin an old snapshot for that thread's later reads."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._cursors: list[sqlite3.Cursor] = []

    def execute(self, sql: str, params: tuple | list = ()) -> sqlite3.Cursor:
        try:
            cursor = self._conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc
        self._cursors.append(cursor)
        return cursor

    def executemany(self, sql: str, rows: list) -> sqlite3.Cursor:
        try:
            cursor = self._conn.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc
        self._cursors.append(cursor)
        return cursor

    def finish(self) -> None:
        for cursor in self._cursors:
            cursor.close()
        self._cursors.clear()

    def copy_rows(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)


class _Kept(threading.local):
    """One thread's reusable connections: read-only and read-write, each free or in use."""

    def __init__(self) -> None:
        self.reader: sqlite3.Connection | None = None
        self.writer: sqlite3.Connection | None = None
        self.busy: set[str] = set()
        self.generation = 0


class SQLiteDatabase(Database):
    """A path to the SQLite file plus the cipher for encrypted columns."""

    dialect = "sqlite"

    def __init__(self, path: Path, cipher: Cipher) -> None:
        self.path = Path(path)
        self.cipher = cipher
        self._kept = _Kept()
        self._generation = 0  # close() bumps it: every thread then reopens its connections
        self._pid = os.getpid()

    @classmethod
    def open(cls, path: Path, cipher: Cipher) -> SQLiteDatabase:
        migrate(path)
        return cls(path, cipher)

    @property
    def key(self) -> str:
        return f"sqlite:{self.path.resolve()}"

    def _raw(self, *, read_only: bool) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if read_only:
            conn.execute("PRAGMA query_only = ON")
        else:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    @contextmanager
    def _lease(self, role: str) -> Iterator[sqlite3.Connection]:
        """This thread's kept connection for `role` ("reader" or "writer"), or a fresh one to
        close afterwards when it is in use (nested) or this is a forked child. A kept
        connection left inside a transaction (its rollback failed) is dropped, not reused."""
        kept = self._kept
        if kept.generation != self._generation:
            self._drop_kept()
        if role in kept.busy or os.getpid() != self._pid:
            conn = self._raw(read_only=role == "reader")
            try:
                yield conn
            finally:
                conn.close()
            return
        conn = getattr(kept, role)
        if conn is None:
            conn = self._raw(read_only=role == "reader")
            setattr(kept, role, conn)
        kept.busy.add(role)
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # the rollback itself failed: start afresh next time
                setattr(kept, role, None)
                conn.close()
            raise
        finally:
            kept.busy.discard(role)

    @contextmanager
    def connect(self, acting: Any) -> Iterator[_Connection]:
        """One transaction (BEGIN IMMEDIATE), committed on success, rolled back on error."""
        acting_user_id(acting)
        with self._lease("writer") as conn:
            conn.execute("BEGIN IMMEDIATE")
            wrapped = _Connection(conn)
            try:
                yield wrapped
            except BaseException:
                wrapped.finish()
                conn.execute("ROLLBACK")
                raise
            wrapped.finish()
            conn.execute("COMMIT")

    @contextmanager
    def read(self, acting: Any) -> Iterator[_Connection]:
        """A read-only connection (`query_only`) that never takes the write lock; each
        statement sees the latest committed data."""
        acting_user_id(acting)
        with self._lease("reader") as conn:
            wrapped = _Connection(conn)
            try:
                yield wrapped
            finally:
                wrapped.finish()

    def _drop_kept(self) -> None:
        kept = self._kept
        for role in ("reader", "writer"):
            conn = getattr(kept, role)
            if conn is not None and role not in kept.busy:
                setattr(kept, role, None)
                conn.close()
        kept.generation = self._generation

    def close(self) -> None:
        """Close this thread's kept connections; other threads reopen theirs on next use."""
        self._generation += 1
        self._drop_kept()


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
