"""Moving an install's rows from its SQLite store into PostgreSQL (`framepilot migrate-store`).

Every table is streamed in batches through COPY into a temporary table, then inserted with
ON CONFLICT DO NOTHING, so a re-run after an interruption copies only what is missing and
never duplicates. Afterwards each table is verified: same row count and the same digest of
every row on both sides. Encrypted columns are copied as they are, so
the target must run with the same FRAMEPILOT_SECRET_KEY.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from framepilot.errors import FramePilotError

# Parents before children; tables not named here (added by later migrations) follow.
TABLE_ORDER = [
    "users", "videos", "jobs", "analysis_stages", "transcripts", "transcript_segments",
    "transcript_words", "shots", "director_notes", "voiceovers", "llm_calls", "llm_cache",
]
NOT_MOVED = {"schema_migrations", "sqlite_sequence"}
BATCH = 20_000

Progress = Callable[[str, int, int], None]  # table, rows done, rows in all


class MoveError(FramePilotError, RuntimeError):
    """The move could not be completed or did not verify; the message says which table."""

    user_facing = True


@dataclass(frozen=True)
class TableReport:
    table: str
    source_rows: int
    copied_now: int
    verified: bool


def _source_tables(conn: sqlite3.Connection) -> list[str]:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} - NOT_MOVED
    return [t for t in TABLE_ORDER if t in names] + sorted(names - set(TABLE_ORDER))


def _target_columns(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = %s ORDER BY ordinal_position", (table,)
    ).fetchall()
    return [r[0] for r in rows]


def _primary_key(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
        " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary"
        " ORDER BY array_position(i.indkey, a.attnum)", (table,)
    ).fetchall()
    return [r[0] for r in rows]


def _as_float_text(value: int | float) -> str:
    return repr(float(value))


def _unchanged(value: object) -> object:
    return value


# One spelling per value across backends (SQLite may keep 1 where PostgreSQL says 1.0), looked
# up by exact type: a million rows of two dozen values each make this the move's hot loop.
_SPELLING = {bool: int, int: _as_float_text, float: _as_float_text}


def _digest(rows: Iterator[tuple]) -> int:
    """An order-independent digest of a multiset of rows (the sum of per-row hashes), so the
    two backends' different text collations never matter."""
    total, spelling = 0, _SPELLING.get
    for row in rows:
        normal = [spelling(type(v), _unchanged)(v) for v in row]
        row_hash = hashlib.sha256(json.dumps(normal, default=str).encode()).digest()
        total = (total + int.from_bytes(row_hash[:16], "big")) % (1 << 128)
    return total


def _stream(cursor: sqlite3.Cursor) -> Iterator[tuple]:
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def move_rows(source_path: Path, target_url: str, progress: Progress | None = None) -> list[TableReport]:
    """Copy every row of the SQLite store at `source_path` into the (migrated) PostgreSQL
    store at `target_url`, then verify counts and digests. Safe to re-run."""
    from framepilot.store.postgres import migrate

    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    reports: list[TableReport] = []
    try:
        with psycopg.connect(target_url, autocommit=True) as target:
            migrate(target)
            for table in _source_tables(source):
                reports.append(_move_table(source, target, table, progress))
    finally:
        source.close()
    return reports


def _move_table(source: sqlite3.Connection, target: psycopg.Connection, table: str,
                progress: Progress | None) -> TableReport:
    target_cols = _target_columns(target, table)
    if not target_cols:
        raise MoveError(f"{table}: the PostgreSQL store has no such table (is it migrated to the same version?)")
    source_cols = [r[1] for r in source.execute(f'PRAGMA table_info("{table}")')]
    cols = [c for c in source_cols if c in target_cols]
    missing = [c for c in source_cols if c not in target_cols]
    if missing:
        raise MoveError(f"{table}: columns {missing} are missing in PostgreSQL")
    key = _primary_key(target, table) or cols
    total = source.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    before = target.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
    column_list = sql.SQL(", ").join(map(sql.Identifier, cols))
    quoted = ", ".join(f'"{c}"' for c in cols)
    done = 0
    with target.transaction():
        target.execute(sql.SQL("CREATE TEMP TABLE fp_move (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP")
                       .format(sql.Identifier(table)))
        rows = source.execute(f'SELECT {quoted} FROM "{table}"')
        with target.cursor().copy(sql.SQL("COPY fp_move ({}) FROM STDIN").format(column_list)) as copy:
            for row in _stream(rows):
                copy.write_row(row)
                done += 1
                if progress and done % BATCH == 0:
                    progress(table, done, total)
        target.execute(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM fp_move ON CONFLICT DO NOTHING")
                       .format(sql.Identifier(table), column_list, column_list))
        identity = key == ["id"] and target.execute(
            "SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()[0]
        if identity:
            target.execute(sql.SQL(
                "SELECT setval(pg_get_serial_sequence({}, 'id'), greatest(1, (SELECT coalesce(max(id), 0) FROM {})))"
            ).format(sql.Literal(table), sql.Identifier(table)))
    if progress:
        progress(table, total, total)
    after = target.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
    source_digest = _digest(_stream(source.execute(f'SELECT {quoted} FROM "{table}"')))
    with target.transaction(), target.cursor(name="fp_verify") as cur:  # server-side: flat memory
        cur.itersize = BATCH
        cur.execute(sql.SQL("SELECT {} FROM {}").format(column_list, sql.Identifier(table)))
        target_digest = _digest(iter(cur))
    verified = after == total and source_digest == target_digest
    if not verified:
        raise MoveError(f"{table}: verification failed ({total} rows in SQLite, {after} in PostgreSQL"
                        f"{', contents differ' if after == total else ''}); nothing was deleted, re-run to retry")
    return TableReport(table, total, after - before, verified)
