"""The HTTP API as a client meets it: a real `framepilot api` (uvicorn on a free loopback
port) and a real `framepilot worker` on one data folder, driven with httpx.

What must hold: an upload is streamed, checked and queued (202 + Location); its job can
be followed live to `completed` with a percent that never falls; the analysis and every
export come back; cancel, retry, director re-runs, voiceovers and delete work; another
user's ids answer exactly like missing ones; missing, revoked and unknown tokens get
401; oversized and non-video uploads are refused before anything is kept; one account
hammering the API gets 429 on all its tokens while other accounts go on; every error is a problem document.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from framepilot.auth import tokens
from framepilot.client import ApiError, FramePilotClient
from framepilot.media_storage.keys import artifacts_prefix
from framepilot.models import User
from framepilot.services import accounts, exports
from framepilot.services.analysis import load_analysis
from framepilot.settings import Settings, load_settings
from framepilot.store import Database, open_database
from framepilot.store import repository as repo
from framepilot.usage import analytics
from tests.support.page_fixtures import make_clip
from tests.support.processes import PROJECT_ROOT, ApiProcess, WorkerProcess, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

SAMPLE = PROJECT_ROOT / "framepilot" / "assets" / "sample.mp4"
MAX_UPLOAD_MB = 2
RATE_LIMIT = "300/minute"
PROBLEM_JSON = "application/problem+json"


@dataclass
class Deployment:
    settings: Settings
    db: Database
    api: ApiProcess
    worker: WorkerProcess
    alice: User
    bob: User
    alice_token: str
    bob_token: str
    folder: Path

    def http(self, token: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.api.url, headers=headers, timeout=60)

    def new_token(self, user: User, name: str = "test") -> str:
        return tokens.create_token(self.db, user, name).secret


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, models_cache) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("api")
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("FRAMEPILOT_") or name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
                mp.delenv(name)
        mp.setenv("FRAMEPILOT_MODELS_CACHE_DIR", str(models_cache))
        env = {"FRAMEPILOT_MAX_UPLOAD_MB": str(MAX_UPLOAD_MB), "FRAMEPILOT_API_RATE_LIMIT": RATE_LIMIT}
        settings = load_settings(data_dir=folder / "data", max_upload_mb=MAX_UPLOAD_MB)
        db = open_database(settings)
        alice = accounts.add_user(db, "alice@example.com", "correct horse battery")
        bob = accounts.add_user(db, "bob@example.com", "another long password")
        worker = WorkerProcess(settings.data_dir, folder / "worker.log", **env).start()
        api = ApiProcess(settings.data_dir, folder / "api.log", **env)
        try:
            api.start()
            yield Deployment(settings, db, api, worker, alice, bob,
                             tokens.create_token(db, alice, "alice tests").secret,
                             tokens.create_token(db, bob, "bob tests").secret, folder)
        finally:
            api.stop()
            worker.stop()


def follow(http: httpx.Client, job_id: str) -> list[tuple[str, dict]]:
    """Every (event, data) of a job's event stream, until the server closes it."""
    events, name = [], "message"
    with http.stream("GET", f"/api/jobs/{job_id}/events", timeout=httpx.Timeout(10, read=180)) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line.split(":", 1)[1])))
    return events


def stored_files(deployment: Deployment) -> set[str]:
    return {str(p.relative_to(deployment.settings.data_dir))
            for p in deployment.settings.uploads_dir.rglob("*") if p.is_file()}


def artifacts_folder(deployment: Deployment, video_id: str) -> Path:
    """Where the default (folder) media storage keeps a video's derived files."""
    return deployment.settings.data_dir / artifacts_prefix(deployment.alice.id, video_id)


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["type"]
    return problem


@pytest.fixture(scope="module")
def sample(deployment) -> dict:
    """Alice's sample upload, followed live to the end: the response and every event."""
    with deployment.http(deployment.alice_token) as http:
        response = http.post("/api/videos", files={"file": ("sample.mp4", SAMPLE.read_bytes(), "video/mp4")},
                             data={"modes": "scene_director,script_rewrite"})
        assert response.status_code == 202, response.text
        events = follow(http, response.json()["job"]["id"])
    return {"response": response, "body": response.json(), "events": events}


