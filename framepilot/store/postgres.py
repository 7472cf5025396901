"""The PostgreSQL backend: the system of record when FramePilot runs on several machines.

Isolation is enforced twice: by the repository's WHERE clauses and by row-level security
policies inside PostgreSQL (`migrations/postgres/policies.sql`). The configured URL names the
tables' owner, which migrates and sets up two login roles (`postgres_roles.py`); the app's
queries run only as those: user work on one pool as the app role, with a signed claim of the
acting user set per transaction (`set_config(..., true)`, so it dies with the transaction),
and system work on another pool as the system role. Neither can become the owner or the
other, whatever SQL it runs.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import sql as pgsql
from psycopg_pool import ConnectionPool, PoolTimeout

from framepilot.core.crypto import Cipher
from framepilot.core.database_urls import postgres_key
from framepilot.store.db import (
    Database,
    IntegrityError,
    StoreUnavailable,
    acting_user_id,
    iter_migrations,
)
from framepilot.store.postgres_roles import RoleSetupError, RuntimeRoles, ensure_runtime_roles

__all__ = ["PostgresDatabase", "RoleSetupError", "RuntimeRoles", "migrate", "postgres_key"]

log = logging.getLogger(__name__)

STORE_WAIT_S = 10.0  # how long a transaction waits for a pooled connection before giving up
MIGRATION_LOCK = 7_272_011  # pg_advisory_xact_lock key: one migrator at a time per database


class Row(tuple):
    """A row readable by column name and by index, like sqlite3.Row."""

    def __new__(cls, values: Sequence, index: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: psycopg.Cursor) -> Any:
    if cursor.description is None:
        return None
    index = {column.name: i for i, column in enumerate(cursor.description)}
    return lambda values: Row(values, index)


@lru_cache(maxsize=512)
def _translate(sql: str) -> str:
    """The repository writes qmark SQL (`?`); psycopg wants `%s` (and a literal `%` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Connection:
    def __init__(self, conn: psycopg.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: tuple | list = ()) -> psycopg.Cursor:
        try:
            return self._conn.execute(_translate(sql), tuple(params))
        except psycopg.errors.IntegrityError as exc:
            raise IntegrityError(str(exc).splitlines()[0]) from exc

    def executemany(self, sql: str, rows: list) -> psycopg.Cursor:
        cur = self._conn.cursor()
        try:
            cur.executemany(_translate(sql), [tuple(r) for r in rows])
        except psycopg.errors.IntegrityError as exc:
            raise IntegrityError(str(exc).splitlines()[0]) from exc
        return cur

    def copy_rows(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        """COPY into a temporary table, then one INSERT ... SELECT: PostgreSQL refuses COPY FROM
        into a table with row-level security, and a temporary table has none."""
        target, staging = pgsql.Identifier(table), pgsql.Identifier(f"{table}_copy")
        names = pgsql.SQL(", ").join(map(pgsql.Identifier, columns))
        try:
            with self._conn.cursor() as cur:
                cur.execute(pgsql.SQL("CREATE TEMP TABLE {} AS SELECT {} FROM {} WITH NO DATA").format(
                    staging, names, target))
                with cur.copy(pgsql.SQL("COPY {} ({}) FROM STDIN").format(staging, names)) as copy:
                    for row in rows:
                        copy.write_row(row)
                cur.execute(pgsql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(target, names, names, staging))
                cur.execute(pgsql.SQL("DROP TABLE {}").format(staging))
        except psycopg.errors.IntegrityError as exc:
            raise IntegrityError(str(exc).splitlines()[0]) from exc


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, url: str, cipher: Cipher, roles: RuntimeRoles, pool_size: int = 4) -> None:
        self.url = url
        self.cipher = cipher
        self.roles = roles
        self.pool_size = pool_size
        self._pools: dict[str, ConnectionPool] = {}
        self._pool_pid: int | None = None
        self._pool_lock = threading.Lock()

    @classmethod
    def open(cls, url: str, cipher: Cipher, pool_size: int = 4) -> PostgresDatabase:
        with psycopg.connect(url, autocommit=True) as conn:
            roles = migrate(conn)
        return cls(url, cipher, roles, pool_size)

    @property
    def key(self) -> str:
        return postgres_key(self.url)

    def role_url(self, role: str) -> str:
        """The configured URL, logging in as one of the runtime roles instead of the owner."""
        password = self.roles.app_password if role == self.roles.app else self.roles.system_password
        return psycopg.conninfo.make_conninfo(self.url, user=role, password=password)

    @staticmethod
    def _configure(conn: psycopg.Connection) -> None:
        conn.row_factory = _row_factory

    def _get_pool(self, role: str) -> ConnectionPool:
        # A pool never crosses a fork: worker processes open their own.
        pool = self._pools.get(role)
        if pool is not None and self._pool_pid == os.getpid():
            return pool
        with self._pool_lock:
            if self._pool_pid != os.getpid():
                self._pools, self._pool_pid = {}, os.getpid()
            if role not in self._pools:
                self._pools[role] = ConnectionPool(
                    self.role_url(role), min_size=1, max_size=self.pool_size, configure=self._configure,
                    # a connection cut by a server restart is noticed here, not by the caller's query
                    check=ConnectionPool.check_connection, timeout=STORE_WAIT_S,
                    open=True, name=f"framepilot-{role}",
                )
            return self._pools[role]

    @contextmanager
    def _transaction(self, acting: Any, read_only: bool) -> Iterator[_Connection]:
        user_id = acting_user_id(acting)
        role = self.roles.system if user_id is None else self.roles.app
        try:
            with self._get_pool(role).connection() as conn, conn.transaction():
                if read_only:
                    conn.execute("SET TRANSACTION READ ONLY")
                if user_id is not None:
                    claim = self.roles.sign(user_id, conn.info.backend_pid)
                    conn.execute("SELECT set_config('framepilot.acting', %s, true)", (claim,))
                yield _Connection(conn)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise StoreUnavailable(f"The database is unavailable ({type(exc).__name__}).") from exc

    def connect(self, acting: Any) -> Any:
        return self._transaction(acting, read_only=False)

    def read(self, acting: Any) -> Any:
        return self._transaction(acting, read_only=True)

    def close(self) -> None:
        if self._pool_pid == os.getpid():
            for pool in self._pools.values():
                pool.close()
        self._pools = {}


def migrate(conn: psycopg.Connection) -> RuntimeRoles:
    """Apply every PostgreSQL migration not yet applied, set up the runtime roles and re-apply
    the policies, under an advisory lock (so nodes starting together migrate once). `conn` is
    the owner's, in autocommit mode."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations").fetchall()}
        applied_now: list[str] = []
        for number, name, sql in iter_migrations("postgres"):
            if number in done:
                continue
            conn.execute(sql)  # no parameters: several statements in one call
            conn.execute("INSERT INTO schema_migrations(version, name) VALUES (%s, %s)", (number, name))
            applied_now.append(name)
        if applied_now:
            log.info("store: applied %s", ", ".join(applied_now))
        roles = ensure_runtime_roles(conn)
        # SECURITY DEFINER functions keep the search path they are created with
        conn.execute("SELECT set_config('search_path', quote_ident(current_schema()) || ', pg_catalog, pg_temp', true)")
        conn.execute(_policies_sql())
    return roles


def _policies_sql() -> str:
    from importlib import resources

    return (resources.files("framepilot.store") / "migrations" / "postgres" / "policies.sql").read_text("utf-8")
