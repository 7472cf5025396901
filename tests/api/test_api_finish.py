"""The finish over the HTTP API, against a real `framepilot api` and a real worker: 409 until the
finish is made, a job to follow, the MP4 at the preset's size, its review and captions, another
user's 404, a bad preset's 422; and `framepilot remote finish` through the same server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import av
import pytest

from tests.api import test_api
from tests.api.test_api import assert_problem, follow
from tests.support.processes import PROJECT_ROOT

deployment = test_api.deployment
sample = test_api.sample

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def video_id(sample) -> str:
    assert sample["events"][-1][1]["status"] == "completed"
    return sample["body"]["video"]["id"]


@pytest.fixture(scope="module")
def finished(deployment, video_id) -> dict:
    with deployment.http(deployment.alice_token) as http:
        before = http.get(f"/api/videos/{video_id}/finish")
        response = http.post(f"/api/videos/{video_id}/finish", json={"preset": "square", "caption_style": "plain"})
        assert response.status_code == 202, response.text
        events = follow(http, response.json()["job"]["id"])
    return {"before": before, "response": response, "events": events}


def test_the_finish_answers_409_until_it_is_made_then_its_job_completes(finished):
    assert assert_problem(finished["before"], 409)["type"].endswith("not-finished")
    assert finished["response"].headers["location"].startswith("/api/jobs/")
    assert finished["events"][-1][1]["status"] == "completed"
    assert any(data.get("stage") == "finish" for _, data in finished["events"])


def test_the_finished_mp4_the_review_and_the_captions_download(deployment, video_id, finished, tmp_path):
    with deployment.http(deployment.alice_token) as http:
        video = http.get(f"/api/videos/{video_id}/finish")
        report = http.get(f"/api/videos/{video_id}/finish/report")
        srt = http.get(f"/api/videos/{video_id}/finish/captions.srt")
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    path = tmp_path / "finished.mp4"
    path.write_bytes(video.content)
    with av.open(str(path)) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (1080, 1080)
    checks = {c["name"]: c for c in report.json()["checks"]}
    assert checks["loudness"]["passed"] is True and abs(checks["loudness"]["after"] + 14) <= 1
    assert srt.status_code == 200 and " --> " in srt.text


def test_other_users_and_bad_presets_are_refused(deployment, video_id, finished):
    with deployment.http(deployment.bob_token) as http:
        assert_problem(http.get(f"/api/videos/{video_id}/finish"), 404)
        assert_problem(http.post(f"/api/videos/{video_id}/finish", json={}), 404)
    with deployment.http(deployment.alice_token) as http:
        assert_problem(http.post(f"/api/videos/{video_id}/finish", json={"preset": "cinema"}), 422)


def test_remote_finish_downloads_the_same_finish_with_its_report(deployment, video_id, finished, tmp_path):
    env = {**os.environ, "FRAMEPILOT_API_URL": deployment.api.url, "FRAMEPILOT_API_TOKEN": deployment.alice_token,
           "PYTHONPATH": str(PROJECT_ROOT)}
    out = tmp_path / "remote.mp4"
    done = subprocess.run([sys.executable, "-m", "framepilot.cli", "remote", "finish", video_id, "--preset", "square",
                           "--caption-style", "plain", "--out", str(out), "--json", str(tmp_path / "report.json")],
                          capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path, check=False)
    assert done.returncode in (0, 2), done.stderr  # 2: the review found a failing check (reported, not an error)
    assert out.stat().st_size > 0 and Path(tmp_path / "report.json").exists() and out.with_suffix(".srt").exists()
    assert "loudness" in done.stdout
