"""The web server on a free port, for benchmarks and tests that need real HTTP:

- `"web"` (or `"asgi"`, its old name): `streamlit run app.py`, the web server `framepilot
  run` starts (FramePilot's HTTP layer in front of Streamlit's routes), alone;
- `"launcher"`: `framepilot run` itself, web server, worker and API; with `framepilot=` the
  `framepilot` command of an installed package, run from outside the checkout;
- `"streamlit"`: Streamlit alone on app.py, as before FramePilot's layer existed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment without the developer's FramePilot settings (but with the shared
    model cache), plus these."""
    env = {k: v for k, v in os.environ.items() if k == "FRAMEPILOT_MODELS_CACHE_DIR" or (
        not k.startswith("FRAMEPILOT_") and k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL"))}
    env.update(FRAMEPILOT_DATA_DIR=str(data_dir), FRAMEPILOT_LOG_LEVEL="WARNING",
               FRAMEPILOT_SECRET_KEY=Fernet.generate_key().decode(), PYTHONPATH=str(ROOT))
    env.update({f"FRAMEPILOT_{k.upper()}": str(v) for k, v in settings.items()})
    return env


class WebServer:
    """Start with `with WebServer(...) as server:`; `server.url`, `server.rss_mb()`."""

    def __init__(self, data_dir: Path, app: str = "web", max_upload_mb: int = 100,
                 framepilot: Path | None = None, **settings: str) -> None:
        self.data_dir = Path(data_dir)
        self.env = clean_env(self.data_dir, max_upload_mb=max_upload_mb, **settings)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cwd = ROOT
        if app == "launcher":  # the API on a free port too: never the one a running install holds
            self.env.setdefault("FRAMEPILOT_API_PORT", str(free_port()))
            self.command = [sys.executable, "-m", "framepilot.cli", "run", "--port", str(self.port)]
            if framepilot is not None:  # an installed package: nothing of the checkout on the path
                self.command = [str(framepilot), "run", "--port", str(self.port)]
                del self.env["PYTHONPATH"]
                self.cwd = self.data_dir.parent
        elif app == "streamlit":
            self.command = [sys.executable, "-m", "testkit.bare_streamlit", str(ROOT / "app.py"), str(self.port),
                            str(max_upload_mb)]
        else:
            self.command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                            "--server.address", "127.0.0.1", "--server.port", str(self.port),
                            "--server.maxUploadSize", str(max_upload_mb), "--server.headless", "true",
                            "--browser.gatherUsageStats", "false"]
        self.log = self.data_dir.parent / f"server-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> WebServer:
        from framepilot.settings import load_settings
        from framepilot.store import open_database

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = load_settings(data_dir=self.data_dir, secret_key=self.env["FRAMEPILOT_SECRET_KEY"],
                                      max_upload_mb=int(self.env["FRAMEPILOT_MAX_UPLOAD_MB"]))
        self.db = open_database(self.settings)
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(self.command, env=self.env, cwd=self.cwd, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_healthy()
        return self

    def _wait_healthy(self, timeout: float = 120) -> None:
        """Until /_stcore/health answers; the server log is in the error when it exits or never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the web server exited early:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the web server did not come up in {timeout:.0f} s:\n{self.log.read_text()[-3000:]}")

    def rss_mb(self) -> float:
        return psutil.Process(self.proc.pid).memory_info().rss / 2**20

    def __exit__(self, *_: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
