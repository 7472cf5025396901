"""The store's one seam: a `Database` that hands out short transactions for an acting user.

Two backends sit behind it, chosen by `FRAMEPILOT_DATABASE_URL`:
- `sqlite:///path` (the default, in the data folder): `framepilot/store/sqlite.py`;
- `postgresql://…`: `framepilot/store/postgres.py`, with row-level security.

Every transaction names who it acts for: a user (their rows only) or `SYSTEM` (the worker's
job bookkeeping, sign-in lookups, the analytics feed). On PostgreSQL that choice is enforced
by the database's own policies as well as by the repository's WHERE clauses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from framepilot.core.crypto import Cipher
from framepilot.errors import FramePilotError


class SystemActor:
    """The acting party for system work (never a user)."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


class IntegrityError(FramePilotError):
    """A constraint failed (duplicate key, missing parent row), on any backend."""


class StoreUnavailable(FramePilotError):
    """The database could not be reached or dropped the connection (a restart, a failover).
    Transient: the work that met it is safe to try again once the store is back."""


class Connection(Protocol):
    """The little the repository needs: qmark-style `execute`, rows readable by name and index."""

    def execute(self, sql: str, params: tuple | list = ()) -> Any:
        """Run one statement with `?` placeholders; the result has `fetchone`/`fetchall`. A
        broken constraint raises the store's `IntegrityError` on every backend."""

    def executemany(self, sql: str, rows: list) -> Any:
        """`execute` once per row, in the same transaction."""

    def copy_rows(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        """Append many rows to `table` the fastest way the backend has (COPY on PostgreSQL)."""


class Database:
    """Base of both backends. `connect(acting)` is one read-write transaction, `read(acting)`
    a read-only one; `acting` is a `User`, a user id, or `SYSTEM`."""

    dialect: str = ""
    cipher: Cipher

    def connect(self, acting: Any) -> AbstractContextManager[Connection]:
        """One read-write transaction for `acting`: committed when the block ends, rolled back
        (and the exception passed on) when it raises. The repository limits it to `acting`'s rows,
        and PostgreSQL's row-level security does as well."""
        raise NotImplementedError

    def read(self, acting: Any) -> AbstractContextManager[Connection]:
        """A read-only connection for `acting` that never blocks writers; a write in it fails.
        Use it for pages and API reads."""
        raise NotImplementedError

    @property
    def key(self) -> str:
        """A stable identity of this store (no secrets), for caches keyed per store."""
        raise NotImplementedError

    def close(self) -> None:
        """Release pooled connections (no-op where there are none)."""


def acting_user_id(acting: Any) -> int | None:
    """The user id a transaction acts for, or None for SYSTEM."""
    if acting is SYSTEM:
        return None
    if isinstance(acting, int) and not isinstance(acting, bool):
        return acting
    user_id = getattr(acting, "id", None)
    if not isinstance(user_id, int):
        raise TypeError("a transaction acts for a User, a user id, or SYSTEM")
    return user_id


def iter_migrations(dialect: str) -> Iterator[tuple[int, str, str]]:
    """(number, file name, SQL) of the dialect's numbered migrations, in order."""
    from importlib import resources

    folder = resources.files("framepilot.store") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql") and entry.name[:4].isdigit():
            found.append((int(entry.name.split("_", 1)[0]), entry.name, entry.read_text(encoding="utf-8")))
    yield from sorted(found)


# A row of either backend: readable by column name and by index (sqlite3.Row, postgres.Row).
Row = Any
