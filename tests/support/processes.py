"""Real FramePilot processes for tests: `framepilot worker` and `framepilot api` on a data
folder, their output kept in a log file, and a helper that waits for a condition."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def wait_for(check: Callable[[], object], timeout: float, what: str, interval: float = 0.05) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FramePilotProcess:
    """`python -m framepilot.cli <command>` on a data folder, its output kept in a log file.

    It inherits the test's environment (conftest's isolated settings, the shared model cache).
    """

    command = "worker"

    def __init__(self, data_dir: Path, log_path: Path, **env: str) -> None:
        self.log_path = log_path
        self.env = {
            **os.environ,
            "FRAMEPILOT_DATA_DIR": str(data_dir.resolve()),
            "FRAMEPILOT_JOB_STALE_AFTER_S": "3",
            "FRAMEPILOT_WORKERS": "2",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
            **env,
        }
        self.proc: subprocess.Popen | None = None

    def start(self) -> FramePilotProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        self.proc = subprocess.Popen([sys.executable, "-m", "framepilot.cli", self.command], cwd=PROJECT_ROOT,
                                     env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return self

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def events(self) -> list[dict]:
        """The process's JSON log events (other output lines are skipped)."""
        found = []
        for line in self.log().splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                found.append(event)
        return found


class WorkerProcess(FramePilotProcess):
    command = "worker"


class ApiProcess(FramePilotProcess):
    """`framepilot api` on a free loopback port; `start()` returns once it answers."""

    command = "api"

    def __init__(self, data_dir: Path, log_path: Path, **env: str) -> None:
        self.port = free_port()
        super().__init__(data_dir, log_path, FRAMEPILOT_API_PORT=str(self.port), FRAMEPILOT_HOST="127.0.0.1", **env)
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> ApiProcess:
        super().start()

        def answers() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"the API exited with {self.proc.returncode}:\n{self.log()[-2000:]}")
            try:
                return httpx.get(f"{self.url}/api/openapi.json", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(answers, timeout, "the API to answer", interval=0.2)
        return self
