"""`framepilot run` (what `make run` calls) starts the web app, the worker and the HTTP API
together, and one Ctrl-C stops all three."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx
import psutil
import pytest

from tests.support.processes import PROJECT_ROOT, free_port, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_run_starts_app_worker_and_api_and_ctrl_c_stops_all_three(settings, tmp_path):
    app_port, api_port = free_port(), free_port()
    env = {**os.environ, "FRAMEPILOT_API_PORT": str(api_port), "FRAMEPILOT_HOST": "127.0.0.1",
           "PYTHONPATH": str(PROJECT_ROOT)}
    with open(tmp_path / "run.log", "wb") as log:
        launcher = subprocess.Popen([sys.executable, "-m", "framepilot.cli", "run", "--port", str(app_port)],
                                    cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{api_port}/api/openapi.json"), 120, "the API", interval=0.3)
        wait_for(lambda: _answers(f"http://127.0.0.1:{app_port}/_stcore/health"), 120, "the web app", interval=0.3)
        children = psutil.Process(launcher.pid).children(recursive=True)
        commands = [" ".join(c.cmdline()) for c in children]
        assert any("framepilot.cli worker" in c for c in commands), commands
        assert any("framepilot.cli api" in c for c in commands), commands
        assert any("streamlit run" in c for c in commands), commands

        launcher.send_signal(signal.SIGINT)

        assert launcher.wait(timeout=40) == 0
        _, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, f"still running after Ctrl-C: {alive}"
        assert not _answers(f"http://127.0.0.1:{api_port}/api/openapi.json")
    finally:
        if launcher.poll() is None:
            launcher.kill()
        (tmp_path / "run.log").exists() and print((tmp_path / "run.log").read_text(errors="replace")[-3000:])
