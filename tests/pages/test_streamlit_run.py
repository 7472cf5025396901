"""It runs the way Streamlit users start apps: `streamlit run app.py`, typed in the project
folder, serves FramePilot's HTTP layer too (app.py declares it as its `st.App`), so signing
in ends on the Library page, not on a blank `/_framepilot/session` page."""

from __future__ import annotations

import re

import httpx
import pytest

from framepilot.services import accounts
from testkit.servers import CHROMIUM, require_browser
from testkit.web_server import WebServer

pytestmark = pytest.mark.e2e
PASSWORD = "a long and unguessable phrase"


def test_streamlit_run_app_py_signs_you_in(tmp_path):
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    with WebServer(tmp_path / "data", app="web") as server:
        assert server.command[1:4] == ["-m", "streamlit", "run"] and server.command[4].endswith("/app.py")
        accounts.add_user(server.db, "alice@example.com", PASSWORD)
        stale = httpx.get(f"{server.url}/_framepilot/session?code=stale", timeout=30)
        assert stale.status_code == 403 and "Nobody was signed in" in stale.text  # the session route is there
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.set_default_timeout(60_000)
                page.goto(server.url)
                page.get_by_role("textbox", name="Email").fill("alice@example.com")
                page.get_by_role("textbox", name="Password").fill(PASSWORD)
                page.get_by_role("button", name=re.compile(r"\bSign in$")).click()
                expect(page.get_by_role("heading", name="Library")).to_be_visible(timeout=60_000)
                assert "/_framepilot/" not in page.url
            finally:
                browser.close()
