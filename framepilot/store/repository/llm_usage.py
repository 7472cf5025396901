"""Usage rollups: sums of `llm_calls` written in the same transaction as each call row, and
the scoped reads the Costs page, the usage API and budgets make of them.

Four tables (migrations 0007 and 0008): `llm_usage_daily` (per user, day, provider, model,
operation and job type), `llm_usage_videos` (the same per video, for filtered top videos),
`llm_usage_video_days` (per user, day and video only: the unfiltered top videos) and
`llm_latency_daily` (calls per fixed latency bucket, for approximate p50/p95). The database
computes every sum: one INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE per table,
over the one call just inserted or over a bulk import's staging table, so a million imported
calls cost a few grouped statements, not a million upserts. Keys hold '' or 0 instead of NULL
so ON CONFLICT finds the row on both dialects.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from framepilot.models import UsageScope, User
from framepilot.store.db import SYSTEM, Connection, Database

# Latency bucket i holds [LATENCY_BOUNDS_MS[i-1], LATENCY_BOUNDS_MS[i]) ms; bucket 0 is under
# 1 ms, the last one 1,000,000 ms and over. The migration's CASE spells the same bounds.
LATENCY_BOUNDS_MS: tuple[float, ...] = (
    *(m * 10**e for e in range(6) for m in (1, 1.5, 2, 3, 5, 7)), 1_000_000,
)

DAILY_KEY = ("user_id", "day", "provider", "model", "operation", "job_type")
DAILY_MEASURES = (
    "calls", "error_calls", "cache_hits", "cost_usd", "unknown_cost_calls", "input_tokens",
    "output_tokens", "cached_tokens", "image_tokens", "audio_seconds", "characters", "compute_seconds",
    "latency_ms", "fresh_ok_calls", "fresh_ok_audio_seconds", "fresh_ok_characters", "fresh_ok_shots",
)
VIDEO_KEY = ("user_id", "day", "provider", "model", "operation", "video_id")
VIDEO_MEASURES = ("calls", "fresh_ok_calls", "cost_usd", "compute_seconds", "audio_seconds")
VIDEO_DAY_KEY = ("user_id", "day", "video_id")
VIDEO_DAY_MEASURES = ("calls", "cost_usd", "compute_seconds", "audio_seconds")
LATENCY_KEY = ("user_id", "day", "provider", "model", "bucket")
LATENCY_MEASURES = ("calls",)
# What `usage_daily_rows` returns, in order (the user is in the scope, not in the rows).
DAILY_COLUMNS = DAILY_KEY[1:] + DAILY_MEASURES


_REAL_MEASURES = {"cost_usd", "audio_seconds", "compute_seconds", "latency_ms", "fresh_ok_audio_seconds"}


def _sum(column: str) -> str:
    """SQL summing a rollup column: whole counts stay integers on both dialects (PostgreSQL's
    sum of a BIGINT is NUMERIC, which would come back as Decimal)."""
    return f"sum({column})" if column in _REAL_MEASURES else f"CAST(sum({column}) AS BIGINT)"


def latency_bucket(latency_ms: float) -> int:
    return bisect.bisect_right(LATENCY_BOUNDS_MS, latency_ms)


# --- writes: one set-based statement per rollup, for one call or a million ----------------------

_FRESH_OK = "c.status = 'ok' AND c.cache_hit = 0"
_SHOTS_READ = "(SELECT count(*) FROM shots sh WHERE sh.video_id = c.video_id)"
# The SQL of each measure over calls `c` (sums per group), in the tables' column order.
_MEASURE_SQL = {
    "llm_usage_daily": (
        "count(*)", "sum(CASE WHEN c.status <> 'ok' THEN 1 ELSE 0 END)",
        "sum(CASE WHEN c.cache_hit <> 0 THEN 1 ELSE 0 END)", "coalesce(sum(c.cost_usd), 0)",
        "sum(CASE WHEN c.cost_usd IS NULL THEN 1 ELSE 0 END)", "sum(c.input_tokens)", "sum(c.output_tokens)",
        "sum(c.cached_tokens)", "sum(c.image_tokens)", "sum(c.audio_seconds)", "sum(c.characters)",
        "sum(c.compute_seconds)", "sum(c.latency_ms)", f"sum(CASE WHEN {_FRESH_OK} THEN 1 ELSE 0 END)",
        f"sum(CASE WHEN {_FRESH_OK} THEN c.audio_seconds ELSE 0 END)",
        f"sum(CASE WHEN {_FRESH_OK} THEN c.characters ELSE 0 END)",
        f"sum(CASE WHEN {_FRESH_OK} AND c.provider = 'local' AND c.video_id IS NOT NULL THEN {_SHOTS_READ} ELSE 0 END)",
    ),
    "llm_usage_videos": (
        "count(*)", f"sum(CASE WHEN {_FRESH_OK} THEN 1 ELSE 0 END)", "coalesce(sum(c.cost_usd), 0)",
        "sum(c.compute_seconds)", "sum(c.audio_seconds)",
    ),
    "llm_usage_video_days": (
        "count(*)", "coalesce(sum(c.cost_usd), 0)", "sum(c.compute_seconds)", "sum(c.audio_seconds)",
    ),
    "llm_latency_daily": ("count(*)",),
}
_LATENCY_BUCKET_SQL = ("CASE " + " ".join(f"WHEN c.latency_ms < {bound!r} THEN {i}"
                                         for i, bound in enumerate(LATENCY_BOUNDS_MS))
                       + f" ELSE {len(LATENCY_BOUNDS_MS)} END")
_USER, _DAY = "coalesce(c.user_id, 0)", "substr(c.created_at, 1, 10)"
# table -> (key columns, their SQL over calls `c` and jobs `j`, measure columns, the calls it counts)
_ROLLUPS = {
    "llm_usage_daily": (DAILY_KEY, (_USER, _DAY, "c.provider", "c.model", "c.operation", "coalesce(j.type, '')"),
                        DAILY_MEASURES, "1 = 1"),
    "llm_usage_videos": (VIDEO_KEY, (_USER, _DAY, "c.provider", "c.model", "c.operation", "c.video_id"),
                         VIDEO_MEASURES, "c.video_id IS NOT NULL"),
    "llm_usage_video_days": (VIDEO_DAY_KEY, (_USER, _DAY, "c.video_id"), VIDEO_DAY_MEASURES,
                             "c.video_id IS NOT NULL"),
    "llm_latency_daily": (LATENCY_KEY, (_USER, _DAY, "c.provider", "c.model", _LATENCY_BUCKET_SQL),
                          LATENCY_MEASURES, "1 = 1"),
}


def _select_sql(table: str, calls: str, where: str) -> str:
    """The sums `table` gets from the calls of relation `calls` matching `where`, one row per
    key in key order (columns: the key, then the measures)."""
    key, key_sql, measures, counted = _ROLLUPS[table]
    assert len(_MEASURE_SQL[table]) == len(measures)
    positions = ", ".join(str(i + 1) for i in range(len(key)))
    join = " LEFT JOIN jobs j ON j.id = c.job_id" if table == "llm_usage_daily" else ""
    return (f"SELECT {', '.join(key_sql + _MEASURE_SQL[table])} FROM {calls} c{join}"
            f" WHERE {counted} AND {where} GROUP BY {positions} ORDER BY {positions}")


def _upsert_sql(table: str, rows: str) -> str:
    """Add `rows` (the key, then the measures, in key order: concurrent writers on PostgreSQL
    then lock rollup rows in the same order and never deadlock) to `table`."""
    key, _, measures, _ = _ROLLUPS[table]
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
    return (f"INSERT INTO {table} ({', '.join(key + measures)}) {rows}"
            f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}")


# One call: the database sums it straight from `llm_calls`.
_ADD_ONE = [_upsert_sql(table, _select_sql(table, "llm_calls", "c.id = ?")) for table in _ROLLUPS]
# A bulk import: DuckDB sums the calls in memory with the same SELECT; the database upserts the sums.
_SUM_BATCH = {table: _select_sql(table, "calls", "1 = 1") for table in _ROLLUPS}
_UPSERT_SUMS = {table: _upsert_sql(table, f"VALUES ({', '.join('?' * (len(key) + len(measures)))})")
                for table, (key, _, measures, _) in _ROLLUPS.items()}
_INTEGER_COLUMNS = {"user_id", "input_tokens", "output_tokens", "cached_tokens", "image_tokens", "characters",
                    "retries", "cache_hit"}
_REAL_COLUMNS = {"audio_seconds", "compute_seconds", "cost_usd", "latency_ms"}


def add_call_to_rollups(conn: Connection, call_id: int) -> None:
    """Add the stored call `call_id` to every rollup, inside the caller's transaction (the
    one that inserted it)."""
    for sql in _ADD_ONE:
        conn.execute(sql, (call_id,))


def _select_in(conn: Connection, sql: str, values: list[str]) -> list[tuple]:
    """`sql` (with one `IN ({})`) for every value, a chunk at a time (SQLite caps parameters)."""
    found = []
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        found += [tuple(r) for r in conn.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall()]
    return found


def add_calls_to_rollups(conn: Connection, columns: tuple[str, ...], calls: list[tuple]) -> None:
    """Add a bulk import's calls (tuples of `llm_calls` `columns`, created_at included), inserted
    in the caller's transaction, to every rollup. DuckDB sums them in memory with the same
    SELECTs the database runs for one call, so the database upserts only the sums: a few
    thousand rows per 100,000 calls instead of 100,000 grouped again in SQL."""
    if not calls:
        return
    data = dict(zip(columns, zip(*calls, strict=True), strict=True))
    arrow = pa.table({name: pa.array(values, type=pa.int64() if name in _INTEGER_COLUMNS
                                     else pa.float64() if name in _REAL_COLUMNS else pa.string())
                      for name, values in data.items()})
    jobs = _select_in(conn, "SELECT id, type FROM jobs WHERE id IN ({})", sorted({j for j in data["job_id"] if j}))
    shots = _select_in(conn, "SELECT video_id, idx FROM shots WHERE video_id IN ({})",
                       sorted({v for v in data["video_id"] if v}))
    duck = duckdb.connect(":memory:")
    try:
        duck.execute("SET python_enable_replacements = false")
        duck.register("calls", arrow)
        duck.register("jobs", pa.table({"id": pa.array([j[0] for j in jobs], pa.string()),
                                        "type": pa.array([j[1] for j in jobs], pa.string())}))
        duck.register("shots", pa.table({"video_id": pa.array([s[0] for s in shots], pa.string()),
                                         "idx": pa.array([s[1] for s in shots], pa.int64())}))
        for table, sql in _SUM_BATCH.items():
            sums = duck.execute(sql).fetchall()
            if sums:
                conn.executemany(_UPSERT_SUMS[table], sums)
    finally:
        duck.close()


# --- reads: scoped to what the acting user may see -------------------------------------------


def _scoped(acting: User, scope: UsageScope) -> tuple[Any, UsageScope]:
    """Who the transaction acts for and the scope it may read: a user only ever their own
    rows (whatever the scope says); an admin anyone's, as the system."""
    if acting.is_admin:
        return SYSTEM, scope
    return acting, scope.model_copy(update={"user_id": acting.id})