# --- upload, follow, fetch -----------------------------------------------------------------


def test_an_upload_is_accepted_with_its_video_job_and_location(sample):
    response, body = sample["response"], sample["body"]

    assert response.headers["location"] == f"/api/videos/{body['video']['id']}"
    assert body["duplicate"] is False
    assert body["video"]["filename"] == "sample.mp4" and body["video"]["duration_s"] == pytest.approx(9, abs=0.2)
    assert body["job"]["type"] == "video_analysis" and body["job"]["status"] == "queued"
    assert body["job"]["params"]["modes"] == ["scene_director", "script_rewrite"]
    assert "stored_path" not in body["video"] and "user_id" not in body["job"]


def test_the_event_stream_follows_the_job_to_completed_and_its_percent_never_falls(sample):
    events = sample["events"]
    names = [name for name, _ in events]
    percents = [data["progress"] for _, data in events]

    assert names[-1] == "end" and names.count("end") == 1 and set(names[:-1]) == {"progress"}
    assert events[-1][1]["status"] == "completed" and events[-1][1]["progress"] == 100
    assert percents == sorted(percents), percents
    assert {"shots", "transcribe"} <= {data["stage"] for _, data in events}


def test_the_analysis_is_the_analyze_json_document_and_every_export_downloads(deployment, sample):
    video_id = sample["body"]["video"]["id"]
    expected = load_analysis(deployment.db, deployment.alice, video_id)
    with deployment.http(deployment.alice_token) as http:
        analysis = http.get(f"/api/videos/{video_id}/analysis")
        files = {fmt: http.get(f"/api/videos/{video_id}/exports/{fmt}") for fmt in ("srt", "vtt", "md", "json")}
        video = http.get(f"/api/videos/{video_id}").json()

    assert analysis.status_code == 200
    assert analysis.json() == json.loads(exports.to_json(expected))
    assert {"video", "shots", "transcript", "director", "usage", "timings"} <= analysis.json().keys()
    assert len(analysis.json()["shots"]) >= 3 and video["status"] == "ready"
    for fmt, response in files.items():
        wanted = exports.export_file(expected, "sample.mp4", fmt)
        assert response.status_code == 200, (fmt, response.text)
        assert response.text == wanted.text
        assert response.headers["content-type"].startswith(wanted.media_type)
        assert f'filename="{wanted.filename}"' in response.headers["content-disposition"]
    assert "-->" in files["srt"].text and files["vtt"].text.startswith("WEBVTT")
    assert files["md"].text.startswith("# Director notes: sample.mp4")


def test_the_same_file_again_returns_the_existing_video(deployment, sample):
    with deployment.http(deployment.alice_token) as http:
        again = http.post("/api/videos", files={"file": ("copy.mp4", SAMPLE.read_bytes(), "video/mp4")},
                          data={"modes": "scene_director"})
        listed = http.get("/api/videos").json()

    assert again.status_code == 200, again.text
    assert again.json()["duplicate"] is True
    assert again.json()["video"]["id"] == sample["body"]["video"]["id"]
    assert again.json()["job"]["id"] == sample["body"]["job"]["id"]  # the finished analysis answers it
    assert [v["id"] for v in listed].count(sample["body"]["video"]["id"]) == 1


# --- more work on the video ------------------------------------------------------------------


