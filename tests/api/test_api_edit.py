"""The edit over the HTTP API, against a real `framepilot api` and a real worker: the cut list
of an analysed upload, switching cuts, rendering the tightened preview as a job and fetching the
MP4 (its length is the sum of the kept ranges within a frame per cut), editor timelines that
OpenTimelineIO reads back to the frame, and another user's ids answering 404 on every route.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import av
import opentimelineio as otio
import pytest

from framepilot.client import ApiError, FramePilotClient
from framepilot.edit.timeline import FORMATS, TimelineFormat, timeline_rate
from tests.api import test_api
from tests.api.test_api import assert_problem, follow
from tests.support.processes import PROJECT_ROOT

# The API deployment and its analysed sample upload (module fixtures: this module gets its own).
deployment = test_api.deployment
sample = test_api.sample

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def stream_durations(data: bytes, tmp_path: Path) -> dict[str, float]:
    path = tmp_path / "edit.mp4"
    path.write_bytes(data)
    with av.open(str(path)) as container:
        return {s.type: float(s.duration * s.time_base) for s in container.streams}


def clip_frames(timeline: otio.schema.Timeline, rate: float) -> list[tuple[int, int]]:
    (track,) = [t for t in timeline.tracks if t.kind == "Video"]
    return [(round(c.source_range.start_time.to_seconds() * rate), round(c.source_range.duration.to_seconds() * rate))
            for c in track.find_clips()]


@pytest.fixture(scope="module")
def video_id(sample) -> str:
    assert sample["events"][-1] == ("end", sample["events"][-1][1]) and sample["events"][-1][1]["status"] == (
        "completed")
    return sample["body"]["video"]["id"]


def test_the_cut_list_is_the_analysis_documents_cuts_with_the_new_duration(deployment, video_id):
    with deployment.http(deployment.alice_token) as http:
        edit = http.get(f"/api/videos/{video_id}/cuts")
        analysis = http.get(f"/api/videos/{video_id}/analysis").json()

    assert edit.status_code == 200, edit.text
    body = edit.json()
    assert len(body["cuts"]) >= 2
    assert body["cuts"] == analysis["cuts"]
    assert {"id", "kind", "reason", "evidence", "start_s", "end_s", "enabled"} <= set(body["cuts"][0])
    removed = sum(c["end_s"] - c["start_s"] for c in body["cuts"] if c["enabled"])
    assert body["edited_duration_s"] == pytest.approx(body["duration_s"] - removed, abs=0.01)
    assert sum(r["end_s"] - r["start_s"] for r in body["kept_ranges"]) == pytest.approx(body["edited_duration_s"],
                                                                                         abs=0.01)


def test_switching_cuts_is_saved_as_the_edit_and_unknown_cuts_get_422(deployment, video_id):
    with deployment.http(deployment.alice_token) as http:
        first = http.get(f"/api/videos/{video_id}/cuts").json()["cuts"][0]["id"]
        off = http.patch(f"/api/videos/{video_id}/cuts", json={"enabled": {first: False}})
        again = http.get(f"/api/videos/{video_id}/cuts").json()
        unknown = http.patch(f"/api/videos/{video_id}/cuts", json={"enabled": {"silence-99999": False}})
        back_on = http.patch(f"/api/videos/{video_id}/cuts", json={"enabled": {first: True}}).json()

    assert off.status_code == 200, off.text
    assert next(c for c in again["cuts"] if c["id"] == first)["enabled"] is False
    assert again["edited_duration_s"] > back_on["edited_duration_s"]
    assert "silence-99999" in assert_problem(unknown, 422)["detail"]


def test_a_render_of_chosen_cuts_completes_and_lasts_the_sum_of_the_kept_ranges(deployment, video_id, tmp_path):
    with deployment.http(deployment.alice_token) as http:
        cuts = http.get(f"/api/videos/{video_id}/cuts").json()["cuts"]
        chosen = [c["id"] for c in cuts[:2]]
        before = http.get(f"/api/videos/{video_id}/render")
        queued = http.post(f"/api/videos/{video_id}/render", json={"cuts": chosen})
        events = follow(http, queued.json()["job"]["id"])
        edit = http.get(f"/api/videos/{video_id}/cuts").json()
        mp4 = http.get(f"/api/videos/{video_id}/render")
        same_again = http.post(f"/api/videos/{video_id}/render", json={"cuts": chosen})

    assert_problem(before, 409)
    assert queued.status_code == 202, queued.text
    assert queued.headers["location"] == f"/api/jobs/{queued.json()['job']['id']}"
    assert queued.json()["job"]["type"] == "render_edit"
    assert events[-1][0] == "end" and events[-1][1]["status"] == "completed", events[-1]
    percents = [e["progress"] for _, e in events]
    assert percents == sorted(percents)
    assert [c["id"] for c in edit["cuts"] if c["enabled"]] == chosen and edit["rendered"] is True

    assert mp4.status_code == 200 and mp4.headers["content-type"] == "video/mp4"
    assert mp4.headers["content-disposition"].startswith('attachment; filename="sample-edit.mp4"')
    durations = stream_durations(mp4.content, tmp_path)
    tolerance = len(chosen) / edit["fps"]
    assert durations["video"] == pytest.approx(edit["edited_duration_s"], abs=tolerance)
    assert durations["audio"] == pytest.approx(edit["edited_duration_s"], abs=tolerance)
    assert edit["edited_duration_s"] < edit["duration_s"] - 0.5
    assert same_again.status_code == 200 and same_again.json()["reused"] is True
    assert same_again.json()["job"]["id"] == queued.json()["job"]["id"]


def test_render_requests_naming_unknown_cuts_or_fields_get_422(deployment, video_id):
    with deployment.http(deployment.alice_token) as http:
        unknown = http.post(f"/api/videos/{video_id}/render", json={"cuts": ["retake-123456"]})
        extra = http.post(f"/api/videos/{video_id}/render", json={"cuts": [], "colour": "red"})

    assert "retake-123456" in assert_problem(unknown, 422)["detail"]
    assert_problem(extra, 422)


@pytest.mark.parametrize("fmt", list(TimelineFormat))
def test_timeline_exports_read_back_with_otio_keep_the_kept_ranges(deployment, video_id, fmt):
    with deployment.http(deployment.alice_token) as http:
        edit = http.get(f"/api/videos/{video_id}/cuts").json()
        response = http.get(f"/api/videos/{video_id}/timeline/{fmt.value}")

    assert response.status_code == 200, response.text
    adapter, suffix, mime, _label = FORMATS[fmt]
    assert response.headers["content-type"].startswith(mime)
    assert response.headers["content-disposition"].startswith(f'attachment; filename="sample-edit{suffix}"')
    rate = timeline_rate(edit["fps"])
    extra = {"rate": rate} if fmt == TimelineFormat.EDL else {}
    timeline = otio.adapters.read_from_string(response.text, adapter_name=adapter, **extra)
    assert clip_frames(timeline, rate) == [(r["start_frame"], r["end_frame"] - r["start_frame"])
                                           for r in edit["kept_ranges"]]


def test_another_users_ids_answer_404_on_every_edit_route(deployment, video_id):
    routes = [("GET", "/cuts", None), ("PATCH", "/cuts", {"enabled": {"x": True}}), ("POST", "/render", None),
              ("GET", "/render", None), ("GET", "/timeline/otio", None), ("GET", "/timeline/edl", None)]
    with deployment.http(deployment.bob_token) as bob:
        for method, path, body in routes:
            theirs = bob.request(method, f"/api/videos/{video_id}{path}", json=body)
            missing = bob.request(method, f"/api/videos/0123456789abcdef0123456789abcdef{path}", json=body)
            assert_problem(theirs, 404)
            assert_problem(missing, 404)
            assert theirs.json()["detail"] == missing.json()["detail"], path
    with deployment.http(None) as anonymous:
        assert_problem(anonymous.get(f"/api/videos/{video_id}/cuts"), 401)


def test_the_client_and_remote_cli_read_render_and_fetch_the_edit(deployment, video_id, tmp_path):
    with FramePilotClient(deployment.api.url, deployment.alice_token) as fp:
        edit = fp.cuts(video_id)
        everything = [c.id for c in edit.cuts]
        submitted = fp.render(video_id, cuts=everything)
        final = fp.wait(submitted.job.id)
        out = fp.download_render(video_id, tmp_path / "tight.mp4")
        otio_text = fp.timeline(video_id, "otio")
        with pytest.raises(ApiError) as refused:
            fp.timeline(video_id, "avid")

    assert final.status.value == "completed"
    assert out.stat().st_size > 1000 and not list(tmp_path.glob(".*.part"))
    assert otio.adapters.read_from_string(otio_text.decode(), adapter_name="otio_json").tracks
    assert refused.value.status == 422

    def remote(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "framepilot.cli", "remote", *args, "--url", deployment.api.url,
                               "--token", deployment.alice_token], capture_output=True, text=True,
                              cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
                              timeout=300, check=False)

    listed = remote("cuts", video_id)
    edl = remote("fetch", video_id, "--format", "edl", "-o", str(tmp_path / "edit.edl"))
    mp4 = remote("fetch", video_id, "--format", "mp4", "-o", str(tmp_path / "cli.mp4"))

    assert listed.returncode == 0, listed.stderr
    assert all(c.id in listed.stdout for c in edit.cuts)
    assert edl.returncode == 0, edl.stderr
    assert (tmp_path / "edit.edl").read_text().startswith("TITLE: sample")
    assert mp4.returncode == 0 and (tmp_path / "cli.mp4").read_bytes() == out.read_bytes()
