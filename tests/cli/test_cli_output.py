"""The command line as a person and as a program meet it.

At a terminal (a real pseudo-terminal here) long commands draw a progress bar with the stage
and an ETA, and no JSON log line appears; into a pipe, stderr carries JSON lines only.
`jobs submit --wait` follows the job to its end and its exit code says how it ended.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from framepilot.cli import main
from framepilot.core.logs import configure_logging
from framepilot.models import JobStatus
from framepilot.services import accounts
from framepilot.store import repository as repo

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = PROJECT_ROOT / "framepilot" / "assets" / "sample.mp4"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
NATIVE_NOISE = ("GetPrototype", "absl::InitializeLog", "inference_feedback_manager", "TensorFlow Lite")


@pytest.fixture(autouse=True)
def _json_logs_afterwards():
    """Commands run in-process configure logging; later tests expect the default again."""
    yield
    configure_logging("INFO")


def cli_env(**extra: str) -> dict[str, str]:
    """The test's isolated settings (conftest), with this worktree importable."""
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "TERM": "xterm-256color", **extra}


def run_in_terminal(args: list[str], env: dict[str, str], timeout: float = 600) -> tuple[int, str]:
    """Run `framepilot ARGS` with stdin, stdout and stderr on a 120x40 pseudo-terminal."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "framepilot.cli", *args], stdin=follower, stdout=follower,
                            stderr=follower, env=env, cwd=PROJECT_ROOT, close_fds=True)
    os.close(follower)
    output, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the terminal closed: the command is done
                    break
                if not chunk:
                    break
                output += chunk
            elif proc.poll() is not None:
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(leader)
    return proc.returncode, output.decode("utf-8", errors="replace")


def screen_lines(output: str) -> list[str]:
    """What a person reads: escape codes removed, every redraw and line on its own."""
    return [line for line in re.split(r"[\r\n]+", ANSI.sub("", output)) if line.strip()]


def json_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.lstrip().startswith("{")]


def only_json(text: str) -> list[dict]:
    """Every non-empty line of `text` parsed as JSON (fails on the first that is not)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def me(db) -> str:
    """An account of one's own (the demo account would print its one-time password first)."""
    return accounts.add_user(db, "me@example.com", "a long enough password").email


@pytest.fixture
def clip(tmp_path) -> Path:
    path = tmp_path / "pitch.mp4"
    path.write_bytes(b"bytes the worker would decode")  # the stand-in worker never reads them
    return path


# --- framepilot analyze ----------------------------------------------------------------


@pytest.mark.slow
def test_analyze_at_a_terminal_shows_a_progress_bar_and_no_json_or_native_noise(me):
    code, output = run_in_terminal(["analyze", str(SAMPLE), "--modes", "scene_director", "--user", me],
                                   cli_env())

    lines = screen_lines(output)
    assert code == 0, output[-3000:]
    bars = [line for line in lines if "━" in line and "%" in line and "ETA" in line]
    assert any("transcribe" in line for line in bars) and any("cinematic" in line for line in bars)
    assert any("100%" in line and "done" in line for line in bars)
    assert json_lines(lines) == []
    assert not [line for line in lines if any(noise in line for noise in NATIVE_NOISE)]
    assert "Transcript: en" in output and "Shots: 5" in output


@pytest.mark.slow
def test_analyze_into_a_pipe_writes_only_json_lines_on_stderr(me):
    proc = subprocess.run(
        [sys.executable, "-m", "framepilot.cli", "analyze", str(SAMPLE), "--modes", "scene_director",
         "--user", me],
        env=cli_env(), capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=600,
    )

    assert proc.returncode == 0, proc.stderr[-3000:]
    events = only_json(proc.stderr)
    assert {"stage.start", "stage.done", "analyse_shots.done"} <= {e["event"] for e in events}
    assert not any(noise in proc.stderr for noise in NATIVE_NOISE)
    assert "━" not in proc.stderr and "Shots: 5" in proc.stdout


# --- framepilot jobs submit --wait -----------------------------------------------------


def play_worker(db, outcome: JobStatus, error: str | None = None, steps: int = 4) -> threading.Thread:
    """Stand in for the worker process: take the next queued job, report progress, end it."""

    def work() -> None:
        deadline = time.monotonic() + 60
        while not (queued := repo.queued_jobs(db)) and time.monotonic() < deadline:
            time.sleep(0.05)
        job = repo.claim_job(db, queued[0].id, "test-worker")
        for step, stage in enumerate(["shots", "transcribe", "cinematic", "direct"][:steps], start=1):
            repo.update_job_progress(db, job.id, stage, 20 * step)
            time.sleep(0.7)  # longer than the follower's poll, so it sees every stage
        repo.finish_job(db, job.id, outcome, error)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def test_wait_exits_0_when_the_job_completes_and_logs_its_progress_as_json(db, me, clip, capsys):
    worker = play_worker(db, JobStatus.COMPLETED)

    code = main(["jobs", "submit", str(clip), "--wait", "--user", me])

    worker.join()
    captured = capsys.readouterr()
    assert code == 0
    progress = [e for e in only_json(captured.err) if e["event"] == "job.progress"]
    assert [e["progress"] for e in progress] == sorted(e["progress"] for e in progress)
    assert {"transcribe", "cinematic"} <= {e["stage"] for e in progress}
    assert progress[-1]["status"] == "completed"
    assert captured.out.strip() == progress[-1]["job_id"]