def _where(scope: UsageScope, alias: str = "") -> tuple[str, list]:
    conditions, args = ["1 = 1"], []
    if scope.user_id is not None:
        conditions.append(f"{alias}user_id = ?")
        args.append(scope.user_id)
    if scope.start is not None:
        conditions.append(f"{alias}day >= ?")
        args.append(scope.start.isoformat())
    if scope.end is not None:
        conditions.append(f"{alias}day <= ?")
        args.append(scope.end.isoformat())
    for column, wanted in (("provider", scope.providers), ("model", scope.models)):
        if wanted:
            conditions.append(f"{alias}{column} IN ({', '.join('?' * len(wanted))})")
            args.extend(wanted)
    return " AND ".join(conditions), args


def usage_daily_rows(db: Database, acting: User, scope: UsageScope) -> list[tuple]:
    """The daily rollup rows in `scope` summed over its users (an admin's "everyone" reads a
    fifth of the rows with five users), as tuples in `DAILY_COLUMNS` order."""
    actor, scope = _scoped(acting, scope)
    where, args = _where(scope)
    key = ", ".join(DAILY_KEY[1:])
    sums = ", ".join(_sum(m) for m in DAILY_MEASURES)
    with db.read(actor) as conn:
        rows = conn.execute(f"SELECT {key}, {sums} FROM llm_usage_daily WHERE {where} GROUP BY {key}", args)
        return [tuple(r) for r in rows.fetchall()]


