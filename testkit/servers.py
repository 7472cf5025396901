"""Real servers for the scale-out tests, one of each per test session: PostgreSQL, Redis
and an S3-compatible server (moto).

Each fixture skips when its program is missing, unless FRAMEPILOT_REQUIRE_SERVERS=1 (CI
sets it), where a missing server fails the test instead. `.ci/run` installs them.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Read at import: the autouse fixture in conftest clears FRAMEPILOT_* for every test.
REQUIRE_SERVERS = os.environ.get("FRAMEPILOT_REQUIRE_SERVERS") == "1"
PG_USER = "fp"


def missing(what: str) -> None:
    message = f"{what} is not available"
    if REQUIRE_SERVERS:
        pytest.fail(f"{message}, and FRAMEPILOT_REQUIRE_SERVERS=1 says it must be", pytrace=False)
    pytest.skip(message)


CHROMIUM = Path("/usr/bin/chromium")


def require_browser() -> None:
    """Chromium and Playwright, or a skip (a failure under FRAMEPILOT_REQUIRE_SERVERS=1, so CI
    can never pass without driving a browser)."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} (Debian's chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("playwright")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


# --- PostgreSQL ---------------------------------------------------------------------------

def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    """A throw-away cluster in a temp folder, trust auth on 127.0.0.1, superuser `fp`.

    PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.run_as = "postgres" if os.geteuid() == 0 else None
        self.folder = Path(tempfile.mkdtemp(prefix="fp-pg-"))  # not under /tmp/pytest-of-root (0700)
        if self.run_as:
            os.chown(self.folder, pwd.getpwnam(self.run_as).pw_uid, -1)
        self.port = 0

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        db = self.folder / "db"
        self._run(self.bindir / "initdb", "-D", db, "-U", PG_USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        for _attempt in range(3):  # the free port can be taken before the server binds it
            self.port = free_port()
            options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            try:
                self._run(self.bindir / "pg_ctl", "-D", db, "-o", options, "-l", self.folder / "log", "-w", "start")
                return self
            except subprocess.CalledProcessError:
                continue
        raise RuntimeError("PostgreSQL did not start:\n" + (self.folder / "log").read_text(errors="replace"))

    def restart(self) -> None:
        """A fast shutdown (every connection is cut) and a start on the same port (fault tests)."""
        self._run(self.bindir / "pg_ctl", "-D", self.folder / "db", "-m", "fast", "-l", self.folder / "log", "-w",
                  "restart")

    def stop(self) -> None:
        try:
            self._run(self.bindir / "pg_ctl", "-D", self.folder / "db", "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def dsn(self, dbname: str = "postgres") -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self) -> str:
        """A fresh empty database; returns its DSN."""
        import psycopg
        from psycopg import sql

        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.dsn(name)

    def drop_database(self, dsn: str) -> None:
        import psycopg
        from psycopg import sql

        name = dsn.rsplit("/", 1)[1]
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = _pg_bindir()
    if bindir is None:
        missing("PostgreSQL (initdb; apt-get install postgresql)")
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> Iterator[str]:
    """A DSN of a fresh database for this test only."""
    dsn = postgres_server.create_database()
    try:
        yield dsn
    finally:
        postgres_server.drop_database(dsn)


# --- Redis --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """URL of a redis-server on a free port, without persistence."""
    import redis

    exe = shutil.which("redis-server")
    if exe is None:
        missing("redis-server (apt-get install redis-server)")
    folder = tempfile.mkdtemp(prefix="fp-redis-")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", folder],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)

    def pings() -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    try:
        wait_until(pings, 10, "redis-server to accept connections")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The session's Redis, emptied for this test."""
    import redis

    with redis.Redis.from_url(redis_server) as client:
        client.flushall()
    return redis_server


# --- S3 (moto) ----------------------------------------------------------------------------

# moto keeps objects in its own memory; a child process keeps that (and its GIL time) out of
# the process whose memory the storage tests measure.
_MOTO = """
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


def start_moto() -> tuple[subprocess.Popen, str]:
    """moto's S3 server in a child process; returns it and its endpoint URL. Closing the
    child's stdin stops it."""
    proc = subprocess.Popen([sys.executable, "-c", _MOTO], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


def stop_moto(proc: subprocess.Popen) -> None:
    proc.stdin.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """Endpoint URL of moto's standalone S3 server; any access key is accepted."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        missing("moto[server] (pip install 'moto[server]')")
    proc, endpoint = start_moto()
    try:
        yield endpoint
    finally:
        stop_moto(proc)
