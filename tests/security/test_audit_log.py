"""The audit log (issue 19): security-relevant actions are recorded with ids and times only,
admins (and the operator at the command line) can read it, nobody can change it."""

from __future__ import annotations

import json
import sqlite3

import pytest

from framepilot.auth import tokens
from framepilot.models import AuditEvent
from framepilot.services import accounts, audit
from framepilot.services.library import delete_video
from framepilot.store import repository as repo

SECRET_WORDS = ("correct horse battery", "another long password", "a brand new password", "alice@example.com",
                "laptop-token", "holiday.mp4")


def test_every_security_action_is_recorded_with_ids_and_times_only(db, settings, user_a, user_b):
    admin = accounts.add_user(db, "root@example.com", "an admin password here", is_admin=True)
    assert accounts.authenticate(db, "alice@example.com", "correct horse battery") == user_a
    assert accounts.authenticate(db, "alice@example.com", "wrong password entirely") is None
    assert accounts.authenticate(db, "nobody@example.com", "wrong password entirely") is None
    new = tokens.create_token(db, user_a, "laptop-token")
    tokens.revoke_token(db, user_a, new.token.id)
    accounts.change_password(db, "alice@example.com", "a brand new password")
    accounts.set_disabled(db, "bob@example.com", True)
    accounts.set_admin(db, "bob@example.com", True)
    video = repo.create_video(db, user_a, filename="holiday.mp4", stored_path="uploads/x.mp4", sha256="h" * 64,
                              size_bytes=1)
    delete_video(db, settings, user_a, video.id)

    entries = audit.read_log(db, admin)

    assert [(e.event, e.subject_id, e.target, e.outcome) for e in reversed(entries)] == [
        (AuditEvent.SIGN_IN, user_a.id, None, "ok"),
        (AuditEvent.SIGN_IN_FAILED, user_a.id, None, "refused"),
        (AuditEvent.SIGN_IN_FAILED, None, None, "refused"),
        (AuditEvent.TOKEN_CREATED, user_a.id, new.token.id, "ok"),
        (AuditEvent.TOKEN_REVOKED, user_a.id, new.token.id, "ok"),
        (AuditEvent.PASSWORD_CHANGED, user_a.id, None, "ok"),
        (AuditEvent.ACCOUNT_DISABLED, user_b.id, None, "ok"),
        (AuditEvent.ADMIN_GRANTED, user_b.id, None, "ok"),
        (AuditEvent.VIDEO_DELETED, user_a.id, video.id, "ok"),
    ]
    assert all(e.at is not None for e in entries)
    with sqlite3.connect(settings.db_path) as conn:
        stored = json.dumps(conn.execute("SELECT * FROM audit_log").fetchall())
    assert not any(word in stored for word in SECRET_WORDS) and new.secret not in stored


def test_only_admins_read_the_audit_log(db, user_a):
    accounts.authenticate(db, "alice@example.com", "correct horse battery")
    with pytest.raises(audit.NotAnAdmin):
        audit.read_log(db, user_a)
    assert [e.event for e in audit.read_log(db, None)] == [AuditEvent.SIGN_IN]  # the operator, at the command line


def test_the_audit_log_cannot_be_changed_or_emptied(db, settings, user_a):
    accounts.authenticate(db, "alice@example.com", "correct horse battery")
    with sqlite3.connect(settings.db_path) as conn:
        for statement in ("UPDATE audit_log SET event = 'nothing'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(statement)
    assert len(audit.read_log(db, None)) == 1


def test_the_command_line_shows_the_log(db, user_a, capsys):
    from framepilot.cli.main import main

    accounts.authenticate(db, "alice@example.com", "wrong password entirely")
    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "sign_in_failed" in out and f"subject={user_a.id}" in out and "alice@" not in out
