"""Per-user quotas: an admin's overrides (system work only: a user never writes or reads the
row itself on PostgreSQL) and what an account uses now, counted in one transaction."""

from __future__ import annotations

from datetime import datetime

from framepilot.models import QuotaLimits, QuotaUsage, User
from framepilot.store.db import SYSTEM, Database
from framepilot.store.repository._common import _now, _stamp

_COLUMNS = tuple(QuotaLimits.model_fields)


def get_quota_overrides(db: Database, user: User) -> QuotaLimits:
    with db.read(SYSTEM) as conn:
        row = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM user_quotas WHERE user_id = ?", (user.id,)).fetchone()
    return QuotaLimits(**{c: row[c] for c in _COLUMNS}) if row else QuotaLimits()


def set_quota_overrides(db: Database, user: User, limits: QuotaLimits) -> None:
    values = [getattr(limits, c) for c in _COLUMNS]
    with db.connect(SYSTEM) as conn:
        conn.execute(
            f"INSERT INTO user_quotas (user_id, {', '.join(_COLUMNS)}, updated_at)"
            f" VALUES (?, {', '.join('?' * len(_COLUMNS))}, ?)"
            f" ON CONFLICT (user_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _COLUMNS)},"
            " updated_at = excluded.updated_at",
            (user.id, *values, _now()),
        )


def quota_usage(db: Database, user: User, now: datetime) -> QuotaUsage:
    with db.read(user) as conn:
        videos, stored = conn.execute(
            "SELECT count(*), coalesce(sum(size_bytes), 0) FROM videos WHERE user_id = ?", (user.id,)).fetchone()
        jobs = conn.execute("SELECT count(*) FROM jobs WHERE user_id = ? AND status IN ('queued', 'running')",
                            (user.id,)).fetchone()[0]
        tokens = conn.execute(
            "SELECT count(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL"
            " AND (expires_at IS NULL OR expires_at > ?)", (user.id, _stamp(now))).fetchone()[0]
    return QuotaUsage(stored_bytes=int(stored), videos=int(videos), queued_jobs=int(jobs), tokens=int(tokens))
