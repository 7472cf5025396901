"""The Streamlit pages through AppTest: sign-in gate, upload, library, review, compare, jobs,
and that one user never sees another's videos or jobs.

Pages are opened by a `Browser` (tests/support/browser.py) that carries the session cookie, as a
real browser does; signing in goes through the form and the session-cookie route.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from framepilot.models import (
    AnalysisParams,
    DirectorMode,
    JobStatus,
    JobType,
    VoiceParams,
)
from framepilot.services.accounts import LOGIN_FAILED
from framepilot.store import repository as repo
from pages.common import NOT_FOUND
from tests.support.browser import SIGN_IN_BUTTON, TIMEOUT, Browser, onward_link
from tests.support.page_fixtures import analysed_video, make_clip

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["pages/upload.py", "pages/library.py", "pages/review.py", "pages/compare.py", "pages/jobs.py"]


@pytest.fixture
def browser(db, monkeypatch) -> Browser:
    return Browser(db, monkeypatch)


@pytest.fixture
def app(browser):
    """Open the app in the browser, signed in as `user` when given."""
    def open_app(user=None, page: str | None = None, video_id: str | None = None) -> AppTest:
        if user is not None:
            browser.signed_in_as(user)
        return browser.open(page, video_id)
    return open_app


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "error", "warning")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.main.get("plotly_chart")]


@pytest.fixture
def ready_video(db, settings, user_a, tmp_path):
    return analysed_video(db, settings, user_a, tmp_path)


# --- the gate -------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_a_signed_out_visitor_gets_the_sign_in_page(app, page):
    at = app(page=page)
    assert not at.exception
    assert at.button(key=SIGN_IN_BUTTON).label == "Sign in"
    assert "Library" not in texts(at) and "Upload" not in [t.value for t in at.title]


def test_sign_in_with_the_right_password_opens_the_library(browser, user_a):
    at = browser.sign_in("alice@example.com", "correct horse battery")
    assert any("Library" in t.value for t in at.title)
    assert "Signed in as alice@example.com" in [c.value.replace("\u2060", "") for c in at.sidebar.caption]


@pytest.mark.parametrize("email", ["alice@example.com", "nobody@example.com"])
def test_a_wrong_password_or_unknown_email_shows_the_same_generic_error(browser, user_a, email):
    at = browser.submit_sign_in(email, "wrong password!")
    assert [e.value for e in at.error] == [LOGIN_FAILED]
    assert not at.get("link_button") and browser.session_cookie is None


def test_the_organisation_login_is_offered_only_when_oidc_is_configured(app):
    plain = app()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "c" * 32,
                          "client_id": "id", "client_secret": "secret",
                          "server_metadata_url": "https://id.example.com/.well-known/openid-configuration"}
    at.run()
    assert "Sign in with your organisation" not in [b.label for b in plain.button]
    assert "Sign in with your organisation" in [b.label for b in at.button]
    assert not at.exception


def test_sign_out_ends_the_session(browser, app, user_a):
    at = app(user_a)
    at.sidebar.button(key="app_sign_out").click().run()
    browser.follow(onward_link(at))
    assert browser.session_cookie is None
    assert browser.open().button(key=SIGN_IN_BUTTON).label == "Sign in"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_a_signed_in_user_with_no_videos(app, user_a, page):
    at = app(user_a, page)
    assert not at.exception, at.exception
    assert at.title, "every page has a title"
    assert re.search(r"No videos yet|No jobs yet|Upload", texts(at)), texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_an_analysed_video(app, user_a, ready_video, page):
    at = app(user_a, page, video_id=ready_video.id)
    assert not at.exception, at.exception


# --- upload ---------------------------------------------------------------------------


def test_the_upload_page_states_the_one_upload_limit(app, user_a, monkeypatch):
    from framepilot.settings import get_settings

    monkeypatch.setenv("FRAMEPILOT_MAX_UPLOAD_MB", "7")
    get_settings.cache_clear()
    at = app(user_a, "pages/upload.py")
    assert "Up to 7 MB per file" in texts(at)


def test_uploading_a_file_queues_an_analysis_and_shows_its_progress_row(app, db, user_a, tmp_path):
    clip = make_clip(tmp_path / "my clip.mp4").read_bytes()
    at = app(user_a, "pages/upload.py")
    at.get("file_uploader")[0].set_value(("my clip.mp4", clip, "video/mp4"))
    at.run()
    at.multiselect(key="upload_modes").set_value(["scene_director", "script_rewrite"])
    at.button(key="upload_submit").click().run()
    jobs = repo.list_jobs(db, user_a)
    assert [(j.type, j.status) for j in jobs] == [(JobType.VIDEO_ANALYSIS, JobStatus.QUEUED)]
    assert jobs[0].params.modes == [DirectorMode.SCENE_DIRECTOR, DirectorMode.SCRIPT_REWRITE]
    assert "Analysis · my clip.mp4" in texts(at)
    assert any("Queued" in (p.proto.text or "") for p in at.get("progress"))


def test_uploading_an_analysed_file_again_links_to_its_review_and_queues_nothing(app, db, settings, user_a,
                                                                                  ready_video, tmp_path):
    finished = repo.create_job(db, user_a, ready_video.id,
                               AnalysisParams(modes=list(DirectorMode), provider=settings.provider))
    repo.claim_job(db, finished.id, "test-worker")
    repo.finish_job(db, finished.id, JobStatus.COMPLETED)
    at = app(user_a, "pages/upload.py")
    at.get("file_uploader")[0].set_value(("again.mp4", (settings.data_dir / ready_video.stored_path).read_bytes(),
                                          "video/mp4"))
    at.run()
    at.button(key="upload_submit").click().run()
    assert "already analysed" in texts(at)
    assert [j.id for j in repo.list_jobs(db, user_a)] == [finished.id]
    assert any(f"video={ready_video.id}" in link.proto.query_string for link in at.get("page_link"))


def test_a_file_that_is_no_video_is_refused_at_upload_in_the_api_s_words_and_nothing_is_kept(
        app, db, settings, user_a, tmp_path):
    """The browser and `POST /api/videos` run one `ingest`: a JPEG named .mp4 is refused now,
    not queued to fail later in the worker."""
    jpeg = (Path(__file__).resolve().parents[1] / "fixtures" / "grid_talking_head.jpg").read_bytes()
    at = app(user_a, "pages/upload.py")
    at.get("file_uploader")[0].set_value(("holiday.mp4", jpeg, "video/mp4"))
    at.run()
    at.button(key="upload_submit").click().run()

    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "holiday.mp4" in errors[0] and "not a video" in errors[0].lower(), errors
    assert repo.list_jobs(db, user_a) == [] and repo.list_videos(db, user_a) == []
    assert not any(p.is_file() for p in (settings.data_dir / "uploads").rglob("*"))


# --- library and review ---------------------------------------------------------------


def test_the_library_lists_videos_with_status_and_filters_by_search(app, db, settings, user_a, ready_video):
    at = app(user_a, "pages/library.py")
    body = texts(at)
    assert "talk.mp4" in body and "Ready" in body and "3 shots" in body and "6.0 s" in body
    at.text_input(key="library_search").input("nothing like it").run()
    assert "talk.mp4" not in texts(at) and "No video matches" in texts(at)


def test_deleting_from_the_library_asks_first_then_removes_the_video_and_its_files(
        app, db, settings, user_a, ready_video):
    upload = settings.data_dir / ready_video.stored_path
    assert upload.is_file()
    at = app(user_a, "pages/library.py")
    at.button(key=f"library_delete_{ready_video.id}").click().run()
    assert "can't be undone" in texts(at)
    at.button(key=f"library_delete_cancel_{ready_video.id}").click().run()  # changed their mind
    assert repo.get_video(db, user_a, ready_video.id).filename == "talk.mp4"
    assert upload.is_file()

    at.button(key=f"library_delete_{ready_video.id}").click().run()
    at.button(key=f"library_delete_confirm_{ready_video.id}").click().run()

    assert not at.exception
    assert "talk.mp4" not in [m.value for m in at.markdown] and "No videos yet" in texts(at)
    with pytest.raises(repo.NotFound):
        repo.get_video(db, user_a, ready_video.id)
    assert not upload.exists()


def test_review_shows_a_timeline_with_one_bar_per_shot(app, user_a, ready_video):
    at = app(user_a, "pages/review.py", video_id=ready_video.id)
    timeline = plotly_specs(at)[0]
    shot_traces = [t for t in timeline["data"] if t.get("meta") == "shot"]
    assert sum(len(t["x"]) for t in shot_traces) == 3
    assert sorted(d[0] for t in shot_traces for d in t["customdata"]) == [0.0, 2.0, 4.0]
    assert timeline["layout"]["clickmode"] == "event+select"


def test_clicking_a_transcript_line_starts_the_player_there(app, user_a, ready_video):
    at = app(user_a, "pages/review.py", video_id=ready_video.id)
    assert at.get("video")[0].proto.start_time == 0
    at.button(key="review_line_1").click().run()
    assert at.get("video")[0].proto.start_time == 3


def test_review_offers_the_four_exports(app, user_a, ready_video):
    at = app(user_a, "pages/review.py", video_id=ready_video.id)
    labels = {b.proto.label for b in at.get("download_button")}
    assert labels == {"Subtitles (SRT)", "Subtitles (VTT)", "Full analysis (JSON)", "Director notes (Markdown)"}


def test_review_of_a_video_still_being_analysed_shows_its_stage_and_progress(app, db, settings, user_a, tmp_path):
    from framepilot.services.ingest import ingest_path

    video = ingest_path(db, settings, user_a, make_clip(tmp_path / "fresh.mp4")).video
    job = repo.create_job(db, user_a, video.id, AnalysisParams())
    repo.claim_job(db, job.id, "test-worker")
    repo.update_job_progress(db, job.id, "transcribe", 40)
    at = app(user_a, "pages/review.py", video_id=video.id)
    assert "Transcribing the speech · 40%" in texts(at)
    assert [p.proto.value for p in at.get("progress")] == [40]


# --- compare --------------------------------------------------------------------------


def test_compare_shows_the_three_modes_side_by_side_with_notes_in_time_order(app, user_a, ready_video):
    at = app(user_a, "pages/compare.py", video_id=ready_video.id)
    headed = [c.subheader[0].value for c in at.main.columns if c.subheader]
    assert headed == ["Scene director", "Script rewrite", "Full rewrite"]
    body = texts(at)
    assert body.index("scene_director early note") < body.index("scene_director late note")
    assert "00:00–00:01" in body
    assert 'class="fp-diff-added"' in "".join(h.proto.body for h in at.get("html"))


def test_re_running_a_mode_and_voicing_a_script_queue_jobs(app, db, user_a, ready_video):
    at = app(user_a, "pages/compare.py", video_id=ready_video.id)
    at.button(key="compare_rerun_script_rewrite").click().run()
    at.button(key="compare_voice_script_rewrite").click().run()
    jobs = {j.type: j for j in repo.list_jobs(db, user_a)}
    assert jobs[JobType.DIRECTOR_NOTES].params.modes == [DirectorMode.SCRIPT_REWRITE]
    assert jobs[JobType.TTS].params.mode == DirectorMode.SCRIPT_REWRITE


# --- jobs -----------------------------------------------------------------------------


def test_a_failed_job_shows_its_message_and_retry_queues_it_again(app, db, user_a, ready_video):
    job = repo.create_job(db, user_a, ready_video.id, AnalysisParams(modes=[]))
    repo.finish_job(db, job.id, JobStatus.FAILED, "The file has no video stream.")
    at = app(user_a, "pages/jobs.py")
    assert "The file has no video stream." in texts(at)
    at.button(key=f"jobs_retry_{job.id}").click().run()
    assert repo.get_job(db, user_a, job.id).status == JobStatus.QUEUED


def test_cancel_stops_a_queued_job(app, db, user_a, ready_video):
    job = repo.create_job(db, user_a, ready_video.id, VoiceParams(mode=DirectorMode.SCRIPT_REWRITE))
    at = app(user_a, "pages/jobs.py")
    at.button(key=f"jobs_cancel_{job.id}").click().run()
    assert repo.get_job(db, user_a, job.id).status == JobStatus.CANCELLED


# --- isolation and hygiene ------------------------------------------------------------


def test_another_user_never_sees_a_video_or_its_jobs_even_with_its_id(app, db, user_a, user_b, ready_video):
    repo.create_job(db, user_a, ready_video.id, AnalysisParams())
    library = app(user_b, "pages/library.py")
    assert "talk.mp4" not in texts(library) and "No videos yet" in texts(library)
    jobs = app(user_b, "pages/jobs.py")
    assert "No jobs yet" in texts(jobs)
    for page in ("pages/review.py", "pages/compare.py"):
        at = app(user_b, page, video_id=ready_video.id)
        assert [e.value for e in at.error] == [NOT_FOUND]
        assert "talk.mp4" not in texts(at) and not plotly_specs(at)
    missing = app(user_b, "pages/review.py", video_id="0" * 32)
    assert [e.value for e in missing.error] == [NOT_FOUND]


def test_no_page_shows_settings_secrets_or_keys():
    sources = {p: p.read_text() for p in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]}
    for path, source in sources.items():
        for needle in ("OPENAI_API_KEY", "secret_key", "os.environ", "get_secret_value", "model_dump_json()",
                       "st.write(get_settings", "st.json(get_settings", "st.write(st.secrets", "st.json(st.secrets"):
            assert needle not in source, f"{path.name} mentions {needle}"
        uses = re.findall(r"st\.secrets[^\n]*", source)
        assert all(u.startswith('st.secrets.get("auth"))') for u in uses), f"{path.name}: {uses}"
    nav = re.findall(r'title="([^"]+)"', sources[ROOT / "app.py"])
    assert nav and not [t for t in nav if re.search(r"setting|debug|config|env", t, re.IGNORECASE)]
