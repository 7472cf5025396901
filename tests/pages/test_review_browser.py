"""The Review page as a creator sees it, in Chromium, on a 1366x768 laptop and a 390x844 phone:
the player and its controls fit the window for a 9:16, a 1:1 and a 16:9 clip, the first note is
on screen without scrolling, a note's Play button starts the player at the note's own moment, a
note marked done stays marked after a reload, a link opened signed out returns to the same page
and video after signing in, `/library` and unknown addresses land on a page, and no page asks any
host but the app's own. Screenshots go to test-artifacts/review-*.png.

The clips are the sample clip reframed with the bundled ffmpeg, analysed once per module by the
real pipeline (`framepilot run`: app and worker).
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import imageio_ffmpeg
import pytest

from framepilot.models import DirectorMode, JobStatus
from framepilot.services import accounts
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import submit_analysis
from framepilot.store import repository as repo
from testkit.servers import CHROMIUM, require_browser
from testkit.web_server import WebServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "framepilot" / "assets" / "sample.mp4"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]
EMAIL, PASSWORD = "review@example.com", "a long review password"
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
ASPECTS = {"vertical": (720, 1280), "square": (720, 720), "wide": (1280, 720)}
ANALYSIS_TIMEOUT_S = 240

BOX = """(sel) => { const e = document.querySelector(sel); if (!e) return null;
  const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: r.height, width: r.width}; }"""


def _reframe(out: Path, width: int, height: int) -> Path:
    """The sample clip cropped and scaled to width x height (its sound kept)."""
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(SAMPLE), "-vf",
                    f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "copy", str(out)], check=True)
    return out


@pytest.fixture(scope="module")
def review_app(tmp_path_factory):
    require_browser()
    if not SAMPLE.exists():
        pytest.skip("framepilot/assets/sample.mp4 is not there")
    folder = tmp_path_factory.mktemp("review")
    with WebServer(folder / "data", app="launcher") as server:
        user = accounts.add_user(server.db, EMAIL, PASSWORD)
        ids = {}
        for name, (w, h) in ASPECTS.items():
            video = ingest_path(server.db, server.settings, user, _reframe(folder / f"{name}.mp4", w, h)).video
            submit_analysis(server.db, server.settings, user, video.id, modes=[DirectorMode.SCENE_DIRECTOR])
            ids[name] = video.id
        deadline = time.monotonic() + ANALYSIS_TIMEOUT_S
        while time.monotonic() < deadline:
            jobs = repo.list_jobs(server.db, user)
            if jobs and all(j.status.finished for j in jobs):
                break
            time.sleep(0.5)
        assert [j.status for j in repo.list_jobs(server.db, user)] == [JobStatus.COMPLETED] * 3
        yield server, user, ids


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One browser context (its own cookies) that blocks and counts requests to other hosts."""

    def __init__(self, browser, url: str, size: str) -> None:  # noqa: ANN001
        width, height = SIZES[size]
        self.host = urlsplit(url).netloc
        self.url, self.size, self.external = url, size, []
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.route("**/*", self._route)
        # Every time a player lands after a seek, noted before the page plays on from there.
        self.context.add_init_script("window.__seeks = []; document.addEventListener('seeked', "
                                     "e => window.__seeks.push(e.target.currentTime), true);")
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)

    def _route(self, route) -> None:  # noqa: ANN001
        if urlsplit(route.request.url).netloc == self.host:
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def sign_in_at(self, path: str) -> None:
        from playwright.sync_api import expect

        self.page.goto(self.url + path)
        self.page.get_by_role("textbox", name="Email").fill(EMAIL)
        self.page.get_by_role("textbox", name="Password").fill(PASSWORD)
        self.page.get_by_role("button", name=re.compile(r"\bSign in$")).click()
        expect(self.page.get_by_role("button", name="Sign out")).to_be_attached()

    def box(self, selector: str) -> dict | None:
        return self.page.evaluate(BOX, selector)

    def snap(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"review-{name}-{self.size}.png"))

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_review_link_opened_signed_out_returns_to_it_and_every_aspect_fits_with_the_first_note_on_screen(
        review_app, chromium, size):
    from playwright.sync_api import expect

    server, _user, ids = review_app
    visit = Visit(chromium, server.url, size)
    _, height = SIZES[size]
    try:
        visit.sign_in_at(f"/review?video={ids['vertical']}")
        expect(visit.page).to_have_url(re.compile(rf"/review\?video={ids['vertical']}$"))
        for name, video_id in ids.items():
            visit.page.goto(f"{server.url}/review?video={video_id}")
            expect(visit.page.locator(".st-key-review_note_0")).to_be_visible()
            visit.page.wait_for_function("() => document.querySelector('video')?.getBoundingClientRect().height > 100")
            player, note = visit.box(".st-key-review_player video"), visit.box(".st-key-review_note_0")
            visit.snap(name)
            w, h = ASPECTS[name]
            assert player["bottom"] <= height, f"{name}: the player's controls are below the window: {player}"
            assert abs(player["width"] / player["height"] - w / h) < 0.03, f"{name}: the picture is distorted"
            assert note["top"] < height - 40, f"{name}: the first note starts below the window: {note}"
            print(f"{size} {name}: player {player['height']:.0f} px tall (bottom {player['bottom']:.0f}), "
                  f"first note at {note['top']:.0f} px")
        assert visit.external == [], visit.external
    finally:
        visit.close()