def test_director_rerun_and_voiceover_are_queued_and_complete(deployment, sample):
    video_id = sample["body"]["video"]["id"]
    with deployment.http(deployment.alice_token) as http:
        no_script = http.post(f"/api/videos/{video_id}/voice", json={"mode": "scene_director"})
        rerun = http.post(f"/api/videos/{video_id}/director", json={"modes": ["full_rewrite"]})
        rerun_end = follow(http, rerun.json()["job"]["id"])[-1][1]
        voice = http.post(f"/api/videos/{video_id}/voice", json={"mode": "script_rewrite"})
        voice_end = follow(http, voice.json()["job"]["id"])[-1][1]
        analysis = http.get(f"/api/videos/{video_id}/analysis").json()
        bad_mode = http.post(f"/api/videos/{video_id}/director", json={"modes": ["interpretive_dance"]})

    assert_problem(no_script, 409)
    assert rerun.status_code == 202 and rerun.headers["location"] == f"/api/jobs/{rerun.json()['job']['id']}"
    assert rerun_end["status"] == "completed", rerun_end
    assert voice.status_code == 202 and voice_end["status"] == "completed", voice_end
    assert "full_rewrite" in analysis["director"]
    assert analysis["voiceover"]["mode"] == "script_rewrite"
    assert_problem(bad_mode, 422)["errors"]


def test_a_job_can_be_cancelled_and_retried(deployment, tmp_path):
    clip = make_clip(tmp_path / "long take.mp4", seconds=60, colour_shift=77)
    with deployment.http(deployment.alice_token) as http:
        job = http.post("/api/videos", files={"file": (clip.name, clip.read_bytes(), "video/mp4")},
                        data={"modes": ""}).json()["job"]
        cancelled = http.post(f"/api/jobs/{job['id']}/cancel")
        cancel_end = follow(http, job["id"])[-1][1]
        retried = http.post(f"/api/jobs/{job['id']}/retry")
        retry_end = follow(http, job["id"])[-1][1]
        cancel_again = http.post(f"/api/jobs/{job['id']}/cancel")
        retry_again = http.post(f"/api/jobs/{job['id']}/retry")
        listed = http.get("/api/jobs", params={"video_id": job["video_id"]}).json()

    assert cancelled.status_code == 200 and cancelled.json()["cancel_requested"] is True
    assert cancel_end["status"] == "cancelled", cancel_end
    assert retried.status_code == 202 and retried.json()["status"] == "queued"
    assert retry_end["status"] == "completed", retry_end
    assert_problem(cancel_again, 409)
    assert_problem(retry_again, 409)
    assert [(j["id"], j["status"]) for j in listed] == [(job["id"], "completed")]  # retried, not copied


def test_delete_removes_the_video_its_jobs_and_its_files(deployment, tmp_path):
    clip = make_clip(tmp_path / "to delete.mp4", seconds=4, colour_shift=33)
    with deployment.http(deployment.alice_token) as http:
        accepted = http.post("/api/videos", files={"file": (clip.name, clip.read_bytes(), "video/mp4")},
                             data={"modes": "scene_director"}).json()
        assert follow(http, accepted["job"]["id"])[-1][1]["status"] == "completed"
        video_id = accepted["video"]["id"]
        data = deployment.settings.data_dir  # the default media storage: the data folder
        upload = data / repo.get_video(deployment.db, deployment.alice, video_id).stored_path
        artifacts = artifacts_folder(deployment, video_id)
        assert upload.is_file() and any(artifacts.iterdir())

        deleted = http.delete(f"/api/videos/{video_id}")

        assert deleted.status_code == 204
        assert_problem(http.get(f"/api/videos/{video_id}"), 404)
        assert_problem(http.get(f"/api/jobs/{accepted['job']['id']}"), 404)
        assert_problem(http.delete(f"/api/videos/{video_id}"), 404)
    assert not upload.exists() and not artifacts.exists()


def test_deleting_a_video_while_it_is_analysed_leaves_no_files_behind(deployment, tmp_path):
    clip = make_clip(tmp_path / "deleted mid-run.mp4", seconds=60, colour_shift=55)
    with deployment.http(deployment.alice_token) as http:
        accepted = http.post("/api/videos", files={"file": (clip.name, clip.read_bytes(), "video/mp4")},
                             data={"modes": ""}).json()
        job_id, video_id = accepted["job"]["id"], accepted["video"]["id"]
        wait_for(lambda: http.get(f"/api/jobs/{job_id}").json()["stage"] in ("shots", "transcribe", "cinematic"),
                 120, "the analysis to be under way", interval=0.1)

        assert http.delete(f"/api/videos/{video_id}").status_code == 204

    wait_for(lambda: any(e.get("job_id") == job_id and e.get("event") in ("job.lost", "job.failed", "job.cancelled")
                         for e in deployment.worker.events()), 60, "the worker to drop the job")
    wait_for(lambda: not artifacts_folder(deployment, video_id).exists(), 10, "the job's files to be removed")
    assert not list((deployment.settings.work_dir).glob("job-*")), "the job's workspace is gone too"


