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
from framepilot.store.repository.llm_usage import (
    add_call_to_rollups,
    add_calls_to_rollups,
    spend_since,
)

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


_INSERT_CALL = (f"INSERT INTO llm_calls({', '.join(_CALL_COLUMNS)}, created_at)"
                f" VALUES ({', '.join('?' * (len(_CALL_COLUMNS) + 1))})")


def record_llm_call(db: Database, call: LLMCall, settles: str | None = None) -> int:
    """Record a call and add it to the usage rollups; `settles` names the budget reservation
    its real cost replaces. All in one transaction."""
    values = (*_call_values(call), _stamp(call.created_at) if call.created_at else _now())
    with db.connect(SYSTEM) as conn:
        if settles is not None:
            conn.execute("DELETE FROM budget_reservations WHERE id = ?", (settles,))
        call_id = conn.execute(_INSERT_CALL + " RETURNING id", values).fetchone()[0]
        add_call_to_rollups(conn, call_id)
        return call_id


_IMPORT_COLUMNS = (*_CALL_COLUMNS, "created_at")


def record_llm_calls_bulk(db: Database, calls: list[tuple]) -> None:
    """For benchmarks and imports: rows as tuples in `_CALL_COLUMNS` order plus created_at
    (UTC ISO text), added to the usage rollups in the same transaction. The rows go in the
    backend's fastest way (COPY on PostgreSQL); their sums are computed in memory."""
    with db.connect(SYSTEM) as conn:
        conn.copy_rows("llm_calls", _IMPORT_COLUMNS, calls)
        add_calls_to_rollups(conn, _IMPORT_COLUMNS, calls)


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
    """Spend from the UTC day of `month_start` on, for one user or (None) everyone: the budget
    status (read from the daily rollup, so it costs the same at 10 million calls as at ten)."""
    with db.read(SYSTEM) as conn:
        return _spend(conn, user_id, month_start)


def _spend(conn: Connection, user_id: int | None, since: datetime) -> float:
    return spend_since(conn, user_id, since.astimezone(timezone.utc).date())


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


