"""AI-call accounting rows: record, list for a user, month spend, budget reservations, and
the analytics feed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from framepilot.models import (
    BudgetReservation,
    LLMCall,
    User,
)
from framepilot.store.db import SYSTEM, Connection, Database, Row
from framepilot.store.repository._common import _now, _stamp, _ts, new_id

# --- llm calls and cache --------------------------------------------------------------

_CALL_COLUMNS = (
    "user_id", "video_id", "job_id", "provider", "model", "operation", "prompt_version",
    "input_tokens", "output_tokens", "cached_tokens", "image_tokens", "audio_seconds", "characters",
    "compute_seconds", "cost_usd", "unit_prices", "price_date", "latency_ms", "status", "error",
    "retries", "cache_hit",
)


def _call_values(call: LLMCall) -> tuple:
    data = call.model_dump()
    data["unit_prices"] = json.dumps(call.unit_prices) if call.unit_prices is not None else None
    data["cache_hit"] = int(call.cache_hit)
    return tuple(data[c] for c in _CALL_COLUMNS)


def record_llm_call(db: Database, call: LLMCall, settles: str | None = None) -> int:
    """Record a call; `settles` names the budget reservation its real cost replaces (atomically)."""
    with db.connect(SYSTEM) as conn:
        if settles is not None:
            conn.execute("DELETE FROM budget_reservations WHERE id = ?", (settles,))
        cur = conn.execute(
            f"INSERT INTO llm_calls({', '.join(_CALL_COLUMNS)}) VALUES ({', '.join('?' * len(_CALL_COLUMNS))}) RETURNING id",
            _call_values(call),
        )
        return cur.fetchone()[0]


def record_llm_calls_bulk(db: Database, calls: list[tuple]) -> None:
    """For benchmarks and imports: rows as tuples in `_CALL_COLUMNS` order plus created_at."""
    with db.connect(SYSTEM) as conn:
        conn.executemany(
            f"INSERT INTO llm_calls({', '.join(_CALL_COLUMNS)}, created_at)"
            f" VALUES ({', '.join('?' * (len(_CALL_COLUMNS) + 1))})",
            calls,
        )


def _call(row: Row) -> LLMCall:
    data = {c: row[c] for c in _CALL_COLUMNS}
    data["unit_prices"] = json.loads(row["unit_prices"]) if row["unit_prices"] else None
    data["cache_hit"] = bool(row["cache_hit"])
    return LLMCall(**data, created_at=_ts(row["created_at"]))


def list_llm_calls(
    db: Database, user: User, video_id: str | None = None, job_id: str | None = None
) -> list[LLMCall]:
    sql, args = "SELECT * FROM llm_calls WHERE user_id = ?", [user.id]
    if video_id:
        sql += " AND video_id = ?"
        args.append(video_id)
    if job_id:
        sql += " AND job_id = ?"
        args.append(job_id)
    with db.read(user) as conn:
        return [_call(r) for r in conn.execute(sql + " ORDER BY id", args)]


def llm_call_rows_after(
    db: Database, acting: User, after_id: int, all_users: bool = False
) -> tuple[list[str], list[tuple]]:
    """Raw rows with id > after_id for the analytics snapshot; admins may ask for everyone's."""
    cols = ("id", "created_at", *_CALL_COLUMNS)
    sql = f"SELECT {', '.join(cols)} FROM llm_calls WHERE id > ?"
    args: list[Any] = [after_id]
    if not (all_users and acting.is_admin):
        sql += " AND user_id = ?"
        args.append(acting.id)
    with db.read(SYSTEM if all_users and acting.is_admin else acting) as conn:
        rows = conn.execute(sql + " ORDER BY id", args).fetchall()
    return list(cols), [tuple(r) for r in rows]


def month_spend_usd(db: Database, user_id: int | None, month_start: datetime) -> float:
    """Spend since `month_start`, for one user or (None) everyone: the budget status."""
    with db.read(SYSTEM) as conn:
        return _spend(conn, user_id, month_start)


