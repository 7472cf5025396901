"""What the fault tests share: servers of their own (a test restarts them, so they are not the
session's), a worker process on this test's settings, and the store as the system sees it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from framepilot.settings import get_settings
from testkit.servers import PostgresServer, _pg_bindir, free_port, missing
from tests.support.processes import PROJECT_ROOT, wait_for


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL of this test's own, which it may restart."""
    bindir = _pg_bindir()
    if bindir is None:
        missing("PostgreSQL (initdb; apt-get install postgresql)")
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


class RestartableRedis:
    """A redis-server without persistence: a restart loses whatever was queued in it."""

    def __init__(self) -> None:
        self.exe = shutil.which("redis-server")
        self.folder = tempfile.mkdtemp(prefix="fp-redis-")
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RestartableRedis:
        import redis

        self.proc = subprocess.Popen(
            [self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.folder], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)

        def pings() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(pings, 10, "redis-server to accept connections")
        client.close()
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def own_redis() -> Iterator[RestartableRedis]:
    if shutil.which("redis-server") is None:
        missing("redis-server (apt-get install redis-server)")
    server = RestartableRedis().start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


class Worker:
    """`framepilot worker` in its own process group, on this test's settings."""

    def __init__(self, log: Path, **env: str) -> None:
        self.log = log
        self.env = {**os.environ, "FRAMEPILOT_JOB_STALE_AFTER_S": "3", "FRAMEPILOT_WORKERS": "1",
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
                    **env}
        self.proc: subprocess.Popen | None = None

    def start(self) -> Worker:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "framepilot.cli", "worker"], cwd=PROJECT_ROOT,
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(lambda: '"worker.started"' in self.text(), 60, "the worker to start")
        return self

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self, sig: int = signal.SIGKILL) -> None:
        os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill(signal.SIGTERM)


@pytest.fixture
def worker(tmp_path) -> Iterator[callable]:
    """Start workers on the current settings (the environment); all are stopped at the end."""
    started: list[Worker] = []

    def start(**env: str) -> Worker:
        get_settings.cache_clear()
        w = Worker(tmp_path / f"worker{len(started)}.log", **env).start()
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


class SystemView:
    """The tables as the owner sees them (every user's rows): what the store holds."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def rows(self, sql: str, *args) -> list[tuple]:  # noqa: ANN002
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return conn.execute(sql, args).fetchall()
