"""Two nodes without a shared filesystem (issue 11): node A (this test process as the web
app, plus a `framepilot worker` process group) and node B (a worker process group only),
each with its own empty data folder, sharing PostgreSQL, Redis and S3 (moto).

What must hold: both nodes take jobs; every job completes exactly once; a kill -9 of node
B's process group mid-job is recovered by A with one successful transcribe call per job;
A loads the review data and keyframes of B's jobs through the review page's own functions.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest

from framepilot.core.crypto import generate_key
from framepilot.services import accounts, media
from framepilot.services import analysis as service
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import submit_analysis
from framepilot.settings import get_settings
from framepilot.store import open_database
from framepilot.store import repository as repo
from testkit import media_factory as make
from tests.support.storage_fixtures import TEST_CREDENTIALS, new_bucket

pytestmark = [pytest.mark.slow, pytest.mark.timeout(480)]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
JOBS = 10
EARLY_STAGES = {None, "probe", "audio", "shots", "transcribe"}  # before transcription is stored


class Node:
    """`framepilot worker` as its own process group, on its own data folder."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name, self.folder = name, folder
        self.env = {**env, "FRAMEPILOT_DATA_DIR": str(folder / "data"), "FRAMEPILOT_NODE_NAME": name}
        self.log = folder / "worker.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Node:
        self.folder.mkdir(parents=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "framepilot.cli", "worker"], cwd=PROJECT_ROOT,
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def started(self) -> bool:
        return '"worker.started"' in self.log.read_text(errors="replace")

    def kill_group(self, sig: int) -> None:
        os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill_group(signal.SIGTERM)

    def files(self, *top: str) -> list[Path]:
        data = self.folder / "data"
        return [p for p in data.rglob("*") if p.is_file() and p.relative_to(data).parts[0] in top]


def wait_for(check: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class JobsTable:
    """The jobs and llm_calls tables as the system sees them (every user's rows)."""

    def __init__(self, dsn: str) -> None:
        self.conn = psycopg.connect(dsn, autocommit=True)

    def jobs(self) -> dict[str, dict]:
        rows = self.conn.execute("SELECT id, video_id, status, stage, worker, attempts FROM jobs").fetchall()
        return {r[0]: {"video": r[1], "status": r[2], "stage": r[3], "node": (r[4] or ":").split(":")[0],
                       "attempts": r[5]} for r in rows}

    def ok_calls(self, operation: str) -> dict[str, int]:
        rows = self.conn.execute("SELECT video_id, count(*) FROM llm_calls WHERE operation = %s AND status = 'ok'"
                                 " GROUP BY video_id", (operation,)).fetchall()
        return dict(rows)


@pytest.fixture
def cluster(tmp_path, monkeypatch, postgres_dsn, redis_url, s3_endpoint):
    """The shared services and the two nodes' settings; node A's settings are this process's."""
    _, bucket = new_bucket(s3_endpoint)
    shared = {"FRAMEPILOT_DATABASE_URL": postgres_dsn, "FRAMEPILOT_REDIS_URL": redis_url,
              "FRAMEPILOT_STORAGE_URL": f"s3://{bucket}/media", "FRAMEPILOT_S3_ENDPOINT_URL": s3_endpoint,
              "FRAMEPILOT_SECRET_KEY": generate_key(), "FRAMEPILOT_JOB_STALE_AFTER_S": "5",
              "FRAMEPILOT_WORKERS": "1", "FRAMEPILOT_LOG_LEVEL": "INFO", **TEST_CREDENTIALS}
    env = {**os.environ, **shared,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    a, b = Node("node-a", env, tmp_path / "a"), Node("node-b", env, tmp_path / "b")
    for name, value in {**shared, "FRAMEPILOT_DATA_DIR": a.env["FRAMEPILOT_DATA_DIR"]}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    table = JobsTable(postgres_dsn)
    try:
        yield a, b, table
    finally:
        for node in (a, b):
            node.stop()
        table.conn.close()


def test_two_nodes_share_the_work_and_a_killed_node_is_recovered_by_the_other(cluster, tmp_path):
    node_a, node_b, table = cluster
    for node in (node_a.start(), node_b.start()):
        wait_for(node.started, 60, f"{node.name} to start")
    settings = get_settings()  # node A's web part
    db = open_database(settings)
    user = accounts.add_user(db, "alice@example.com", "correct horse battery")
    clips = [make.single_shot_clip(tmp_path / f"clip{i}.mp4", seconds=2.0, size="160x120", tone_hz=300 + 37 * i)
             for i in range(JOBS)]
    jobs = [submit_analysis(db, settings, user, ingest_path(db, settings, user, clip).video.id, modes=[]).job
            for clip in clips]

    def b_is_mid_job_after_finishing_one() -> str | None:
        rows = table.jobs().items()
        done_by_b = [j for j, r in rows if r["node"] == "node-b" and r["status"] == "completed"]
        running = [j for j, r in rows if r["node"] == "node-b" and r["status"] == "running"
                   and r["stage"] in EARLY_STAGES]
        return running[0] if done_by_b and running else None

    killed = wait_for(b_is_mid_job_after_finishing_one, 240, "node B to finish a job and start another")
    node_b.kill_group(signal.SIGKILL)
    finished_by_b = {j for j, r in table.jobs().items() if r["node"] == "node-b" and r["status"] == "completed"}
    wait_for(lambda: all(r["status"] == "completed" for r in table.jobs().values()) or
             any(r["status"] == "failed" for r in table.jobs().values()), 240, "every job to finish")

    final = table.jobs()
    assert {r["status"] for r in final.values()} == {"completed"}, final
    assert finished_by_b and {r["node"] for r in final.values()} == {"node-a", "node-b"}
    assert final[killed]["node"] == "node-a" and final[killed]["attempts"] == 2
    assert [r["attempts"] for j, r in final.items() if j != killed] == [1] * (JOBS - 1)  # none ran twice
    videos = {j.video_id for j in jobs}
    assert table.ok_calls("transcribe") == dict.fromkeys(videos, 1)
    assert table.ok_calls("analyse_shots") == dict.fromkeys(videos, 1)

    for job_id in sorted(finished_by_b | {killed}):  # A reads what B stored, from the bucket
        video = repo.get_video(db, user, final[job_id]["video"])
        result = service.load_analysis(db, user, video.id)
        shown = media.review_media(settings, video, result.shots, result.voiceover)
        assert result.shots and result.transcript.provider == "local"
        assert httpx.get(shown.keyframes[0]).content[:2] == b"\xff\xd8"
        assert httpx.get(shown.video, headers={"Range": "bytes=0-99"}).status_code == 206
    assert node_a.files("uploads", "artifacts") == node_b.files("uploads", "artifacts") == []
    assert node_b.files("scratch")  # B worked from local copies of what it fetched
    db.close()
