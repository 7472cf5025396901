"""One use case per action, one set of refusals. What the services refuse (and an unknown id)
reads the same on every face: the API's problem response (api/problems.py), the command line
(cli/main.py) and the pages (ui/errors.py) each map `FramePilotError` once, and the checks
live in framepilot/services, not in a face."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from framepilot.api.app import create_app
from framepilot.auth import tokens
from framepilot.cli.main import main
from framepilot.errors import FramePilotError, user_message
from framepilot.models import AnalysisParams, DirectorMode, JobStatus, Transcript
from framepilot.services import jobs
from framepilot.store import repository as repo
from framepilot.ui.errors import error_text
from tests.pages.test_pages import texts
from tests.support.page_fixtures import analysed_video, open_page
from tests.support.transcripts import spoken


@pytest.fixture
def api(settings, db, user_a):
    secret = tokens.create_token(db, user_a, "tests").secret
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {secret}"
        yield client


def cli(capsys, *argv: str) -> tuple[int, str]:
    """`framepilot ARGV` in this process: its exit code and the error it said on stderr (log
    lines, which the command writes there too once it has set up its output, left out)."""
    capsys.readouterr()
    code = main(list(argv))
    return code, "\n".join(line for line in capsys.readouterr().err.splitlines() if line.startswith("error:"))


def problem(response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == f"urn:framepilot:problem:{kind}"
    return response.json()["detail"]


def a_video(db, user):
    return repo.create_video(db, user, filename="talk.mp4", stored_path="/talk.mp4", sha256="t" * 64,
                             size_bytes=1)


def a_job(db, user, status: JobStatus):
    job = repo.create_job(db, user, a_video(db, user).id, AnalysisParams(modes=list(DirectorMode), provider="local"))
    if status != JobStatus.QUEUED:
        repo.finish_job(db, job.id, status)
    return job


def test_retrying_a_job_that_has_not_failed_reads_the_same_in_the_api_and_the_cli(api, capsys, db, user_a):
    job = a_job(db, user_a, JobStatus.QUEUED)

    detail = problem(api.post(f"/api/jobs/{job.id}/retry"), 409, "job-not-retryable")
    code, said = cli(capsys, "jobs", "retry", job.id, "--user", user_a.email)

    assert detail == "Only failed or cancelled jobs can be retried."
    assert (code, said) == (1, f"error: {detail}")
    with pytest.raises(jobs.NotRetryable) as refused:
        jobs.retry_job(db, api.app.state.settings, user_a, job.id)
    assert error_text(refused.value) == detail  # the pages' words (common._retry)


def test_cancelling_a_finished_job_is_refused_alike_by_the_api_and_the_cli(api, capsys, db, user_a):
    # Before, `framepilot jobs cancel` described the completed job and exited 0 while the API said 409.
    job = a_job(db, user_a, JobStatus.COMPLETED)

    detail = problem(api.post(f"/api/jobs/{job.id}/cancel"), 409, "job-finished")
    code, said = cli(capsys, "jobs", "cancel", job.id, "--user", user_a.email)

    assert detail == "This job has already completed; there is nothing to cancel."
    assert (code, said) == (1, f"error: {detail}")
    assert repo.get_job(db, user_a, job.id).status == JobStatus.COMPLETED


def test_another_users_job_reads_no_such_job_in_the_api_and_the_cli(api, capsys, db, user_a, user_b):
    job = a_job(db, user_b, JobStatus.FAILED)

    detail = problem(api.post(f"/api/jobs/{job.id}/retry"), 404, "not-found")
    code, said = cli(capsys, "jobs", "retry", job.id, "--user", user_a.email)

    assert detail == "No such job."
    assert (code, said) == (1, f"error: {detail}")
    assert repo.get_job(db, user_b, job.id).status == JobStatus.FAILED


def test_the_director_re_runs_only_on_an_analysed_video_whichever_face_asks(api, settings, db, user_a):
    video = a_video(db, user_a)

    with pytest.raises(jobs.NotAnalysed) as refused:  # what the Compare page calls
        jobs.submit_director_notes(db, settings, user_a, video.id, modes=[DirectorMode.SCENE_DIRECTOR])
    detail = problem(api.post(f"/api/videos/{video.id}/director", json={"modes": ["scene_director"]}), 409, "not-analysed")

    assert detail == user_message(refused.value) == "This video has not been analysed yet; wait for its analysis to finish."
    assert repo.list_jobs(db, user_a, video_id=video.id) == []


def test_a_voiceover_needs_the_modes_script_whichever_face_asks(api, settings, db, user_a):
    video = a_video(db, user_a)

    with pytest.raises(jobs.NoScriptToVoice) as refused:
        jobs.submit_tts(db, settings, user_a, video.id, mode=DirectorMode.SCRIPT_REWRITE)
    detail = problem(api.post(f"/api/videos/{video.id}/voice", json={"mode": "script_rewrite"}), 409, "no-script")

    assert detail == user_message(refused.value)
    assert "script_rewrite script to voice" in detail
    assert repo.list_jobs(db, user_a, video_id=video.id) == []


def test_a_provider_the_server_lacks_is_refused_by_the_service_for_every_face(api, settings, db, user_a):
    video = a_video(db, user_a)

    with pytest.raises(jobs.ProviderNotConfigured) as refused:
        jobs.submit_director_notes(db, settings, user_a, video.id, provider="openai")
    detail = problem(api.post(f"/api/videos/{video.id}/director", json={"provider": "openai"}), 422, "provider")

    assert detail == user_message(refused.value) == "The openai provider is not configured on this server."


def test_a_render_that_keeps_nothing_is_refused_on_the_review_page_as_in_the_api(api, settings, db, user_a, tmp_path):
    # Before, the page queued the empty render (the check was in the API route only).
    video = analysed_video(db, settings, user_a, tmp_path)
    fillers = spoken(" ".join(["Um", "uh"] * 7 + ["um."]), 0.0, step=0.4, length=0.4)  # 6 s of fillers
    repo.save_transcript(db, user_a, video.id, Transcript(language="en", segments=[fillers], text="x"))

    detail = problem(api.post(f"/api/videos/{video.id}/render"), 422, "nothing-kept")
    at = open_page(user_a, "pages/review.py", video_id=video.id)
    at.button(key="review_render").click().run()

    assert detail == "Every frame is cut; switch a cut off to keep something."
    assert not at.exception
    assert error_text(jobs.NothingKept(detail)) in [e.value for e in at.error]
    assert [j for j in repo.list_jobs(db, user_a, video_id=video.id) if j.type.value == "render_edit"] == []
    assert detail in texts(at)


def test_every_error_the_api_gives_a_status_is_worded_for_people():
    from framepilot.api.problems import PROBLEMS

    assert all(issubclass(cls, FramePilotError) and cls.user_facing for cls in PROBLEMS)
    assert all(cls in PROBLEMS for cls in (jobs.NotAnalysed, jobs.NoScriptToVoice, jobs.NothingKept,
                                           jobs.JobFinished, jobs.NotRetryable, jobs.ProviderNotConfigured))