def usage_overview(db: Database, acting: User, user_id: int | None) -> list[tuple[str, str, int, str, str]]:
    """(provider, model, calls, first day, last day) over every day: what the filters offer."""
    actor, scope = _scoped(acting, UsageScope(user_id=user_id))
    where, args = _where(scope)
    with db.read(actor) as conn:
        return [tuple(r) for r in conn.execute(
            f"SELECT provider, model, {_sum('calls')}, min(day), max(day) FROM llm_usage_daily WHERE {where}"
            " GROUP BY provider, model", args).fetchall()]


def latency_histogram(db: Database, acting: User, scope: UsageScope) -> list[tuple[str, str, int, int]]:
    """(provider, model, bucket, calls) summed over the days in `scope`."""
    actor, scope = _scoped(acting, scope)
    where, args = _where(scope)
    with db.read(actor) as conn:
        return [tuple(r) for r in conn.execute(
            f"SELECT provider, model, bucket, {_sum('calls')} FROM llm_latency_daily WHERE {where}"
            " GROUP BY provider, model, bucket", args).fetchall()]


def top_videos(db: Database, acting: User, scope: UsageScope, limit: int) -> tuple[int, list[tuple]]:
    """(how many videos had calls, rows) where rows are (video_id, calls, cost, compute seconds,
    audio seconds) of the `limit` costliest videos and the `limit` heaviest in compute."""
    actor, scope = _scoped(acting, scope)
    where, args = _where(scope)
    # Per video and day unless the scope names providers or models: a tenth of the rows.
    table = "llm_usage_videos" if scope.providers or scope.models else "llm_usage_video_days"
    sql = f"""
    WITH per_video AS (
        SELECT video_id, {_sum('calls')} AS calls, sum(cost_usd) AS cost, sum(compute_seconds) AS compute,
               sum(audio_seconds) AS audio
        FROM {table} WHERE {where} GROUP BY video_id
    ), ranked AS (
        SELECT per_video.*, count(*) OVER () AS videos,
               row_number() OVER (ORDER BY cost DESC, video_id) AS by_cost,
               row_number() OVER (ORDER BY compute DESC, video_id) AS by_compute
        FROM per_video
    )
    SELECT videos, video_id, calls, cost, compute, audio FROM ranked WHERE by_cost <= ? OR by_compute <= ?
    """
    with db.read(actor) as conn:
        rows = conn.execute(sql, [*args, limit, limit]).fetchall()
    return (rows[0][0] if rows else 0), [tuple(r)[1:] for r in rows]


