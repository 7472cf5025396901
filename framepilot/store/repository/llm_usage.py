"""Usage rollups: per-day sums of `llm_calls`, written in the same transaction as each call
row, and the scoped reads the Costs page, the usage API and budgets make of them.

Three tables (migration 0007): `llm_usage_daily` (per user, day, provider, model, operation
and job type), `llm_usage_videos` (the same per video, for top videos, per-video compute and
the shots local calls read) and `llm_latency_daily` (calls per fixed latency bucket, for
approximate p50/p95). Keys hold '' or 0 instead of NULL so ON CONFLICT finds the row on both
dialects. Rows are upserted in key order, so concurrent writers on PostgreSQL never deadlock.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from typing import Any

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
    "latency_ms", "fresh_ok_calls", "fresh_ok_audio_seconds", "fresh_ok_characters",
)
VIDEO_KEY = ("user_id", "day", "provider", "model", "operation", "video_id")
VIDEO_MEASURES = ("calls", "fresh_ok_calls", "cost_usd", "compute_seconds", "audio_seconds")
LATENCY_KEY = ("user_id", "day", "provider", "model", "bucket")
LATENCY_MEASURES = ("calls",)
# What `usage_daily_rows` returns, in order (the user is in the scope, not in the rows).
DAILY_COLUMNS = DAILY_KEY[1:] + DAILY_MEASURES


def latency_bucket(latency_ms: float) -> int:
    return bisect.bisect_right(LATENCY_BOUNDS_MS, latency_ms)


def _text(value: Any) -> str:
    """An enum's value or the text itself (operations arrive as `Operation` or str)."""
    return str(getattr(value, "value", value))


def _upsert_sql(table: str, key: tuple[str, ...], measures: tuple[str, ...]) -> str:
    columns = key + measures
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}")


_UPSERTS = {
    "llm_usage_daily": _upsert_sql("llm_usage_daily", DAILY_KEY, DAILY_MEASURES),
    "llm_usage_videos": _upsert_sql("llm_usage_videos", VIDEO_KEY, VIDEO_MEASURES),
    "llm_latency_daily": _upsert_sql("llm_latency_daily", LATENCY_KEY, LATENCY_MEASURES),
}


