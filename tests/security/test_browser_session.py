"""The session in a real browser (Debian's chromium) against the web server `framepilot run`
starts: a reload and a new tab stay signed in, the cookie is out of reach of page
scripts, and after signing out a reload (or a saved copy of the cookie) asks for the
password again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from framepilot.auth.sessions import COOKIE_NAME
from framepilot.services import accounts
from testkit.servers import CHROMIUM, require_browser
from testkit.web_session import PASSWORD, WebServer

pytestmark = pytest.mark.e2e

SAMPLE = Path(__file__).resolve().parents[2] / "framepilot" / "assets" / "sample.mp4"  # 0.4 MB
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def server(tmp_path):
    require_browser()
    # 1 MB per browser session: enough for two copies of the sample clip held at once.
    with WebServer(tmp_path / "data", max_upload_mb=1, upload_session_mb=1) as running:
        accounts.add_user(running.db, "alice@example.com", PASSWORD)
        yield running


def sign_in(page, url: str) -> None:  # noqa: ANN001 - a Playwright page
    page.goto(url)
    page.get_by_role("textbox", name="Email").fill("alice@example.com")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"\bSign in$")).click()


def test_a_reload_keeps_you_signed_in_and_sign_out_then_reload_asks_for_the_password(server):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # sign-in is a page load more than before, on a busy machine
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(30_000)
        library = page.get_by_role("heading", name="Library")
        password_box = page.get_by_role("textbox", name="Password")
        try:
            sign_in(page, server.url)
            expect(library).to_be_visible()

            page.reload()
            expect(library).to_be_visible()
            expect(password_box).to_have_count(0)
            other_tab = context.new_page()
            other_tab.goto(server.url + "/upload")
            expect(other_tab.get_by_role("heading", name="Upload")).to_be_visible()

            [cookie] = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            assert COOKIE_NAME not in page.evaluate("document.cookie")

            page.get_by_role("button", name=re.compile(r"Sign out$")).click()
            expect(password_box).to_be_visible()
            page.reload()
            expect(password_box).to_be_visible()
            assert not [c for c in context.cookies() if c["name"] == COOKIE_NAME]

            context.add_cookies([cookie])  # a copy kept from before signing out
            page.reload()
            expect(password_box).to_be_visible()
            expect(library).to_have_count(0)
        except Exception:
            page.screenshot(path=str(server.data_dir.parent / "browser-session-failure.png"))
            raise
        finally:
            browser.close()


def test_uploads_already_stored_do_not_count_against_the_sessions_cap(server):
    """Three uploads of the sample clip, one after another, in one browser session that may
    hold two: each is released from Streamlit's memory once it is stored."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)
    refused: list[int] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.on("response", lambda r: refused.append(r.status) if "upload_file" in r.url and r.status >= 400
                else None)
        try:
            sign_in(page, server.url)
            page.locator('[data-testid="stSidebarNavLink"]', has_text="Upload").click()
            for _ in range(3):
                uploader = page.locator('[data-testid="stFileUploader"]')
                expect(uploader).to_have_count(1)  # a rerun may briefly show the old page's uploader too
                uploader.locator('input[type="file"]').set_input_files(str(SAMPLE))
                analyse = page.get_by_role("button", name=re.compile(r"\bAnalyse$"))
                expect(analyse).to_be_enabled()
                analyse.click()
                expect(page.locator('[data-testid="stFileUploaderFile"]')).to_have_count(0)
            expect(page.get_by_text("Analysis · sample.mp4")).to_be_visible()
        finally:
            browser.close()
    assert refused == []