def spend_since(conn: Connection, user_id: int | None, since: date) -> float:
    """Recorded spend from the start of UTC day `since`, for one user or (None) everyone."""
    sql, args = "SELECT coalesce(sum(cost_usd), 0) FROM llm_usage_daily WHERE day >= ?", [since.isoformat()]
    if user_id is not None:
        sql += " AND user_id = ?"
        args.append(user_id)
    return float(conn.execute(sql, args).fetchone()[0])


# --- the raw calls, streamed (CSV export) -------------------------------------------------------

EXPORT_CALL_COLUMNS = (
    "id", "created_at", "user_id", "video_id", "job_id", "job_type", "provider", "model",
    "operation", "prompt_version", "input_tokens", "output_tokens", "cached_tokens", "image_tokens",
    "audio_seconds", "characters", "compute_seconds", "cost_usd", "price_date", "latency_ms",
    "status", "error", "retries", "cache_hit",
)


def iter_llm_calls(db: Database, acting: User, scope: UsageScope, batch: int = 5_000) -> Iterator[list[tuple]]:
    """The calls in `scope`, oldest first, in batches of rows in `EXPORT_CALL_COLUMNS` order
    (job_type joined from jobs). Each batch is its own short read that continues after the
    last (created_at, id) on an index, so a long download holds no transaction open, never
    holds the whole result in memory, and each batch costs the same however far it is in."""
    actor, scope = _scoped(acting, scope)
    where, args = _where(scope.model_copy(update={"start": None, "end": None}), alias="c.")
    if scope.start is not None:
        where += " AND c.created_at >= ?"
        args.append(scope.start.isoformat())
    if scope.end is not None:
        where += " AND c.created_at < ?"
        args.append((scope.end + timedelta(days=1)).isoformat())
    cols = ", ".join("j.type" if c == "job_type" else f"c.{c}" for c in EXPORT_CALL_COLUMNS)
    sql = (f"SELECT {cols} FROM llm_calls c LEFT JOIN jobs j ON j.id = c.job_id"
           f" WHERE {where} AND (c.created_at, c.id) > (?, ?) ORDER BY c.created_at, c.id LIMIT ?")
    after: tuple[str, int] = ("", 0)
    while True:
        with db.read(actor) as conn:
            rows = [tuple(r) for r in conn.execute(sql, [*args, *after, batch]).fetchall()]
        if not rows:
            return
        yield rows
        if len(rows) < batch:
            return
        after = (rows[-1][1], rows[-1][0])
