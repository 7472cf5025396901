"""The whole product in a real browser: `framepilot run` (app + worker) on a fresh data
folder, a user signs in, uploads the sample clip, watches the job finish live without
reloading, clicks a shot on the review timeline, then opens compare, jobs and costs.
Screenshots of each page go to test-artifacts/.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from framepilot.services import accounts
from framepilot.ui.review import mmss
from testkit.servers import CHROMIUM, require_browser
from testkit.web_server import WebServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "framepilot" / "assets" / "sample.mp4"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EMAIL, PASSWORD = "e2e@example.com", "a long e2e password"
ANALYSIS_TIMEOUT_S = 300

# A point inside the latest-starting shot on the scene timeline's invisible seek row, as
# [trace index among scatter traces, point index, its own time]; scatter traces are drawn in
# `.scatterlayer .trace` in data order. The click plays from that point's time, not the shot's start.
LAST_SHOT_JS = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const shots = gd.data.filter(t => t.type === 'bar' && t.meta === 'shot');
  const last = Math.max(...shots.flatMap(t => t.customdata.map(c => c[0])));
  const scatters = gd.data.filter(t => t.type === 'scatter');
  const ti = scatters.findIndex(t => t.meta === 'seek' && t.y[0] === 'Shots');
  const pi = scatters[ti].customdata.findIndex(c => c[0] >= last + 0.45);
  return [ti, pi, scatters[ti].customdata[pi][0]];
}"""


@pytest.fixture
def running_app(tmp_path):
    require_browser()
    if not SAMPLE.exists():
        pytest.skip("framepilot/assets/sample.mp4 is not there yet")
    # conftest has already cleared the developer's settings and shares the joined model cache.
    with WebServer(tmp_path / "data", app="launcher") as server:  # `framepilot run`: app + worker
        accounts.add_user(server.db, EMAIL, PASSWORD)
        yield server.url


def _watch_until_done(page, timeout: float) -> list[int]:
    """Poll the first progress bar until the job is done; returns the values seen on the way."""
    seen: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.get_by_text("Done · 100%").count():
            return seen
        if page.locator('[data-testid="stAlertContentError"]').count():
            pytest.fail("the job failed: " + page.locator('[data-testid="stAlertContentError"]').first.inner_text())
        bar = page.locator('[data-testid="stProgress"] [role="progressbar"]').first
        if bar.count():
            value = bar.get_attribute("aria-valuenow")
            if value is not None and (not seen or seen[-1] != int(float(value))):
                seen.append(int(float(value)))
        time.sleep(0.25)
    pytest.fail(f"the job did not finish in {timeout:.0f} s; progress seen: {seen}")


def _open(page, title) -> None:  # noqa: ANN001
    """Follow a sidebar link (in-app navigation keeps the session; page.goto would not)."""
    page.locator('[data-testid="stSidebarNavLink"]', has_text=title).click()


def _snap(page, name: str) -> None:  # noqa: ANN001
    """Screenshot the whole page: Streamlit scrolls inside its main block, so grow the viewport."""
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(1000, ...[...document.querySelectorAll('[data-testid=\"stMain\"], section')]"
        ".map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 50, 6000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"e2e-{name}.png"))
    page.set_viewport_size(size)


def test_sign_in_upload_watch_review_compare_and_costs_in_a_real_browser(running_app):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    # Signing in loads the page again (for the session cookie), and Plotly's bundle is large:
    # 5 s, Playwright's default, is too short on a shared 2-core machine.
    expect.set_options(timeout=30_000)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(30_000)
        server_errors: list[str] = []
        page.on("response", lambda r: server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
        try:
            page.goto(running_app)
            page.get_by_role("textbox", name="Email").fill(EMAIL)
            page.get_by_role("textbox", name="Password").fill(PASSWORD)
            page.get_by_role("button", name=re.compile(r"\bSign in$")).click()
            expect(page.get_by_role("heading", name="Library")).to_be_visible()

            _open(page, "Upload")
            expect(page.get_by_text(re.compile(r"Up to \d+ MB per file"))).to_be_visible()
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(SAMPLE))
            expect(page.get_by_text(SAMPLE.name)).to_be_visible()
            page.evaluate("window.__framepilotMarker = 'no reload'")
            page.get_by_role("button", name=re.compile(r"\bAnalyse$")).click()
            expect(page.locator('[data-testid="stProgress"]').first).to_be_visible()
            seen = _watch_until_done(page, ANALYSIS_TIMEOUT_S)
            print(f"progress seen in the browser: {seen}")
            assert page.evaluate("window.__framepilotMarker") == "no reload", "the page was reloaded"
            assert any(v < 100 for v in seen), f"progress was never seen before it finished: {seen}"
            _snap(page, "1-upload")

            page.get_by_role("link", name="Open the review").first.click()
            chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
            expect(chart).to_be_visible()
            expect(page.get_by_text("Playing from 00:00")).to_be_visible()
            trace, point, start = page.evaluate(LAST_SHOT_JS)
            # force: plotly's drag layer sits on top of the bars and receives the real click.
            chart.locator(".scatterlayer .trace").nth(trace).locator(".point").nth(point).click(force=True)
            expect(page.get_by_text(f"Playing from {mmss(start)}")).to_be_visible()
            page.wait_for_function(
                f"() => {{ const t = document.querySelector('video').currentTime; return t >= {start} - 0.05 && t < {start} + 1.5; }}")
            _snap(page, "2-review")

            _open(page, "Compare modes")
            for title in ("Scene director", "Script rewrite", "Full rewrite"):
                expect(page.get_by_role("heading", name=title)).to_be_visible()
            expect(page.locator("audio")).to_have_count(0)
            page.get_by_role("button", name=re.compile(r"Voice this script$")).first.click()
            # The column's fragment follows the tts job, then the page redraws with the player.
            expect(page.locator("audio").first).to_be_attached(timeout=ANALYSIS_TIMEOUT_S * 1000)
            _snap(page, "3-compare")

            _open(page, "Jobs")
            expect(page.get_by_text("Done · 100%").first).to_be_visible()
            _snap(page, "4-jobs")

            _open(page, re.compile("Costs|Usage"))
            expect(page.get_by_role("heading", name=re.compile("Cost|Usage")).first).to_be_visible()
            _snap(page, "5-costs")
            assert not page.locator('[data-testid="stException"]').count()
            assert not server_errors, server_errors
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "e2e-failure.png"))
            raise
        finally:
            browser.close()
