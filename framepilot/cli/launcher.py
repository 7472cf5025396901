"""`make run`: prepare the data folder, then run the web server, the worker and the HTTP API
together.

The web server is `streamlit run app.py`: Streamlit's app behind FramePilot's HTTP layer
(session cookie, upload guard), which app.py declares; app.py is the checkout's, or the copy
an installed package carries (framepilot/web/app_files.py). The processes run in the
caller's folder, so they read the same `.env` as this one. The upload limit reaches Streamlit here, as
`--server.maxUploadSize`, from the one setting FRAMEPILOT_MAX_UPLOAD_MB, and the listen
address as `--server.address` from FRAMEPILOT_HOST (127.0.0.1 unless widened).
Ctrl-C (or SIGTERM) stops all three processes.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from framepilot.core.private_files import private_dir
from framepilot.errors import FramePilotError
from framepilot.settings import Settings
from framepilot.web.app_files import main_script


class AlreadyRunning(FramePilotError, RuntimeError):
    user_facing = True
    pass


def streamlit_command(settings: Settings, port: int | None = None) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(main_script()),
        "--server.address", settings.host,
        "--server.port", str(port or settings.port),
        "--server.maxUploadSize", str(settings.max_upload_mb),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]


def app_url(settings: Settings, port: int | None = None) -> str:
    host = "localhost" if settings.host in ("127.0.0.1", "0.0.0.0", "::") else settings.host  # noqa: S104
    return f"http://{host}:{port or settings.port}"


def worker_command() -> list[str]:
    return [sys.executable, "-m", "framepilot.cli", "worker"]


def api_command() -> list[str]:
    return [sys.executable, "-m", "framepilot.cli", "api"]


def acquire_run_lock(data_dir: Path):  # noqa: ANN201 - an open file handle
    """One `make run` per data folder; a second one gets a clear message."""
    private_dir(data_dir)
    handle = open(data_dir / "run.lock", "a+")  # noqa: SIM115 - held for the process lifetime
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "unknown"
        handle.close()
        raise AlreadyRunning(
            f"FramePilot is already running on this data folder (pid {pid}). Stop it first (Ctrl-C)."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def prepare(settings: Settings) -> str | None:
    """Create folders, make what an older version left readable owner-only, migrate, and make
    the demo account; returns its password on first start."""
    from framepilot.core.private_files import lock_down
    from framepilot.services.accounts import ensure_demo_account
    from framepilot.store import open_database

    lock_down(settings.data_dir)
    return ensure_demo_account(open_database(settings))


def run(settings: Settings, port: int | None = None) -> int:
    from framepilot.services.accounts import DEMO_EMAIL

    lock = acquire_run_lock(settings.data_dir)  # AlreadyRunning: `framepilot` says so and exits 1
    demo_password = prepare(settings)
    if demo_password:
        print(f"\n  Demo account created. Sign in with {DEMO_EMAIL} / {demo_password}\n"
              "  (shown once; add your own with `framepilot users add EMAIL`).\n", flush=True)
    env = {**os.environ, "FRAMEPILOT_DATA_DIR": str(settings.data_dir.resolve())}
    procs = [
        subprocess.Popen(worker_command(), env=env, start_new_session=True),
        subprocess.Popen(api_command(), env=env, start_new_session=True),
        subprocess.Popen(streamlit_command(settings, port), env=env, start_new_session=True),
    ]
    print(f"  FramePilot: {app_url(settings, port)}  API: http://{settings.host}:{settings.api_port}"
          "/api/docs  (Ctrl-C stops the app, the API and the worker)", flush=True)
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(0.3)
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        lock.close()
    return 0 if stopping else 1