def test_wait_exits_1_with_the_jobs_error_when_it_fails(db, me, clip, capsys):
    worker = play_worker(db, JobStatus.FAILED, "pitch.mp4 is not a video ffmpeg can read.", steps=1)

    code = main(["jobs", "submit", str(clip), "--wait", "--user", me])

    worker.join()
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines()[-1] == "error: job failed: pitch.mp4 is not a video ffmpeg can read."


def test_wait_exits_1_when_the_job_is_cancelled(db, me, clip, capsys):
    worker = play_worker(db, JobStatus.CANCELLED, "Cancelled by the user.", steps=1)

    code = main(["jobs", "submit", str(clip), "--wait", "--user", me])

    worker.join()
    assert code == 1
    assert "error: job cancelled: Cancelled by the user." in capsys.readouterr().err


def test_without_wait_submit_returns_at_once_with_the_job_id(db, me, clip, capsys):
    assert main(["jobs", "submit", str(clip), "--user", me]) == 0
    (job,) = repo.queued_jobs(db)
    assert capsys.readouterr().out.strip() == job.id


def test_wait_at_a_terminal_shows_the_jobs_stages_on_a_progress_bar(db, me, clip):
    worker = play_worker(db, JobStatus.COMPLETED)

    code, output = run_in_terminal(["jobs", "submit", str(clip), "--wait", "--user", me], cli_env())

    worker.join()
    lines = screen_lines(output)
    bars = [line for line in lines if "━" in line and "ETA" in line]
    assert code == 0, output[-2000:]
    assert {"shots", "transcribe", "cinematic", "direct"} <= {stage for line in bars for stage in line.split()}
    assert "completed" in bars[-1] and "100%" in bars[-1]
    assert json_lines(lines) == []


def test_a_failed_job_at_a_terminal_ends_its_bar_as_failed_not_done(db, me, clip):
    worker = play_worker(db, JobStatus.FAILED, "It broke.", steps=2)

    code, output = run_in_terminal(["jobs", "submit", str(clip), "--wait", "--user", me], cli_env())

    worker.join()
    lines = screen_lines(output)
    bars = [line for line in lines if "━" in line]
    assert code == 1
    assert "failed" in bars[-1] and "40%" in bars[-1] and not any("done" in line for line in bars)
    assert lines[-1] == "error: job failed: It broke."


def test_log_json_keeps_json_lines_and_no_bar_at_a_terminal(db, me, clip):
    worker = play_worker(db, JobStatus.FAILED, "It broke.", steps=2)

    code, output = run_in_terminal(["jobs", "submit", str(clip), "--wait", "--user", me,
                                    "--log-json"], cli_env())

    worker.join()
    lines = screen_lines(output)
    assert code == 1
    assert "━" not in output
    assert {json.loads(line)["event"] for line in json_lines(lines)} == {"job.progress"}
    assert lines[-1] == "error: job failed: It broke."


def test_the_environment_can_ask_for_json_at_a_terminal(db, me, clip):
    worker = play_worker(db, JobStatus.COMPLETED, steps=1)

    code, output = run_in_terminal(["jobs", "submit", str(clip), "--wait", "--user", me],
                                   cli_env(FRAMEPILOT_LOG_FORMAT="json"))

    worker.join()
    assert code == 0 and "━" not in output
    assert json_lines(screen_lines(output))


# --- the log format ----------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_at_a_terminal_info_is_hidden_and_a_warning_is_one_human_line(settings, monkeypatch):
    from framepilot.cli.output import setup_output
    from framepilot.core.logs import get_logger

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    assert setup_output(settings) is True
    get_logger().info("stage.start", stage="shots")
    get_logger().warning("pricing.unknown_model", provider="openai", model="mystery")

    assert terminal.getvalue() == "warning: pricing.unknown_model (provider=openai, model=mystery)\n"


@pytest.mark.parametrize("how", [{"log_json": True}, {"service": True}])
def test_json_is_kept_at_a_terminal_for_log_json_and_for_services(settings, monkeypatch, how):
    from framepilot.cli.output import setup_output
    from framepilot.core.logs import get_logger

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    assert setup_output(settings, **how) is False
    get_logger().info("stage.start", stage="shots")

    assert json.loads(terminal.getvalue())["event"] == "stage.start"