def _spend(conn: Connection, user_id: int | None, since: datetime) -> float:
    sql, args = "SELECT coalesce(sum(cost_usd), 0) FROM llm_calls WHERE created_at >= ?", [_stamp(since)]
    if user_id is not None:
        sql += " AND user_id = ?"
        args.append(user_id)
    return float(conn.execute(sql, args).fetchone()[0])


def _reserved(conn: Connection, user_id: int | None, now: str) -> float:
    sql, args = "SELECT coalesce(sum(amount_usd), 0) FROM budget_reservations WHERE expires_at >= ?", [now]
    if user_id is not None:
        sql += " AND user_id = ?"
        args.append(user_id)
    return float(conn.execute(sql, args).fetchone()[0])


def reserve_budget(
    db: Database, *, user_id: int | None, amount_usd: float, month_start: datetime,
    user_limit: float | None, global_limit: float | None, ttl_s: float,
) -> BudgetReservation:
    """Set `amount_usd` aside if this month's spend plus what calls in flight have reserved
    plus the amount stays within each limit (None: no limit); else refuse, naming the scope.

    Check and reservation are one transaction that first updates the scopes' lock rows, so
    two reservations in one scope never both see the room that only one of them fits.
    """
    scopes = []
    if user_limit is not None and user_id is not None:
        scopes.append(("user", f"user:{user_id}", user_id, user_limit))
    if global_limit is not None:
        scopes.append(("global", "global", None, global_limit))
    now = _now()
    with db.connect(SYSTEM) as conn:
        for _, lock, _, _ in scopes:
            conn.execute(
                "INSERT INTO budget_locks(scope, touched_at) VALUES (?, ?)"
                " ON CONFLICT (scope) DO UPDATE SET touched_at = excluded.touched_at",
                (lock, now),
            )
        conn.execute("DELETE FROM budget_reservations WHERE expires_at < ?", (now,))
        for name, _, uid, limit in scopes:
            spent, reserved = _spend(conn, uid, month_start), _reserved(conn, uid, now)
            committed = spent + reserved
            if committed >= limit or committed + amount_usd > limit:
                return BudgetReservation(refused_scope=name, spent_usd=spent, reserved_usd=reserved)
        reservation = new_id()
        expires = _stamp(datetime.now(timezone.utc) + timedelta(seconds=ttl_s))
        conn.execute(
            "INSERT INTO budget_reservations(id, user_id, amount_usd, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (reservation, user_id, amount_usd, now, expires),
        )
    return BudgetReservation(id=reservation)



# --- analytics: the snapshot's feed (system side), and labels for the Costs page -------

ANALYTICS_CALL_COLUMNS = (
    "id", "created_at", "user_id", "video_id", "job_id", "job_type", "provider", "model",
    "operation", "prompt_version", "input_tokens", "output_tokens", "cached_tokens", "image_tokens",
    "audio_seconds", "characters", "compute_seconds", "cost_usd", "price_date", "latency_ms",
    "status", "error", "retries", "cache_hit",
)


def llm_call_rows_for_analytics(db: Database, after_id: int, limit: int) -> list[tuple]:
    """Every user's calls with id > after_id, oldest first, in `ANALYTICS_CALL_COLUMNS` order
    (job_type joined from jobs). System side: only `framepilot.analytics` reads this, and it
    applies row-level security (the acting user's user_id) on every query it answers."""
    cols = ", ".join("j.type" if c == "job_type" else f"c.{c}" for c in ANALYTICS_CALL_COLUMNS)
    with db.read(SYSTEM) as conn:
        return conn.execute(
            f"SELECT {cols} FROM llm_calls c LEFT JOIN jobs j ON j.id = c.job_id"
            " WHERE c.id > ? ORDER BY c.id LIMIT ?",
            (after_id, limit),
        ).fetchall()


def max_llm_call_id(db: Database) -> int:
    """The newest call's id (0 when none): tells the snapshot whether its files fit this store."""
    with db.read(SYSTEM) as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM llm_calls").fetchone()[0]
