"""Personal API tokens: shown once, stored only as a hash, listed by their owner, refused
the moment they are revoked or expire; the same through `framepilot tokens` and the
Account page."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from framepilot.auth import tokens
from framepilot.cli import main
from framepilot.models import User
from framepilot.store import repository as repo
from tests.support.page_fixtures import open_page

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(db, settings, user_a):
    created = tokens.create_token(db, user_a, "phone shortcut", expires_in_days=30)
    secret = created.secret

    assert secret.startswith(tokens.PREFIX) and len(secret) > 40
    assert secret not in repr(created)
    stored = b"".join(p.read_bytes() for p in settings.data_dir.glob("framepilot.sqlite3*"))
    assert secret.encode() not in stored
    assert tokens.token_owner(db, secret).user == user_a
    listed = tokens.list_tokens(db, user_a)
    assert [(t.name, t.hint) for t in listed] == [("phone shortcut", secret[:tokens.HINT_CHARS])]
    assert listed[0].expires_at - listed[0].created_at == timedelta(days=30)


def test_a_revoked_token_is_refused_at_once(db, user_a):
    created = tokens.create_token(db, user_a, "watch folder")
    secret = created.secret
    assert tokens.token_owner(db, secret) is not None

    tokens.revoke_token(db, user_a, created.token.id)

    assert tokens.token_owner(db, secret) is None
    assert tokens.list_tokens(db, user_a)[0].state(datetime.now(timezone.utc)) == "revoked"


def test_an_expired_token_is_refused(db, user_a, monkeypatch):
    secret = tokens.create_token(db, user_a, "short-lived", expires_in_days=1).secret
    later = datetime.now(timezone.utc) + timedelta(days=1, minutes=1)
    monkeypatch.setattr(tokens, "_now", lambda: later)

    assert tokens.token_owner(db, secret) is None


def test_unknown_or_malformed_tokens_belong_to_nobody(db, user_a):
    tokens.create_token(db, user_a, "real")
    for presented in ("", "fpt_", "fpt_not-a-real-token", "Bearer fpt_x", "x" * 5000):
        assert tokens.token_owner(db, presented) is None


def test_a_disabled_account_cannot_use_its_tokens(db, user_a):
    if "disabled" not in User.model_fields or not hasattr(repo, "set_user_disabled"):
        pytest.skip("account disabling arrives with the sign-in hardening of issue 9")
    secret = tokens.create_token(db, user_a, "laptop").secret

    repo.set_user_disabled(db, user_a, True)

    assert tokens.token_owner(db, secret) is None


def test_nobody_revokes_or_sees_another_users_tokens(db, user_a, user_b):
    theirs = tokens.create_token(db, user_a, "alice's script")

    with pytest.raises(repo.NotFound):
        tokens.revoke_token(db, user_b, theirs.token.id)
    assert tokens.list_tokens(db, user_b) == []
    assert tokens.token_owner(db, theirs.secret).user == user_a


def test_a_token_needs_a_name_and_a_sane_expiry(db, user_a):
    with pytest.raises(tokens.TokenError, match="name"):
        tokens.create_token(db, user_a, "   ")
    with pytest.raises(tokens.TokenError, match="days"):
        tokens.create_token(db, user_a, "forever and a day", expires_in_days=0)


# --- the command line ---------------------------------------------------------------------


def test_tokens_create_list_and_revoke_on_the_command_line(db, user_a, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))  # the account's password
    assert main(["tokens", "create", "--user", user_a.email, "--name", "cron job", "--expires-days", "7"]) == 0
    out = capsys.readouterr()
    secret = out.out.strip()
    assert tokens.token_owner(db, secret).user == user_a
    assert "shown once" in out.err and secret not in out.err

    assert main(["tokens", "list", "--user", user_a.email]) == 0
    listing = capsys.readouterr().out
    token_id = listing.split("\t")[0]
    assert "cron job" in listing and "active" in listing and secret not in listing

    assert main(["tokens", "revoke", token_id, "--user", user_a.email]) == 0
    assert tokens.token_owner(db, secret) is None
    assert main(["tokens", "list", "--user", user_a.email]) == 0
    assert "revoked" in capsys.readouterr().out


def test_tokens_for_an_unknown_account_fail_with_a_message(db, capsys):
    assert main(["tokens", "create", "--user", "nobody@example.com"]) == 1
    assert "no account" in capsys.readouterr().err


# --- the Account page -----------------------------------------------------------------------


def account_page(user) -> AppTest:  # noqa: ANN001
    return open_page(user, "pages/account.py")


def test_the_account_page_creates_a_token_shows_it_once_and_revokes_it(db, user_a):
    at = account_page(user_a)
    assert not at.exception
    at.text_input(key="account_token_name").set_value("editing script")
    at.text_input(key="account_token_password").set_value("correct horse battery")
    at.button(key="FormSubmitter:account_new_token-Create token").click().run()

    shown = [c.value for c in at.code]
    assert len(shown) == 1 and tokens.token_owner(db, shown[0]).user == user_a
    assert any("not shown again" in s.value for s in at.success)

    at.run()  # any later run: the token is gone from the page, its entry stays
    assert not at.code
    assert any("editing script" == t.value for t in at.text)

    token_id = tokens.list_tokens(db, user_a)[0].id
    at.button(key=f"account_revoke_{token_id}").click().run()
    assert any("can't be undone" in w.value for w in at.warning)  # asked first: nothing revoked yet
    assert tokens.token_owner(db, shown[0]).user == user_a
    at.button(key=f"account_revoke_confirm_{token_id}").click().run()
    assert tokens.token_owner(db, shown[0]) is None
    assert any("revoked" in m.value for m in at.markdown)


def test_the_account_page_lists_only_the_signed_in_users_tokens(db, user_a, user_b):
    tokens.create_token(db, user_a, "alice laptop")
    at = account_page(user_b)
    page = "\n".join([m.value for m in at.markdown] + [t.value for t in at.text])
    assert "alice laptop" not in page
    assert any("No tokens yet" in i.value for i in at.info)
