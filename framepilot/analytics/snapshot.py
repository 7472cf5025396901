"""The columnar copy of `llm_calls` that analytics queries read.

One `CallSnapshot` per store and process holds every user's calls as an in-memory Arrow
table (dictionary-encoded text columns) and catches up by id on each read: SQLite hands out
ids in commit order under its single write lock and `llm_calls` is append-only, so
"rows with id > the last id seen" is exactly what is new.

So that a restarted process does not re-read the whole table from SQLite (7-11 s per
million calls through the sqlite3 module), the snapshot persists itself as segment files
under `<data_dir>/analytics/`: Arrow IPC (Feather v2, lz4), which a fresh process loads in
0.05 s per million calls where zstd Parquet took 0.3 s plus 0.08 s to re-unify dictionaries.
Each segment covers the id range `(after, last]`, is written to a temporary name and renamed
into place (atomic), and a reader follows the chain of segments from id 0, taking the
longest segment at each step, so overlapping segments that two processes wrote at once are
never counted twice. Rows newer than the last segment stay in memory until there are
`PERSIST_MIN_ROWS` of them; past `MAX_SEGMENTS` segments the whole table is rewritten as one.

This class applies no row-level security: `framepilot.analytics.queries` scopes every query.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

from framepilot.logs import get_logger
from framepilot.store import Database
from framepilot.store import repository as repo

# 2: migration 0004 renamed operations in stored rows; files of other versions are deleted.
FORMAT_VERSION = 2
FETCH_BATCH_ROWS = 100_000
PERSIST_MIN_ROWS = 10_000
MAX_SEGMENTS = 12
MAX_CHUNKS = 32

_DICTIONARY = pa.dictionary(pa.int32(), pa.string())
SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("created_at", pa.timestamp("us")),  # UTC, naive: days are UTC days
        ("user_id", pa.int64()),
        ("video_id", _DICTIONARY),
        ("job_id", _DICTIONARY),
        ("job_type", _DICTIONARY),
        ("provider", _DICTIONARY),
        ("model", _DICTIONARY),
        ("operation", _DICTIONARY),
        ("prompt_version", _DICTIONARY),
        ("input_tokens", pa.int64()),
        ("output_tokens", pa.int64()),
        ("cached_tokens", pa.int64()),
        ("image_tokens", pa.int64()),
        ("audio_seconds", pa.float64()),
        ("characters", pa.int64()),
        ("compute_seconds", pa.float64()),
        ("cost_usd", pa.float64()),
        ("price_date", _DICTIONARY),
        ("latency_ms", pa.float64()),
        ("status", _DICTIONARY),
        ("error", _DICTIONARY),
        ("retries", pa.int64()),
        ("cache_hit", pa.bool_()),
    ]
)
assert tuple(SCHEMA.names) == repo.ANALYTICS_CALL_COLUMNS, "snapshot schema and repository disagree"

_SEGMENT_NAME = re.compile(rf"^calls-v{FORMAT_VERSION}-(\d+)-(\d+)\.arrow$")
_ANY_VERSION = re.compile(r"^calls-v(\d+)-\d+-\d+\.arrow$")

log = get_logger(component="analytics")


def _timestamps(values: tuple) -> pa.Array:
    """SQLite's ISO text ("...T...Z", 3 or 6 fraction digits) as naive UTC microseconds."""
    try:
        aware = pc.cast(pa.array(values, type=pa.string()), pa.timestamp("us", tz="UTC"))
    except pa.ArrowInvalid:  # an unusual spelling: parse one by one (naive text means UTC)
        parsed = (datetime.fromisoformat(v) if v else None for v in values)
        aware = pa.array(
            [p.replace(tzinfo=p.tzinfo or timezone.utc) if p else None for p in parsed],
            type=pa.timestamp("us", tz="UTC"),
        )
    return pc.cast(aware, pa.timestamp("us"))