# --- isolation and authentication -------------------------------------------------------------


def test_another_users_ids_answer_404_exactly_like_missing_ones(deployment, sample):
    video_id, job_id = sample["body"]["video"]["id"], sample["body"]["job"]["id"]
    missing = "0" * 32
    requests = [
        ("GET", "/api/videos/{v}", None), ("GET", "/api/videos/{v}/analysis", None),
        *[("GET", f"/api/videos/{{v}}/exports/{fmt}", None) for fmt in ("srt", "vtt", "md", "json")],
        ("POST", "/api/videos/{v}/director", {"modes": ["scene_director"]}),
        ("POST", "/api/videos/{v}/voice", {"mode": "script_rewrite"}),
        ("GET", "/api/jobs/{j}", None), ("GET", "/api/jobs/{j}/events", None),
        ("POST", "/api/jobs/{j}/cancel", None), ("POST", "/api/jobs/{j}/retry", None),
        ("DELETE", "/api/videos/{v}", None),
    ]
    with deployment.http(deployment.bob_token) as bob:
        for method, template, body in requests:
            theirs = bob.request(method, template.format(v=video_id, j=job_id), json=body)
            nothing = bob.request(method, template.format(v=missing, j=missing), json=body)
            assert_problem(theirs, 404)
            assert_problem(nothing, 404)
            strip = lambda r: {k: v for k, v in r.json().items() if k != "instance"}  # noqa: E731
            assert strip(theirs) == strip(nothing), template
        assert bob.get("/api/videos").json() == []
        assert bob.get("/api/jobs").json() == []
    with deployment.http(deployment.alice_token) as alice:
        assert alice.get(f"/api/videos/{video_id}").json()["status"] == "ready"  # untouched


def test_requests_without_a_valid_token_get_401(deployment):
    before = stored_files(deployment)
    revoked = tokens.create_token(deployment.db, deployment.alice, "to revoke")
    secret = revoked.secret
    with deployment.http(secret) as http:
        assert http.get("/api/videos").status_code == 200
        tokens.revoke_token(deployment.db, deployment.alice, revoked.token.id)
        refused_after_revoke = http.get("/api/videos")
    with deployment.http(None) as http:
        no_token = http.get("/api/videos")
        wrong_scheme = http.get("/api/jobs", headers={"Authorization": f"Basic {secret}"})
        unknown = http.get("/api/usage", headers={"Authorization": "Bearer fpt_" + "A" * 43})
        upload = http.post("/api/videos", files={"file": ("s.mp4", b"x" * 10, "video/mp4")})

    for response in (refused_after_revoke, no_token, wrong_scheme, unknown, upload):
        assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert stored_files(deployment) == before  # the refused upload left nothing, not even half a file


def test_uploads_over_the_limit_get_413_and_leave_nothing_behind(deployment):
    before = stored_files(deployment)
    limit = MAX_UPLOAD_MB * 1024 * 1024
    with deployment.http(deployment.alice_token) as http:
        declared = http.post("/api/videos", files={"file": ("big.mp4", b"\0" * (limit * 2), "video/mp4")})
        just_over = http.post("/api/videos", files={"file": ("big.mp4", b"\0" * (limit + 1), "video/mp4")})
        boundary = "fpboundary"
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
                "Content-Type: video/mp4\r\n\r\n").encode()

        def chunked():  # no Content-Length: only the streaming check can stop it
            yield head
            for _ in range(MAX_UPLOAD_MB * 4 + 2):
                yield b"\0" * (256 * 1024)
            yield f"\r\n--{boundary}--\r\n".encode()

        streamed = http.post("/api/videos", content=chunked(),
                             headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})

    for response in (declared, just_over, streamed):
        assert "upload limit" in assert_problem(response, 413)["detail"]
    assert stored_files(deployment) == before


