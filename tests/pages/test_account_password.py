"""Account self-service through AppTest: a password change on the Account page (current password
checked, the new one twice, the policy's words on refusal; old sessions end, this browser gets a
new one), and the autocomplete hints password managers read on the sign-in form."""

from __future__ import annotations

import pytest

from framepilot.services import accounts
from tests.support.browser import Browser, onward_link

NEW = "a brand new long password"


@pytest.fixture
def browser(db, monkeypatch) -> Browser:
    return Browser(db, monkeypatch)


def _change(at, current: str, new: str, again: str | None = None):
    at.text_input(key="account_password_current").input(current)
    at.text_input(key="account_password_new").input(new)
    at.text_input(key="account_password_again").input(new if again is None else again)
    return at.button(key="FormSubmitter:account_password-Change password").click().run()


def test_changing_the_password_ends_old_sessions_and_keeps_this_browser_signed_in(browser, db, user_a):
    at = browser.signed_in_as(user_a).open("pages/account.py")
    old_cookie = browser.session_cookie

    at = _change(at, "correct horse battery", NEW)

    assert "/_framepilot/session" in onward_link(at)
    browser.run_page_script(at)  # the cookie that binds the new code to this browser
    assert browser.follow(onward_link(at)).headers["location"] == "/account?changed=password"
    assert browser.session_cookie != old_cookie
    assert accounts.authenticate(db, "alice@example.com", NEW) == user_a
    assert accounts.authenticate(db, "alice@example.com", "correct horse battery") is None
    back = open_account_after_change(browser)
    assert "Password changed" in " ".join(s.value for s in back.success)


def open_account_after_change(browser):
    """The Account page as the session route sends the browser back to it."""
    from streamlit.testing.v1 import AppTest

    from tests.support.browser import ROOT, TIMEOUT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["changed"] = "password"
    at.switch_page("pages/account.py")
    return at.run()


@pytest.mark.parametrize(("current", "new", "again", "said"), [
    ("wrong password!!", NEW, NEW, "current password is not right"),
    ("correct horse battery", NEW, NEW + "x", "two new passwords differ"),
    ("correct horse battery", "short", "short", "character"),
])
def test_a_refused_change_says_why_and_changes_nothing(browser, db, user_a, current, new, again, said):
    at = _change(browser.signed_in_as(user_a).open("pages/account.py"), current, new, again)

    assert said in " ".join(e.value for e in at.error)
    assert accounts.authenticate(db, "alice@example.com", "correct horse battery") == user_a


def test_the_sign_in_form_tells_password_managers_to_fill_the_saved_password(browser):
    at = browser.open()
    assert at.text_input(key="signin_email").proto.autocomplete == "username"
    assert at.text_input(key="signin_password").proto.autocomplete == "current-password"