def rows_to_batch(rows: list) -> pa.RecordBatch:
    """Rows in `repo.ANALYTICS_CALL_COLUMNS` order -> one record batch of `SCHEMA`."""
    columns = list(zip(*rows)) if rows else [()] * len(SCHEMA)
    arrays = []
    for field, values in zip(SCHEMA, columns):
        if field.name == "created_at":
            arrays.append(_timestamps(values))
        elif pa.types.is_dictionary(field.type):
            arrays.append(pa.array(values, type=pa.string()).dictionary_encode().cast(field.type))
        elif pa.types.is_boolean(field.type):  # SQLite stores flags as 0/1
            arrays.append(pa.array(values, type=pa.int64()).cast(field.type))
        else:
            arrays.append(pa.array(values, type=field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


def _last_id(table: pa.Table) -> int:
    return int(table["id"][-1].as_py()) if table.num_rows else 0


class CallSnapshot:
    """Every user's `llm_calls` as Arrow, caught up on each `table()` call. Thread-safe."""

    def __init__(self, db: Database, folder: Path) -> None:
        self.db = db
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._table: pa.Table | None = None
        self._persisted_upto = 0  # last id in the segment files
        self._persisted_rows = 0  # rows of the table that are in them (a prefix: ids are sorted)
        self._segments: list[tuple[int, int, Path]] = []

    def table(self) -> pa.Table:
        """The current table, including every call committed before this call started."""
        with self._lock:
            if self._table is None:
                self._load()
            self._catch_up()
            return self._table

    # --- reading ------------------------------------------------------------------------

    def _load(self) -> None:
        started = time.perf_counter()
        self._drop_other_versions()
        chain, table = self._read_segments()
        if chain and chain[-1][1] > repo.max_llm_call_id(self.db):
            # Files from another store (the database was replaced): they must not count here.
            log.warning("analytics.snapshot_ahead_of_store", snapshot_last_id=chain[-1][1])
            for _, _, path in chain:
                path.unlink(missing_ok=True)
            chain, table = [], SCHEMA.empty_table()
        self._segments = chain
        self._persisted_upto = chain[-1][1] if chain else 0
        self._persisted_rows = table.num_rows
        self._table = table
        log.info(
            "analytics.snapshot_loaded", segments=len(chain), rows=table.num_rows,
            seconds=round(time.perf_counter() - started, 3),
        )

    def _drop_other_versions(self) -> None:
        """Segments of another format version hold rows as they were then: never read them."""
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                match = _ANY_VERSION.match(path.name)
                if match and int(match[1]) != FORMAT_VERSION:
                    path.unlink(missing_ok=True)

    def _read_segments(self) -> tuple[list[tuple[int, int, Path]], pa.Table]:
        for _ in range(3):
            chain, parts = self._segment_chain(), []
            try:
                for _, _, path in chain:
                    parts.append(feather.read_table(path, memory_map=False))
            except FileNotFoundError:  # another process compacted it away meanwhile: list again
                continue
            except (OSError, pa.ArrowException) as exc:  # damaged: drop it, the store has the rows
                log.warning("analytics.segment_unreadable", segment=path.name, error=type(exc).__name__)
                path.unlink(missing_ok=True)
                continue
            if not parts:
                return [], SCHEMA.empty_table()
            table = pa.concat_tables(parts)
            if len(parts) > 1:
                table = table.unify_dictionaries().combine_chunks()
            return chain, table
        return [], SCHEMA.empty_table()

    def _segment_chain(self) -> list[tuple[int, int, Path]]:
        """Segments covering ids (0, n] without overlap: the longest next segment each step."""
        by_start: dict[int, tuple[int, Path]] = {}
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                match = _SEGMENT_NAME.match(path.name)
                if match:
                    after, last = int(match[1]), int(match[2])
                    if last > after and last > by_start.get(after, (after, path))[0]:
                        by_start[after] = (last, path)
        chain, cursor = [], 0
        while cursor in by_start:
            last, path = by_start[cursor]
            chain.append((cursor, last, path))
            cursor = last
        return chain

    def _catch_up(self) -> None:
        cursor = _last_id(self._table)
        batches = []
        while True:
            rows = repo.llm_call_rows_for_analytics(self.db, cursor, FETCH_BATCH_ROWS)
            if not rows:
                break
            batches.append(rows_to_batch(rows))
            cursor = rows[-1][0]
            if len(rows) < FETCH_BATCH_ROWS:
                break
        if not batches:
            return
        table = pa.concat_tables([self._table, pa.Table.from_batches(batches, schema=SCHEMA)])
        if len(batches) > 1 or table.column("id").num_chunks > MAX_CHUNKS:
            # One chunk with one dictionary per column keeps scans fast (about 0.1 s per 1M rows).
            table = table.unify_dictionaries().combine_chunks()
        self._table = table
        if table.num_rows - self._persisted_rows >= PERSIST_MIN_ROWS:
            self._persist()

    # --- writing ------------------------------------------------------------------------

    def _persist(self) -> None:
        """Write the rows past the last segment, or everything when segments pile up."""
        last = _last_id(self._table)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if len(self._segments) + 1 > MAX_SEGMENTS:
                path = self._write(self._table, 0, last)
                stale = [p for _, _, p in self._segments]
                stale += [p for p in self.folder.glob("calls-v*.arrow") if self._covered(p, last)]
                for old in set(stale) - {path}:
                    old.unlink(missing_ok=True)
                self._segments = [(0, last, path)]
            else:
                new_rows = self._table.slice(self._persisted_rows)
                path = self._write(new_rows, self._persisted_upto, last)
                self._segments.append((self._persisted_upto, last, path))
            self._persisted_upto, self._persisted_rows = last, self._table.num_rows
        except OSError as exc:  # a read-only or full disk costs a slower restart, nothing more
            log.warning("analytics.snapshot_not_persisted", error=type(exc).__name__)

    @staticmethod
    def _covered(path: Path, last: int) -> bool:
        match = _SEGMENT_NAME.match(path.name)
        return bool(match) and int(match[2]) <= last

    def _write(self, table: pa.Table, after: int, last: int) -> Path:
        final = self.folder / f"calls-v{FORMAT_VERSION}-{after:012d}-{last:012d}.arrow"
        temporary = self.folder / f".{final.name}.{uuid.uuid4().hex}.tmp"
        try:  # an IPC file holds one dictionary per column: unify the chunks' first
            feather.write_feather(table.unify_dictionaries(), temporary, compression="lz4")
            os.replace(temporary, final)
        finally:
            temporary.unlink(missing_ok=True)
        return final


_snapshots: dict[str, CallSnapshot] = {}
_registry_lock = threading.Lock()


def snapshot_for(db: Database) -> CallSnapshot:
    """This process's snapshot of `db`, kept under `<data_dir>/analytics/` (beside a SQLite
    store; in this node's data folder for PostgreSQL)."""
    key = db.key
    with _registry_lock:
        snapshot = _snapshots.get(key)
        if snapshot is None:
            if getattr(db, "path", None) is not None:
                folder = Path(db.path).resolve().parent / "analytics"
            else:
                from framepilot.settings import get_settings

                digest = hashlib.sha1(key.encode()).hexdigest()[:10]
                folder = get_settings().data_dir / "analytics" / digest
            snapshot = _snapshots[key] = CallSnapshot(db, folder)
        return snapshot
