"""Local accounts: argon2 hashes, generic login errors, the users CLI."""

import subprocess
import sys

from framepilot.services import accounts
from framepilot.store import repository as repo
from tests.support.processes import PROJECT_ROOT


def test_password_is_stored_as_an_argon2_hash(db, user_a):
    _, stored = repo.user_credentials(db, "alice@example.com")
    assert stored.startswith("$argon2")
    assert "correct horse" not in stored


def test_right_password_signs_in_case_insensitive_email(db, user_a):
    assert accounts.authenticate(db, "Alice@Example.com", "correct horse battery") == user_a


def test_wrong_password_and_unknown_email_look_the_same(db, user_a):
    assert accounts.authenticate(db, "alice@example.com", "nope") is None
    assert accounts.authenticate(db, "nobody@example.com", "nope") is None


def test_demo_account_is_created_once(db):
    first = accounts.ensure_demo_account(db)
    second = accounts.ensure_demo_account(db)
    assert first and second is None
    assert accounts.authenticate(db, accounts.DEMO_EMAIL, first) is not None


def test_users_add_reads_the_password_from_stdin(settings):
    env = {"PATH": "/usr/bin:/bin", "FRAMEPILOT_DATA_DIR": str(settings.data_dir), "HOME": "/tmp"}
    proc = subprocess.run(
        [sys.executable, "-m", "framepilot.cli", "users", "add", "carol@example.com"],
        input="a-long-password\n", env=env, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "carol@example.com" in proc.stdout
    from framepilot.store import open_database

    assert accounts.authenticate(open_database(settings), "carol@example.com", "a-long-password")
