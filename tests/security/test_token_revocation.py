"""API tokens that do not outlive what should end them: a password change or a disabled
account revokes every token of the account (an old token used to answer 200 after
`users passwd`), and making a token asks for the password again, on the command line and
the Account page. Checked against the real API app on the test's store."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from framepilot.api.app import create_app
from framepilot.auth import tokens
from framepilot.cli import main
from framepilot.services import accounts
from tests.support.page_fixtures import open_page

PASSWORD = "correct horse battery"  # user_a's, from tests/conftest.py


@pytest.fixture
def api(settings):
    with TestClient(create_app(settings)) as client:
        yield client


def answers(api: TestClient, secret: str) -> int:
    return api.get("/api/jobs", headers={"Authorization": f"Bearer {secret}"}).status_code


def test_a_password_change_revokes_every_token_of_the_account(db, api, user_a, user_b, monkeypatch):
    mine = [tokens.create_token(db, user_a, name).secret for name in ("laptop", "watch folder")]
    others = tokens.create_token(db, user_b, "bob's").secret
    assert [answers(api, s) for s in mine] == [200, 200]

    monkeypatch.setattr("sys.stdin", io.StringIO("a brand new long password\n"))
    assert main(["users", "passwd", user_a.email]) == 0

    assert [answers(api, s) for s in mine] == [401, 401]
    assert answers(api, others) == 200


def test_disabling_an_account_revokes_its_tokens_and_enabling_it_brings_none_back(db, api, user_a):
    secret = tokens.create_token(db, user_a, "cron").secret
    accounts.set_disabled(db, user_a.email, True)
    accounts.set_disabled(db, user_a.email, False)

    assert answers(api, secret) == 401
    assert [t.revoked_at is not None for t in tokens.list_tokens(db, user_a)] == [True]


def test_the_command_line_asks_for_the_accounts_password_before_making_a_token(db, user_a, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("not the password\n"))
    assert main(["tokens", "create", "--user", user_a.email]) == 1
    assert "not the account's current password" in capsys.readouterr().err
    assert tokens.list_tokens(db, user_a) == []

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["tokens", "create", "--user", user_a.email]) == 0
    assert tokens.token_owner(db, capsys.readouterr().out.strip()).user == user_a


def test_the_account_page_asks_for_the_password_before_making_a_token(db, user_a):
    at = open_page(user_a, "pages/account.py")
    at.text_input(key="account_token_name").set_value("phone")
    at.text_input(key="account_token_password").set_value("not the password")
    at.button(key="FormSubmitter:account_new_token-Create token").click().run()

    assert any("not the account's current password" in e.value for e in at.error)
    assert not at.code and tokens.list_tokens(db, user_a) == []


def test_a_token_name_is_shown_as_text_never_as_markdown(db, user_a):
    name = "[go](https://evil.example/x) ![x](https://evil.example/p.png) :red[**urgent**]"
    assert tokens.create_token(db, user_a, name).token.name == name
    at = open_page(user_a, "pages/account.py")

    assert [t.value for t in at.text] == [name]
    assert not any("evil.example" in m.value for m in at.markdown)