def test_a_note_plays_from_its_own_moment_and_a_done_mark_survives_a_reload(review_app, chromium):
    from playwright.sync_api import expect

    server, user, ids = review_app
    visit = Visit(chromium, server.url, "laptop")
    try:
        visit.sign_in_at(f"/review?video={ids['wide']}")
        page = visit.page
        notes = page.locator('[class*="st-key-review_note_"][data-testid="stVerticalBlock"]')
        expect(notes.first).to_be_visible()
        first = notes.first.inner_text()
        moment = re.search(r"(\d\d):(\d\d)", first)
        at = int(moment[1]) * 60 + int(moment[2])
        notes.first.get_by_role("button", name="Play").click()
        expect(page.get_by_text(f"Playing from {moment[0]}")).to_be_visible()
        page.wait_for_function(f"() => window.__seeks.some(t => t >= {at} && t < {at} + 1)")

        notes.first.get_by_role("button", name="Done").click()
        expect(page.get_by_text("Done", exact=True).first).to_be_visible()
        page.reload()
        expect(page.get_by_text(re.compile(r"· 1 marked$"))).to_be_visible()
        expect(page.locator(".st-key-review_notes").get_by_role("button", name="Reopen")).to_have_count(1)
        visit.snap("note-done")
    finally:
        visit.close()


@pytest.mark.parametrize("size", SIZES)
def test_every_page_has_its_own_address_and_asks_no_other_host(review_app, chromium, size):
    from playwright.sync_api import expect

    server, _user, ids = review_app
    visit = Visit(chromium, server.url, size)
    try:
        visit.sign_in_at("/library")
        expect(visit.page).to_have_url(re.compile(r"/library$"))
        for path, heading in (("/library", "Library"), ("/upload", "Upload"), ("/compare", "Compare"),
                              ("/jobs", "Jobs"), ("/costs", "Cost"), ("/account", "Account"),
                              (f"/review?video={ids['square']}", "Review")):
            visit.page.goto(server.url + path)
            expect(visit.page.get_by_role("heading", name=re.compile(heading)).first).to_be_visible()
            assert not visit.page.get_by_text("Page not found").count(), path
        visit.page.goto(server.url + "/no-such-page")
        expect(visit.page).to_have_url(re.compile(r"/library$"))
        expect(visit.page.get_by_role("heading", name="Library")).to_be_visible()
        visit.snap("library")
        assert visit.external == [], visit.external
    finally:
        visit.close()
