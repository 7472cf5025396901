"""The audit log: which account did what to which account, token or video, and when.

Append-only: there is no function here that changes or removes an entry, the system role
may only insert and read it on PostgreSQL, and a trigger refuses UPDATE and DELETE on both
backends. Entries hold ids and times only, never content or secrets.
"""

from __future__ import annotations

from framepilot.models import AuditEntry
from framepilot.store.db import SYSTEM, Database
from framepilot.store.repository._common import _now, _ts


def append_audit_entry(db: Database, event: str, *, actor_id: int | None = None, subject_id: int | None = None,
                       target: str | None = None, outcome: str = "ok") -> None:
    with db.connect(SYSTEM) as conn:
        conn.execute("INSERT INTO audit_log(at, event, actor_id, subject_id, target, outcome)"
                     " VALUES (?, ?, ?, ?, ?, ?)", (_now(), event, actor_id, subject_id, target, outcome))


def audit_entries(db: Database, *, limit: int = 100, before_id: int | None = None,
                  subject_id: int | None = None) -> list[AuditEntry]:
    """The newest entries first (`before_id` pages back); the caller has checked the reader is an admin."""
    sql, args = "SELECT * FROM audit_log WHERE 1 = 1", []
    if before_id is not None:
        sql += " AND id < ?"
        args.append(before_id)
    if subject_id is not None:
        sql += " AND subject_id = ?"
        args.append(subject_id)
    with db.read(SYSTEM) as conn:
        rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", [*args, limit]).fetchall()
    return [AuditEntry(id=r["id"], at=_ts(r["at"]), event=r["event"], actor_id=r["actor_id"],
                       subject_id=r["subject_id"], target=r["target"], outcome=r["outcome"]) for r in rows]
