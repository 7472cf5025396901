"""The PostgreSQL backend: the system of record when FramePilot runs on several machines.

Isolation is enforced twice: by the repository's WHERE clauses and by row-level security
policies inside PostgreSQL (`migrations/postgres/*_row_level_security.sql`). Every
transaction sets `framepilot.user_id` (or `framepilot.system` for the worker's bookkeeping)
with `set_config(..., true)`, so the setting dies with the transaction and a pooled
connection never carries one user's identity into another's work.

The app never runs its queries as the tables' owner: when the configured role owns the
tables or is a superuser (the usual first set-up), it creates the NOLOGIN role
`framepilot_app` (no BYPASSRLS), grants it the table privileges and `SET ROLE`s to it on
every pooled connection. Tables also carry FORCE ROW LEVEL SECURITY, so even an owner that
cannot create roles stays under the policies.
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
from psycopg_pool import ConnectionPool

from framepilot.core.crypto import Cipher
from framepilot.core.database_urls import postgres_key
from framepilot.store.db import (
    Database,
    IntegrityError,
    acting_user_id,
    iter_migrations,
)

log = logging.getLogger(__name__)

APP_ROLE = "framepilot_app"
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

    def __init__(self, url: str, cipher: Cipher, app_role: str | None, pool_size: int = 4) -> None:
        self.url = url
        self.cipher = cipher
        self.app_role = app_role
        self.pool_size = pool_size
        self._pool: ConnectionPool | None = None
        self._pool_pid: int | None = None
        self._pool_lock = threading.Lock()

    @classmethod
    def open(cls, url: str, cipher: Cipher, pool_size: int = 4) -> PostgresDatabase:
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
            app_role = ensure_app_role(conn)
        return cls(url, cipher, app_role, pool_size)

    @property
    def key(self) -> str:
        return postgres_key(self.url)

    def _configure(self, conn: psycopg.Connection) -> None:
        conn.row_factory = _row_factory
        if self.app_role:
            conn.execute(pgsql.SQL("SET ROLE {}").format(pgsql.Identifier(self.app_role)))
        conn.commit()

    def _get_pool(self) -> ConnectionPool:
        # A pool never crosses a fork: worker processes open their own.
        if self._pool is None or self._pool_pid != os.getpid():
            with self._pool_lock:
                if self._pool is None or self._pool_pid != os.getpid():
                    self._pool = ConnectionPool(
                        self.url, min_size=1, max_size=self.pool_size, configure=self._configure,
                        open=True, name="framepilot",
                    )
                    self._pool_pid = os.getpid()
        return self._pool

    @contextmanager
    def _transaction(self, acting: Any, read_only: bool) -> Iterator[_Connection]:
        user_id = acting_user_id(acting)
        with self._get_pool().connection() as conn, conn.transaction():
            if read_only:
                conn.execute("SET TRANSACTION READ ONLY")
            if user_id is None:
                conn.execute("SELECT set_config('framepilot.system', 'on', true)")
            else:
                conn.execute("SELECT set_config('framepilot.user_id', %s, true)", (str(user_id),))
            yield _Connection(conn)

    def connect(self, acting: Any) -> Any:
        return self._transaction(acting, read_only=False)

    def read(self, acting: Any) -> Any:
        return self._transaction(acting, read_only=True)

    def close(self) -> None:
        if self._pool is not None and self._pool_pid == os.getpid():
            self._pool.close()
        self._pool = None


def migrate(conn: psycopg.Connection) -> list[str]:
    """Apply every PostgreSQL migration not yet applied, under an advisory lock (so nodes
    starting together migrate once). `conn` is in autocommit mode; returns names applied now."""
    applied_now: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations").fetchall()}
        # data migrations run as the system: FORCE ROW LEVEL SECURITY applies to the owner too
        conn.execute("SELECT set_config('framepilot.system', 'on', true)")
        for number, name, sql in iter_migrations("postgres"):
            if number in done:
                continue
            conn.execute(sql)  # no parameters: several statements in one call
            conn.execute("INSERT INTO schema_migrations(version, name) VALUES (%s, %s)", (number, name))
            applied_now.append(name)
        conn.execute(_policies_sql())
    return applied_now


def _policies_sql() -> str:
    from importlib import resources

    return (resources.files("framepilot.store") / "migrations" / "postgres" / "policies.sql").read_text("utf-8")


def ensure_app_role(conn: psycopg.Connection) -> str | None:
    """The role app connections switch to, creating it when this role owns the tables or is
    a superuser; None when the configured role is already a non-owner (use it as it is)."""
    is_super, can_create_roles = conn.execute(
        "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    owns_tables = conn.execute(
        "SELECT tableowner = current_user FROM pg_tables"
        " WHERE schemaname = current_schema() AND tablename = 'videos'"
    ).fetchone()[0]
    if not (is_super or owns_tables):
        return None
    if not (is_super or can_create_roles):
        log.warning("store: role owns the tables but cannot create %s; relying on FORCE ROW LEVEL SECURITY", APP_ROLE)
        return None
    role = pgsql.Identifier(APP_ROLE)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        try:
            with conn.transaction():  # a savepoint: another database of the cluster may race us
                conn.execute(pgsql.SQL("CREATE ROLE {} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE").format(role))
        except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            pass
        if not is_super:
            conn.execute(pgsql.SQL("GRANT {} TO CURRENT_USER").format(role))
        schema = pgsql.Identifier(conn.execute("SELECT current_schema()").fetchone()[0])
        conn.execute(pgsql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, role))
        conn.execute(pgsql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(schema, role))
        conn.execute(pgsql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, role))
        conn.execute(pgsql.SQL("REVOKE ALL ON schema_migrations FROM {}").format(role))
    return APP_ROLE
