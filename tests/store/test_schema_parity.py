"""The store's two SQL flavours stay honest: a fresh SQLite and a fresh PostgreSQL, each
migrated by the product, hold the same tables, columns (types mapped), indexes, uniques and
foreign keys. A migration written for one dialect and forgotten in the other fails here."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from framepilot.settings import get_settings
from framepilot.store import open_database

# How a column declared in SQLite is spelled in PostgreSQL. SQLite keeps booleans and
# timestamps as INTEGER and TEXT, so those map to more than one PostgreSQL type.
TYPES = {
    "INTEGER": {"integer", "bigint", "smallint", "boolean"},
    "TEXT": {"text", "timestamp with time zone", "date", "jsonb", "character varying"},
    "REAL": {"double precision", "real", "numeric"},
    "BLOB": {"bytea"},
    "NUMERIC": {"numeric"},
}
BOOKKEEPING = {"schema_migrations", "framepilot_runtime_secrets"}  # the second: PostgreSQL runtime roles only


def _sqlite_schema(path: str) -> dict:
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    schema = {}
    for table in tables:
        if table in BOOKKEEPING:
            continue
        columns = {r[1]: (r[2].split("(")[0].upper() or "BLOB", bool(r[3]) or bool(r[5])) for r in
                   conn.execute(f"PRAGMA table_info('{table}')")}
        indexes = set()
        for _, name, unique, origin, _partial in conn.execute(f"PRAGMA index_list('{table}')"):
            cols = tuple(r[2] for r in conn.execute(f"PRAGMA index_info('{name}')"))
            if origin == "pk" or (len(cols) == 1 and cols[0] is not None and _is_pk(conn, table, cols[0])):
                continue
            indexes.add((cols, bool(unique)))
        fks = {(r[3], r[2], r[4], r[6]) for r in conn.execute(f"PRAGMA foreign_key_list('{table}')")}
        schema[table] = {"columns": columns, "indexes": indexes, "fks": fks}
    return schema


def _is_pk(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(r[1] == column and r[5] for r in conn.execute(f"PRAGMA table_info('{table}')"))


def _postgres_schema(dsn: str) -> dict:
    schema = {}
    with psycopg.connect(dsn) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        for table in tables:
            if table in BOOKKEEPING:
                continue
            columns = {}
            for name, data_type, nullable in conn.execute(
                    "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = %s", (table,)):
                columns[name] = (data_type, nullable == "NO")
            pk = {r[0] for r in conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary", (table,))}
            columns = {n: (t, nn or n in pk) for n, (t, nn) in columns.items()}
            indexes = set()
            for cols, unique, primary in conn.execute(
                    "SELECT array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)"
                    " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n),"
                    " i.indisunique, i.indisprimary FROM pg_index i WHERE i.indrelid = %s::regclass", (table,)):
                if primary or (len(cols) == 1 and cols[0] in pk):
                    continue
                indexes.add((tuple(cols), bool(unique)))
            fks = set()
            for column, ref_table, ref_column, on_delete in conn.execute(
                    "SELECT kcu.column_name, ccu.table_name, ccu.column_name, rc.delete_rule"
                    " FROM information_schema.referential_constraints rc"
                    " JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name"
                    "  AND kcu.constraint_schema = rc.constraint_schema"
                    " JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.unique_constraint_name"
                    "  AND ccu.constraint_schema = rc.unique_constraint_schema"
                    " WHERE kcu.table_schema = current_schema() AND kcu.table_name = %s", (table,)):
                fks.add((column, ref_table, ref_column, on_delete))
            schema[table] = {"columns": columns, "indexes": indexes, "fks": fks}
    return schema


@pytest.fixture
def both(settings, postgres_dsn, monkeypatch):
    open_database(settings).close()
    lite = _sqlite_schema(str(settings.db_path))
    monkeypatch.setenv("FRAMEPILOT_DATABASE_URL", postgres_dsn)
    get_settings.cache_clear()
    open_database(get_settings()).close()
    return lite, _postgres_schema(postgres_dsn)


def test_both_dialects_have_the_same_tables_and_columns(both):
    lite, pg = both
    assert sorted(lite) == sorted(pg)
    for table in lite:
        assert sorted(lite[table]["columns"]) == sorted(pg[table]["columns"]), table


def test_column_types_and_not_null_match_once_mapped(both):
    lite, pg = both
    mismatched = []
    for table, found in lite.items():
        for column, (sqlite_type, not_null) in found["columns"].items():
            pg_type, pg_not_null = pg[table]["columns"][column]
            if pg_type not in TYPES.get(sqlite_type, {sqlite_type.lower()}) or not_null != pg_not_null:
                mismatched.append((table, column, sqlite_type, not_null, pg_type, pg_not_null))
    assert mismatched == []


def test_indexes_uniques_and_foreign_keys_match(both):
    lite, pg = both
    for table in lite:
        assert lite[table]["indexes"] == pg[table]["indexes"], table
        assert lite[table]["fks"] == pg[table]["fks"], table