def _job_types(conn: Connection, job_ids: set[str]) -> dict[str, str]:
    ids, types = sorted(job_ids), {}
    for start in range(0, len(ids), 500):  # SQLite caps the number of bound parameters
        chunk = ids[start:start + 500]
        rows = conn.execute(f"SELECT id, type FROM jobs WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
        types |= {r[0]: r[1] for r in rows.fetchall()}
    return types


def _add(sums: dict[tuple, list], key: tuple, values: tuple) -> None:
    total = sums.get(key)
    if total is None:
        sums[key] = list(values)
    else:
        for i, v in enumerate(values):
            total[i] += v


def add_to_rollups(conn: Connection, calls: Iterable[Mapping[str, Any]]) -> None:
    """Add calls (mappings with `llm_calls` column names, created_at included) to the rollups,
    inside the caller's transaction: the one that inserts the call rows."""
    calls = list(calls)
    job_types = _job_types(conn, {c["job_id"] for c in calls if c["job_id"]})
    daily: dict[tuple, list] = {}
    videos: dict[tuple, list] = {}
    latency: dict[tuple, list] = {}
    for c in calls:
        user, day = c["user_id"] or 0, c["created_at"][:10]
        provider, model, operation = c["provider"], c["model"], _text(c["operation"])
        fresh_ok = c["status"] == "ok" and not c["cache_hit"]
        cost = c["cost_usd"]
        _add(daily, (user, day, provider, model, operation, job_types.get(c["job_id"], "")), (
            1, int(c["status"] != "ok"), int(bool(c["cache_hit"])), cost or 0.0, int(cost is None),
            c["input_tokens"], c["output_tokens"], c["cached_tokens"], c["image_tokens"], c["audio_seconds"],
            c["characters"], c["compute_seconds"], c["latency_ms"], int(fresh_ok),
            c["audio_seconds"] if fresh_ok else 0.0, c["characters"] if fresh_ok else 0,
        ))
        if c["video_id"]:
            _add(videos, (user, day, provider, model, operation, c["video_id"]),
                 (1, int(fresh_ok), cost or 0.0, c["compute_seconds"], c["audio_seconds"]))
        _add(latency, (user, day, provider, model, latency_bucket(c["latency_ms"])), (1,))
    for table, sums in (("llm_usage_daily", daily), ("llm_usage_videos", videos), ("llm_latency_daily", latency)):
        if sums:  # key order: concurrent writers lock rows in the same order
            conn.executemany(_UPSERTS[table], [(*key, *sums[key]) for key in sorted(sums)])


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
    """The daily rollup rows in `scope`, as tuples in `DAILY_COLUMNS` order."""
    actor, scope = _scoped(acting, scope)
    where, args = _where(scope)
    with db.read(actor) as conn:
        rows = conn.execute(f"SELECT {', '.join(DAILY_COLUMNS)} FROM llm_usage_daily WHERE {where}", args)
        return [tuple(r) for r in rows.fetchall()]


def usage_overview(db: Database, acting: User, user_id: int | None) -> list[tuple[str, str, int, str, str]]:
    """(provider, model, calls, first day, last day) over every day: what the filters offer."""
    actor, scope = _scoped(acting, UsageScope(user_id=user_id))
    where, args = _where(scope)
    with db.read(actor) as conn:
        return [tuple(r) for r in conn.execute(
            f"SELECT provider, model, sum(calls), min(day), max(day) FROM llm_usage_daily WHERE {where}"
            " GROUP BY provider, model", args).fetchall()]


def latency_histogram(db: Database, acting: User, scope: UsageScope) -> list[tuple[str, str, int, int]]:
    """(provider, model, bucket, calls) summed over the days in `scope`."""
    actor, scope = _scoped(acting, scope)
    where, args = _where(scope)
    with db.read(actor) as conn:
        return [tuple(r) for r in conn.execute(
            f"SELECT provider, model, bucket, sum(calls) FROM llm_latency_daily WHERE {where}"
            " GROUP BY provider, model, bucket", args).fetchall()]


def top_videos(db: Database, acting: User, scope: UsageScope, limit: int) -> tuple[int, list[tuple]]:
    """(how many videos had calls, rows) where rows are (video_id, calls, cost, compute seconds,
    audio seconds) of the `limit` costliest videos and the `limit` heaviest in compute."""
    actor, scope = _scoped(acting, scope)
    where, args = _where(scope)
    sql = f"""
    WITH per_video AS (
        SELECT video_id, sum(calls) AS calls, sum(cost_usd) AS cost, sum(compute_seconds) AS compute,
               sum(audio_seconds) AS audio
        FROM llm_usage_videos WHERE {where} GROUP BY video_id
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


def local_shot_reads(db: Database, acting: User, scope: UsageScope) -> dict[str, int]:
    """Per operation: the shots that successful, uncached local calls read (each call reads
    its video's stored shots once). Only the acting user's videos count, or anyone's for an admin."""
    actor, scope = _scoped(acting, scope)
    where, args = _where(scope)
    owned = "" if acting.is_admin else " AND EXISTS (SELECT 1 FROM videos v WHERE v.id = w.video_id AND v.user_id = ?)"
    sql = f"""
    SELECT w.operation, sum(w.calls * (SELECT count(*) FROM shots s WHERE s.video_id = w.video_id))
    FROM (SELECT operation, video_id, sum(fresh_ok_calls) AS calls FROM llm_usage_videos
          WHERE {where} AND provider = 'local' AND fresh_ok_calls > 0 GROUP BY operation, video_id) w
    WHERE 1 = 1{owned} GROUP BY w.operation
    """
    with db.read(actor) as conn:
        rows = conn.execute(sql, [*args, *([] if acting.is_admin else [acting.id])]).fetchall()
    return {r[0]: int(r[1] or 0) for r in rows}


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
    (job_type joined from jobs). Each batch is its own short read, continuing after the last
    id, so a long download holds no transaction open and never the whole result in memory."""
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
           f" WHERE {where} AND c.id > ? ORDER BY c.id LIMIT ?")
    after = 0
    while True:
        with db.read(actor) as conn:
            rows = [tuple(r) for r in conn.execute(sql, [*args, after, batch]).fetchall()]
        if not rows:
            return
        yield rows
        if len(rows) < batch:
            return
        after = rows[-1][0]
