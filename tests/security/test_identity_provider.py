"""Identity-provider sign-in (OIDC): an identity is its provider's subject, not its email.
An unverified email claim must not open the local account with that email."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from framepilot.auth.oidc import OidcClaims, resolve_identity
from tests.support.browser import ROOT, TIMEOUT, Browser, onward_link

ISSUER = "https://id.example.com"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 32, "client_id": "id",
        "client_secret": "secret", "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration"}


def returning_from_the_provider(**claims) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "iss": ISSUER, **claims}
    return at.run()


@pytest.fixture
def browser(db, monkeypatch) -> Browser:
    return Browser(db, monkeypatch)


def test_an_unverified_email_claim_does_not_open_the_account_with_that_email(browser, user_a):
    at = returning_from_the_provider(sub="attacker-1", email="alice@example.com", email_verified=False)
    assert not at.get("link_button")
    assert "no FramePilot account is linked" in at.warning[0].value
    assert not any("Library" in t.value for t in at.title)


def test_a_verified_email_links_once_and_then_the_subject_alone_signs_in(browser, db, user_a):
    at = returning_from_the_provider(sub="alice-1", email="alice@example.com", email_verified=True)
    browser.run_page_script(at)  # the cookie binding the sign-in code to this browser
    browser.follow(onward_link(at))
    assert any("Library" in t.value for t in browser.open().title)
    # Later the same subject, whatever email the provider now reports, is still alice.
    renamed = OidcClaims(issuer=ISSUER, subject="alice-1", email="alice@new-domain.example", email_verified=False)
    assert resolve_identity(db, renamed) == user_a


def test_a_second_subject_claiming_a_linked_accounts_email_is_refused(db, user_a):
    first = OidcClaims(issuer=ISSUER, subject="alice-1", email="alice@example.com", email_verified=True)
    assert resolve_identity(db, first) == user_a
    impostor = OidcClaims(issuer=ISSUER, subject="someone-else", email="alice@example.com", email_verified=True)
    assert resolve_identity(db, impostor) is None


def test_claims_without_a_subject_or_with_a_string_flag_are_read_strictly():
    assert OidcClaims.from_claims({"iss": ISSUER, "email": "a@example.com", "email_verified": True}) is None
    assert OidcClaims.from_claims({"iss": ISSUER, "sub": "1", "email_verified": "false"}).email_verified is False
    assert OidcClaims.from_claims({"iss": ISSUER, "sub": "1", "email_verified": "true"}).email_verified is True
