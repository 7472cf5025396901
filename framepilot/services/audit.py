"""Reading the audit log: admins only, newest first (what is recorded: `auth/audit.py`)."""

from __future__ import annotations

from framepilot.errors import FramePilotError
from framepilot.models import AuditEntry, User
from framepilot.store import Database
from framepilot.store import repository as repo


class NotAnAdmin(FramePilotError, PermissionError):
    """Only admins read the audit log."""

    user_facing = True


def read_log(db: Database, reader: User | None, *, limit: int = 100, before_id: int | None = None,
             subject_id: int | None = None) -> list[AuditEntry]:
    """The newest entries first. `reader` None is the operator at the command line (who holds
    the store's credentials anyway); any other reader must be an admin."""
    if reader is not None and not reader.is_admin:
        raise NotAnAdmin("Only admins can read the audit log.")
    return repo.audit_entries(db, limit=max(1, min(limit, 1000)), before_id=before_id, subject_id=subject_id)
