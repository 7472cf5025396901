"""Recording the audit trail of security-relevant actions (reading it: `services/audit.py`).

Recorded where each action happens, so both faces and the command line record it once:
sign-in success and failure, API token create and revoke, password change, account disable
and enable, admin grant and revoke, video delete. Each entry is the event, the time, the
acting account's id, the account it concerned, and the token or video id: never an email, a
file name, a token, a password or any content.
"""

from __future__ import annotations

from framepilot.core.logs import get_logger
from framepilot.models import AuditEvent, User
from framepilot.store import Database
from framepilot.store import repository as repo


def record(db: Database, event: AuditEvent, *, actor: User | int | None = None, subject: User | int | None = None,
           target: str | None = None, outcome: str = "ok") -> None:
    """Append one entry. A failure to write it is logged, not raised: the action it records has
    already happened, and the caller's answer must not change because of the trail."""
    try:
        repo.append_audit_entry(db, event.value, actor_id=_id(actor), subject_id=_id(subject), target=target,
                                outcome=outcome)
    except Exception as exc:  # noqa: BLE001 - see above
        get_logger(component="audit").error("audit.write_failed", audit_event=event.value,
                                            error_type=type(exc).__name__)


def _id(who: User | int | None) -> int | None:
    return who.id if isinstance(who, User) else who