def test_files_that_are_not_videos_get_415_or_422_and_leave_nothing_behind(deployment, tmp_path):
    before = stored_files(deployment)
    text = b"this is a text file, not a video\n" * 50
    with deployment.http(deployment.alice_token) as http:
        txt = http.post("/api/videos", files={"file": ("notes.txt", text, "text/plain")})
        disguised = http.post("/api/videos", files={"file": ("holiday.mp4", text, "video/mp4")})
        empty = http.post("/api/videos", files={"file": ("empty.mp4", b"", "video/mp4")})
        not_multipart = http.post("/api/videos", content=text, headers={"Content-Type": "video/mp4"})
        no_file = http.post("/api/videos", data={"modes": "scene_director"}, files={"other": ("a.mp4", b"x")})
        crowded = http.post("/api/videos", data={f"field{i}": "x" for i in range(40)},
                            files={"file": ("clip.mp4", SAMPLE.read_bytes(), "video/mp4")})
        bad_option = http.post("/api/videos", files={"file": ("clip.mp4", SAMPLE.read_bytes(), "video/mp4")},
                               data={"provider": "openai"})
        bad_mode = http.post("/api/videos", files={"file": ("clip.mp4", SAMPLE.read_bytes(), "video/mp4")},
                             data={"modes": "scene_director,interpretive_dance"})

    assert_problem(txt, 415)
    assert "text file" in assert_problem(disguised, 422)["detail"]
    assert "empty" in assert_problem(empty, 422)["detail"]
    assert_problem(not_multipart, 415)
    assert_problem(no_file, 400)
    assert_problem(crowded, 400)
    assert "openai" in assert_problem(bad_option, 422)["detail"]
    assert assert_problem(bad_mode, 422)["errors"][0]["loc"] == ["body", "modes", 1]
    assert stored_files(deployment) == before


def test_hammering_one_account_gets_429_on_all_its_tokens_while_other_accounts_go_on(deployment, sample):
    """The limit is per account: a second token of the same account does not start a new count."""
    hammerer = accounts.add_user(deployment.db, "hammer@example.com", "a hammer of a password")
    hammer, second = deployment.new_token(hammerer, "hammer"), deployment.new_token(hammerer, "second")
    job_id = sample["body"]["job"]["id"]
    with deployment.http(hammer) as http, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: http.get("/api/jobs"), range(330)))
    with deployment.http(second) as own, deployment.http(deployment.alice_token) as other:
        same_account, unaffected = own.get("/api/jobs"), other.get(f"/api/jobs/{job_id}")

    codes = [r.status_code for r in statuses]
    assert codes.count(200) == 300 and codes.count(429) == 30, sorted(set(codes))
    limited = next(r for r in statuses if r.status_code == 429)
    assert_problem(limited, 429)
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert same_account.status_code == 429
    assert unaffected.status_code == 200


# --- usage, schema -------------------------------------------------------------------------


def test_usage_gives_the_costs_page_figures_as_json_or_csv(deployment, sample):
    filters = analytics.Filters(user_id=deployment.alice.id)
    report = analytics.cost_report(deployment.db, deployment.settings, deployment.alice, filters)
    with deployment.http(deployment.alice_token) as http:
        as_json = http.get("/api/usage")
        as_csv = http.get("/api/usage", headers={"Accept": "text/csv"})
        others = http.get("/api/usage", params={"user_id": deployment.bob.id})

    assert as_json.status_code == 200
    assert as_json.json()["totals"] == json.loads(report.totals.model_dump_json())
    assert as_json.json()["totals"]["calls"] > 0
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = as_csv.text.strip().splitlines()
    assert rows[0].startswith('"') and len(rows) - 1 == report.totals.calls
    assert_problem(others, 403)


