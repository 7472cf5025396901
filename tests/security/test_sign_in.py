"""Attacks on sign-in, through the sign-in page (AppTest with a cookie-carrying browser),
`framepilot.services.accounts` and the `framepilot users` command: guessing is throttled with
lockouts that expire, shared across processes; weak passwords are refused; a password
change, a disabled account or a sign-out end a session at once; admin rights come from
the store on every run; logs carry no password or email."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import timedelta

import pytest

from framepilot.auth import sessions
from framepilot.auth.sessions import SessionPolicy
from framepilot.auth.throttle import SignInThrottle
from framepilot.core.logs import configure_logging
from framepilot.services import accounts
from framepilot.services.accounts import LOGIN_FAILED, AccountError
from framepilot.settings import get_settings
from framepilot.store import SYSTEM
from tests.support.browser import SIGN_IN_BUTTON, Browser, onward_link
from tests.support.processes import PROJECT_ROOT

RIGHT = "correct horse battery"  # user_a's password (tests/conftest.py)


@pytest.fixture
def browser(db, monkeypatch) -> Browser:
    return Browser(db, monkeypatch, address="203.0.113.7")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


# --- guessing -------------------------------------------------------------------------


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(browser, user_a):
    for _ in range(5):
        assert [e.value for e in browser.submit_sign_in("alice@example.com", "wrong guess!").error] == [LOGIN_FAILED]
    at = browser.submit_sign_in("alice@example.com", RIGHT)
    assert [e.value for e in at.error] == ["Too many sign-in attempts. Try again in 5 minutes."]
    assert not at.get("link_button")


def test_one_client_spraying_many_accounts_is_locked_out(browser, user_a, monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_SIGNIN_CLIENT_LIMITS", "3 per 5 minutes")
    get_settings.cache_clear()
    for i in range(3):
        browser.submit_sign_in(f"guess{i}@example.com", "Summer2024!")
    assert "Too many sign-in attempts" in browser.submit_sign_in("alice@example.com", RIGHT).error[0].value
    elsewhere = Browser(browser.db, monkeypatch, address="198.51.100.9")  # another client is not affected
    assert onward_link(elsewhere.submit_sign_in("alice@example.com", RIGHT))


def test_the_lockout_expires_and_a_success_clears_the_account(db, settings, user_a):
    clock = Clock()
    throttle = SignInThrottle.for_settings(db, settings, clock=clock)
    for _ in range(5):
        accounts.sign_in(db, "alice@example.com", "wrong guess!", "203.0.113.7", throttle)
    locked = accounts.sign_in(db, "alice@example.com", RIGHT, "203.0.113.7", throttle)
    assert locked.locked and 0 < locked.retry_after_s <= 300
    clock.now += 301
    assert accounts.sign_in(db, "alice@example.com", RIGHT, "203.0.113.7", throttle).user == user_a
    for _ in range(4):  # the success started the account's count again
        accounts.sign_in(db, "alice@example.com", "wrong guess!", "203.0.113.7", throttle)
    assert accounts.sign_in(db, "alice@example.com", RIGHT, "203.0.113.7", throttle).user == user_a


def test_a_lockout_made_in_one_process_holds_in_another(settings, db, user_a):
    guesses = ("from framepilot.services import accounts; from framepilot.settings import get_settings; "
               "from framepilot.store import open_database; db = open_database(get_settings()); "
               "[accounts.sign_in(db, 'alice@example.com', 'wrong guess!', '203.0.113.7') for _ in range(5)]")
    subprocess.run([sys.executable, "-c", guesses], cwd=PROJECT_ROOT, check=True, timeout=120,
                   env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONPATH": str(PROJECT_ROOT),
                        "FRAMEPILOT_DATA_DIR": str(settings.data_dir), "FRAMEPILOT_LOG_LEVEL": "ERROR"})
    assert accounts.sign_in(db, "alice@example.com", RIGHT, "198.51.100.9").locked


def test_unknown_emails_lock_out_like_real_ones(db, user_a):
    """So a lockout message tells a guesser nothing about which emails have accounts."""
    for email in ("alice@example.com", "nobody@example.com"):
        for _ in range(5):
            accounts.sign_in(db, email, "wrong guess!", f"client-{email}")
        assert accounts.sign_in(db, email, "anything at all", f"client-{email}").retry_after_s > 0


def test_sign_in_logs_say_who_and_how_without_the_password_or_email(db, user_a):
    out = io.StringIO()
    configure_logging("INFO", stream=out)
    try:
        accounts.sign_in(db, "alice@example.com", "wrong guess!", "203.0.113.7")
        accounts.sign_in(db, "alice@example.com", RIGHT, "203.0.113.7")
    finally:
        configure_logging("INFO")
    events = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    assert [e["event"] for e in events] == ["auth.sign_in.failed", "auth.sign_in.succeeded"]
    assert events[1]["user_id"] == user_a.id and events[0]["account_ref"]
    for secret in ("wrong guess", "correct horse", "alice", "203.0.113.7"):
        assert secret not in out.getvalue()


# --- passwords ------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["password123", "Password1!", "qwertyuiop", "alice@example.com2024",
                                      "framepilot1", "short"])
def test_common_or_guessable_passwords_are_refused(db, password):
    with pytest.raises(AccountError):
        accounts.add_user(db, "alice@example.com", password)


def _cli(settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "framepilot.cli", "users", *args], input=stdin, text=True,
                          capture_output=True, cwd=PROJECT_ROOT, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "FRAMEPILOT_DATA_DIR": str(settings.data_dir)})


def test_users_passwd_refuses_a_weak_password_and_a_strong_one_ends_every_session(settings, browser, user_a):
    browser.signed_in_as(user_a)
    weak = _cli(settings, "passwd", "alice@example.com", stdin="letmein1\n")
    assert weak.returncode == 1 and "too easy to guess" in weak.stderr
    assert browser.open().title[0].value.endswith("Library")
    strong = _cli(settings, "passwd", "alice@example.com", stdin="a brand new long phrase\n")
    assert strong.returncode == 0, strong.stderr
    assert browser.open().button(key=SIGN_IN_BUTTON).label == "Sign in"
    assert onward_link(browser.submit_sign_in("alice@example.com", "a brand new long phrase"))


def test_a_disabled_account_is_signed_out_at_once_and_cannot_sign_in(settings, browser, user_a):
    browser.signed_in_as(user_a)
    assert _cli(settings, "disable", "alice@example.com").returncode == 0
    assert browser.open().button(key=SIGN_IN_BUTTON).label == "Sign in"
    assert [e.value for e in browser.submit_sign_in("alice@example.com", RIGHT).error] == [LOGIN_FAILED]
    assert _cli(settings, "enable", "alice@example.com").returncode == 0
    assert onward_link(browser.submit_sign_in("alice@example.com", RIGHT))


def test_admin_rights_are_read_from_the_store_on_every_run(settings, browser, db, user_a):
    admin = accounts.add_user(db, "root@example.com", "the admin passphrase", is_admin=True)
    from framepilot.models import LLMCall
    from framepilot.store import repository as repo

    repo.record_llm_call(db, LLMCall(provider="openai", model="gpt-4o", operation="direct.scene_director", input_tokens=1,
                                     output_tokens=1, cost_usd=0.5, latency_ms=1.0, user_id=user_a.id))
    def user_picker(at) -> list:  # noqa: ANN001 - only admins may look at other users' costs
        return [s for s in at.selectbox if s.key == "costs_user"]

    at = browser.signed_in_as(admin).open("pages/costs.py")
    assert user_picker(at)
    assert _cli(settings, "admin", "root@example.com", "--revoke").returncode == 0
    assert not user_picker(at.run())  # the same session, its next run
    assert _cli(settings, "admin", "alice@example.com", "--grant").returncode == 0
    assert user_picker(browser.signed_in_as(user_a).open("pages/costs.py"))


# --- sessions -------------------------------------------------------------------------


def test_a_forged_or_tampered_cookie_signs_nobody_in(browser, db, user_a):
    browser.signed_in_as(user_a)
    token, expires, signature = browser.session_cookie.split(".")
    for forged in (f"{token}.{int(expires) + 3600}.{signature}", f"{token[:-2]}AA.{expires}.{signature}",
                   "anything"):
        browser.set_session_cookie(forged)
        assert browser.open().button(key=SIGN_IN_BUTTON).label == "Sign in"


def test_an_idle_session_and_an_old_one_end(db, settings, user_a):
    policy = SessionPolicy.from_settings(settings)
    new = sessions.start_session(db, user_a, policy)
    cookie, start = new.cookie.get_secret_value(), new.expires_at - policy.max_age
    assert sessions.resolve(db, cookie, policy, now=start + policy.idle - timedelta(minutes=1)).user == user_a
    later = start + policy.idle - timedelta(minutes=1) + policy.idle + timedelta(minutes=1)
    assert sessions.resolve(db, cookie, policy, now=later) is None  # idle too long: revoked
    assert sessions.resolve(db, cookie, policy) is None
    fresh = sessions.start_session(db, user_a, policy).cookie.get_secret_value()
    assert sessions.resolve(db, fresh, policy, now=new.expires_at + timedelta(seconds=1)) is None


def test_the_session_token_is_stored_only_as_a_hash(db, user_a, settings):
    cookie = sessions.start_session(db, user_a, SessionPolicy.from_settings(settings)).cookie.get_secret_value()
    token = cookie.split(".")[0]
    assert token.encode() not in settings.db_path.read_bytes()
    with db.read(SYSTEM) as conn:
        stored = [r[0] for r in conn.execute("SELECT token_hash FROM auth_sessions")]
    assert len(stored) == 1 and token not in stored[0]


def test_with_redis_configured_the_counters_live_in_redis(redis_url, monkeypatch, settings, db, user_a):
    """So that web processes on several machines share one lockout."""
    import redis

    monkeypatch.setenv("FRAMEPILOT_REDIS_URL", redis_url)
    get_settings.cache_clear()
    for _ in range(5):
        accounts.sign_in(db, "alice@example.com", "wrong guess!", "203.0.113.7")
    assert accounts.sign_in(db, "alice@example.com", RIGHT, "198.51.100.9").locked
    assert redis.Redis.from_url(redis_url).keys("*signin-account*")
    with db.read(SYSTEM) as conn:
        assert conn.execute("SELECT count(*) FROM rate_limits").fetchone()[0] == 0
