"""Live job streams (`GET /api/jobs/{id}/events`) against a real `framepilot api`: a stream no
longer outlives its token, no stream lasts forever (one on a queued job never ended), one
account holds only a few, and changes are pushed by one watcher per process (PostgreSQL:
LISTEN/NOTIFY) instead of every stream reading the store twice a second."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

import httpx
import pytest

from framepilot.auth import tokens
from framepilot.services import accounts
from framepilot.settings import load_settings
from framepilot.store import open_database
from framepilot.store import repository as repo
from tests.support.processes import PROJECT_ROOT, ApiProcess

SAMPLE = PROJECT_ROOT / "framepilot" / "assets" / "sample.mp4"
LIMITS = {"FRAMEPILOT_API_STREAMS_PER_USER": "2", "FRAMEPILOT_API_STREAM_MAX_MINUTES": "0.1",  # 6 s
          "FRAMEPILOT_API_STREAM_RECHECK_S": "1"}


@dataclass
class Stream:
    """A job's event stream read on a thread: (seconds since opening, event name, data)."""

    status: int | None = None
    events: list[tuple[float, str, dict]] = field(default_factory=list)
    closed_after: float | None = None

    def names(self) -> list[str]:
        return [name for _, name, _ in self.events]


def follow(api: ApiProcess, token: str, job_id: str) -> Stream:
    stream = Stream()

    def read() -> None:
        started = time.monotonic()
        try:
            _read(started)
        except httpx.HTTPError:  # the server stopped at the end of the test
            pass
        stream.closed_after = time.monotonic() - started

    def _read(started: float) -> None:
        with httpx.stream("GET", f"{api.url}/api/jobs/{job_id}/events", timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as response:
            stream.status = response.status_code
            name = "message"
            for line in response.iter_lines():
                if line.startswith("event:"):
                    name = line.partition(":")[2].strip()
                elif line.startswith("data:"):
                    stream.events.append((time.monotonic() - started, name, json.loads(line.partition(":")[2])))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 20
    while stream.status is None and stream.closed_after is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return stream


def wait_until(check, timeout: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


@dataclass
class Deployment:
    api: ApiProcess
    db: object
    user: object
    token: str
    job_id: str


def deploy(folder, **env: str) -> Deployment:  # noqa: ANN001
    """An API with no worker, so the uploaded video's analysis job stays queued."""
    api = ApiProcess(folder / "data", folder / "api.log", **{**LIMITS, **env}).start()
    db = open_database(load_settings(data_dir=folder / "data", **({"database_url": env["FRAMEPILOT_DATABASE_URL"]}
                                                                  if "FRAMEPILOT_DATABASE_URL" in env else {})))
    user = accounts.add_user(db, "fiona@example.com", "a long and unguessable phrase")
    token = tokens.create_token(db, user, "streams").secret
    upload = httpx.post(f"{api.url}/api/videos", headers={"Authorization": f"Bearer {token}"}, timeout=120,
                        files={"file": ("sample.mp4", SAMPLE.read_bytes(), "video/mp4")})
    assert upload.status_code == 202, upload.text
    return Deployment(api, db, user, token, upload.json()["job"]["id"])


@pytest.fixture
def sqlite_api(tmp_path):
    deployment = deploy(tmp_path)
    yield deployment
    deployment.api.stop()


def test_a_streams_token_is_checked_again_and_a_revoked_one_ends_the_stream(sqlite_api):
    d = sqlite_api
    stream = follow(d.api, d.token, d.job_id)
    assert stream.status == 200 and wait_until(lambda: stream.names() == ["progress"], 5)

    [token] = tokens.list_tokens(d.db, d.user)
    tokens.revoke_token(d.db, d.user, token.id)

    assert wait_until(lambda: stream.closed_after is not None, 5)
    assert stream.names() == ["progress", "unauthorized"]
    assert "no longer valid" in stream.events[-1][2]["detail"]


def test_a_stream_on_a_job_that_stays_queued_ends_at_its_time_limit(sqlite_api):
    stream = follow(sqlite_api.api, sqlite_api.token, sqlite_api.job_id)

    assert wait_until(lambda: stream.closed_after is not None, 15)
    assert stream.names() == ["progress", "reconnect"]
    assert 5 <= stream.closed_after <= 10
    assert stream.events[-1][2]["status"] == "queued"


def test_one_account_holds_at_most_its_share_of_streams(sqlite_api):
    d = sqlite_api
    open_streams = [follow(d.api, d.token, d.job_id) for _ in range(2)]
    third = httpx.get(f"{d.api.url}/api/jobs/{d.job_id}/events", headers={"Authorization": f"Bearer {d.token}"},
                      timeout=30)

    assert [s.status for s in open_streams] == [200, 200]
    assert third.status_code == 429 and "2 jobs live" in third.json()["detail"]
    assert wait_until(lambda: all(s.closed_after for s in open_streams), 15)  # their time limit
    assert follow(d.api, d.token, d.job_id).status == 200  # the slots were given back


def push_progress(d: Deployment) -> float:
    """A worker claims the job and reports 40 %; returns when it did."""
    assert repo.claim_job(d.db, d.job_id, "test-worker") is not None
    repo.update_job_progress(d.db, d.job_id, "shots", 40)
    return time.monotonic()


def test_progress_reaches_the_stream_on_sqlite(sqlite_api):
    stream = follow(sqlite_api.api, sqlite_api.token, sqlite_api.job_id)
    assert wait_until(lambda: stream.names() == ["progress"], 5)
    push_progress(sqlite_api)
    assert wait_until(lambda: any(e[2].get("progress") == 40 for e in stream.events), 3)


def transactions(dsn: str) -> int:
    """Transactions committed in the test's database so far (PostgreSQL's statistics)."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        return conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
                            ).fetchone()[0]


def test_on_postgresql_idle_streams_cost_the_store_nothing_and_a_change_is_pushed(tmp_path, postgres_dsn):
    """Two streams on a queued job used to read it four times a second between them; now they
    wait for the jobs trigger's NOTIFY (the feed's safety sweep runs every 15 s)."""
    d = deploy(tmp_path, FRAMEPILOT_DATABASE_URL=postgres_dsn, FRAMEPILOT_API_STREAM_MAX_MINUTES="1",
               FRAMEPILOT_API_STREAM_RECHECK_S="30")
    try:
        streams = [follow(d.api, d.token, d.job_id) for _ in range(2)]
        assert wait_until(lambda: all(s.names() == ["progress"] for s in streams), 5)
        time.sleep(1.5)  # the feed has read the new subscriptions' job; statistics are flushed each second
        before = transactions(postgres_dsn)
        time.sleep(4)
        idle_transactions = transactions(postgres_dsn) - before - 1  # less our own first read
        pushed = push_progress(d)
        assert wait_until(lambda: all(any(e[2].get("progress") == 40 for e in s.events) for s in streams), 2)
        assert time.monotonic() - pushed < 2
        assert idle_transactions <= 2
    finally:
        d.api.stop()