def test_the_openapi_schema_and_docs_are_served(deployment):
    with deployment.http(None) as http:
        schema = http.get("/api/openapi.json").json()
        docs = http.get("/api/docs")
        unknown = http.get("/api/nothing-here")

    assert {"/api/videos", "/api/videos/{video_id}/analysis", "/api/jobs/{job_id}/events", "/api/usage"} <= set(
        schema["paths"])
    assert {"Problem", "UploadForm", "JobEvent", "VideoOut", "JobOut", "AnalysisResult"} <= set(
        schema["components"]["schemas"])
    assert schema["paths"]["/api/videos"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert_problem(unknown, 404)


def test_the_docs_page_loads_its_scripts_and_styles_from_the_api_itself(deployment):
    """Offline, a CDN-hosted Swagger UI is a blank page: every asset must be same-origin."""
    with deployment.http(None) as http:
        docs = http.get("/api/docs")
        urls = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
        assets = {url: http.get(url) for url in urls}

    assert docs.status_code == 200
    assert urls and all(url.startswith("/api/") for url in urls), urls
    assert "https://" not in docs.text and "http://" not in docs.text
    kinds = {url.rsplit(".", 1)[-1]: response for url, response in assets.items()}
    assert kinds["js"].status_code == 200 and "javascript" in kinds["js"].headers["content-type"]
    assert b"SwaggerUIBundle" in kinds["js"].content
    assert kinds["css"].status_code == 200 and kinds["css"].headers["content-type"].startswith("text/css")
    assert all(response.status_code == 200 for response in assets.values())


# --- the Python client and `framepilot remote` ------------------------------------------------


def test_the_python_client_uploads_follows_and_fetches(deployment, tmp_path):
    clip = make_clip(tmp_path / "client clip.mp4", seconds=4, colour_shift=99)
    seen = []
    with FramePilotClient(deployment.api.url, deployment.alice_token) as fp:
        accepted = fp.upload(clip, modes=["scene_director"])
        final = fp.wait(accepted.job.id, on_event=seen.append)
        analysis = fp.analysis(accepted.video.id)
        srt = fp.export(accepted.video.id, "srt")
        with pytest.raises(ApiError) as missing:
            fp.video("0" * 32)

    assert final.status == "completed" and seen[-1] == final
    assert [e.progress for e in seen] == sorted(e.progress for e in seen)
    assert analysis.video.duration_s == pytest.approx(4, abs=0.2) and "scene_director" in analysis.director
    assert isinstance(srt, bytes)
    assert missing.value.status == 404 and missing.value.problem["title"] == "Not Found"


def remote(deployment: Deployment, *args: str, token: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("FRAMEPILOT_API_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "framepilot.cli", "remote", *args, "--url", deployment.api.url,
         "--token", token or deployment.alice_token],
        capture_output=True, text=True, cwd=deployment.folder, env=env, timeout=300,
    )


def test_remote_submit_watch_and_fetch_work_against_the_server(deployment, tmp_path):
    clip = make_clip(tmp_path / "remote clip.mp4", seconds=4, colour_shift=123)

    submitted = remote(deployment, "submit", str(clip), "--modes", "scene_director", "--wait")
    assert submitted.returncode == 0, submitted.stderr
    video_id, job_id = submitted.stdout.split()
    assert "100% completed" in submitted.stderr

    watched = remote(deployment, "watch", job_id)
    fetched = remote(deployment, "fetch", video_id, "--format", "vtt", "-o", str(tmp_path / "out.vtt"))
    analysis = remote(deployment, "fetch", video_id)
    refused = remote(deployment, "watch", job_id, token="fpt_" + "B" * 43)

    assert watched.returncode == 0 and "completed" in watched.stderr
    assert fetched.returncode == 0 and (tmp_path / "out.vtt").read_text().startswith("WEBVTT")
    assert analysis.returncode == 0 and json.loads(analysis.stdout)["video"]["duration_s"] > 3
    assert refused.returncode == 1 and "401" in refused.stderr
