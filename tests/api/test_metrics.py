"""Operators' metrics in Prometheus's text format: the API process at `/metrics` (request
latency by route template, queue depth per queue, jobs by state) and each worker on
FRAMEPILOT_WORKER_METRICS_PORT (stage durations, failures by reason, the same totals)."""

from __future__ import annotations

import io

import httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from framepilot.api.app import create_app
from framepilot.auth import tokens
from framepilot.services.ingest import ingest_upload
from framepilot.services.jobs import submit_analysis
from framepilot.settings import load_settings
from framepilot.store import open_database
from tests.support.processes import WorkerProcess, free_port, wait_for


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_the_api_serves_latency_by_route_queue_depth_and_jobs_by_state(db, settings, user_a):
    video = ingest_upload(db, settings, user_a, "clip.mp4", io.BytesIO(b"not really a video")).video
    job = submit_analysis(db, settings, user_a, video.id).job
    secret = tokens.create_token(db, user_a, "metrics").secret
    with TestClient(create_app(settings)) as api:
        api.get(f"/api/jobs/{job.id}", headers={"Authorization": f"Bearer {secret}"})
        text = api.get("/metrics").text

    found = samples(text)
    route = (("method", "GET"), ("route", "/api/jobs/{job_id}"), ("status", "200"))
    assert found[("framepilot_api_request_duration_seconds_count", route)] == 1
    assert job.id not in text and "alice" not in text  # templates, never paths or users
    assert found[("framepilot_jobs", (("state", "queued"),))] == 1
    assert [v for (name, _), v in found.items() if name == "framepilot_queue_depth"] == [1]


def test_the_metrics_token_is_asked_for_when_set(tmp_path):
    settings = load_settings(data_dir=tmp_path / "data", metrics_token="scrape-me")
    with TestClient(create_app(settings)) as api:
        assert api.get("/metrics").status_code == 401
        assert api.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).status_code == 200


def test_a_worker_serves_stage_durations_and_failures_by_reason(tmp_path, user_a):
    settings = load_settings(data_dir=tmp_path / "data")
    db = open_database(settings)
    from framepilot.services import accounts

    user = accounts.add_user(db, "wendy@example.com", "a long and unguessable phrase")
    video = ingest_upload(db, settings, user, "clip.mp4", io.BytesIO(b"not really a video")).video
    port = free_port()
    worker = WorkerProcess(settings.data_dir, tmp_path / "worker.log", FRAMEPILOT_WORKER_METRICS_PORT=str(port),
                           FRAMEPILOT_HOST="127.0.0.1").start()
    try:
        submit_analysis(db, settings, user, video.id)

        def failed() -> dict | None:
            try:
                found = samples(httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text)
            except httpx.TransportError:
                return None
            return found if found.get(("framepilot_jobs", (("state", "failed"),))) == 1 else None

        found = wait_for(failed, 90, "the job to fail and show in the worker's metrics", interval=0.5)
    finally:
        worker.stop()
    failures = {labels: v for (name, labels), v in found.items() if name == "framepilot_job_failures_total"}
    assert sum(failures.values()) == 1 and all(dict(k)["job_type"] == "video_analysis" for k in failures)
    stages = {dict(labels)["stage"] for (name, labels), _ in found.items()
              if name == "framepilot_stage_duration_seconds_count"}
    assert stages  # the stage it failed in was timed
