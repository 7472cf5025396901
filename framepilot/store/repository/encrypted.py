"""Every encrypted column, read and rewritten in batches, for key rotation (system side).

These functions see every user's rows: only `framepilot.services.key_rotation` (the `framepilot
keys rotate` command) calls them, and it never shows what it reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from framepilot.store.db import SYSTEM, Database


@dataclass(frozen=True)
class EncryptedColumn:
    """A column holding Fernet tokens, and the primary key that names its rows."""

    table: str
    keys: tuple[str, ...]
    column: str

    @property
    def label(self) -> str:
        return f"{self.table}.{self.column}"


# Encrypted columns end in `_enc` (plus the AI reply cache); a test checks that the
# schema has no other.
ENCRYPTED_COLUMNS = (
    EncryptedColumn("videos", ("id",), "filename_enc"),
    EncryptedColumn("transcripts", ("video_id",), "text_enc"),
    EncryptedColumn("transcript_segments", ("video_id", "idx"), "text_enc"),
    EncryptedColumn("transcript_words", ("video_id", "segment_idx", "idx"), "word_enc"),
    EncryptedColumn("director_notes", ("id",), "result_enc"),
    EncryptedColumn("llm_cache", ("user_id", "key"), "response"),
)

EncryptedValue = tuple[tuple, str]  # (primary key values, token)


def encrypted_values(db: Database, column: EncryptedColumn, after: tuple | None,
                     limit: int) -> list[EncryptedValue]:
    """The next `limit` tokens of a column in primary-key order, after the key `after`."""
    keys = ", ".join(column.keys)
    sql = f"SELECT {keys}, {column.column} FROM {column.table}"
    args: list = []
    if after is not None:
        sql += f" WHERE ({keys}) > ({', '.join('?' * len(after))})"
        args.extend(after)
    sql += f" ORDER BY {keys} LIMIT ?"
    args.append(limit)
    with db.read(SYSTEM) as conn:
        rows = conn.execute(sql, args).fetchall()
    width = len(column.keys)
    return [(tuple(row[:width]), row[width]) for row in rows]


def replace_encrypted_values(db: Database, column: EncryptedColumn,
                             changes: list[tuple[tuple, str, str]]) -> int:
    """Swap tokens (keys, old token, new token) in one transaction; returns how many changed.

    A row whose token changed meanwhile is left alone (the next pass sees it again).
    """
    where = " AND ".join(f"{k} = ?" for k in column.keys)
    sql = f"UPDATE {column.table} SET {column.column} = ? WHERE {where} AND {column.column} = ?"
    changed = 0
    with db.connect(SYSTEM) as conn:
        for keys, old, new in changes:
            changed += conn.execute(sql, (new, *keys, old)).rowcount
    return changed
