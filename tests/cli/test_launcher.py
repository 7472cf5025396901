"""`make run`: one instance per data folder, and the clean-clone set-up."""

import subprocess
import sys

import pytest

from framepilot.cli.launcher import AlreadyRunning, acquire_run_lock
from tests.support.processes import PROJECT_ROOT


def test_second_run_on_the_same_data_folder_says_so(tmp_path):
    held = acquire_run_lock(tmp_path)
    try:
        with pytest.raises(AlreadyRunning, match="already running"):
            acquire_run_lock(tmp_path)
    finally:
        held.close()
    acquire_run_lock(tmp_path).close()  # free again once the first one stops


def test_second_make_run_process_exits_with_a_message(tmp_path, settings):
    held = acquire_run_lock(settings.data_dir)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "framepilot.cli", "run"],
            env={"PATH": "/usr/bin:/bin", "FRAMEPILOT_DATA_DIR": str(settings.data_dir), "HOME": "/tmp"},
            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60,
        )
    finally:
        held.close()
    assert proc.returncode == 1
    assert "already running" in proc.stderr


def test_clean_clone_has_everything_make_test_needs(tmp_path):
    """A fresh clone (tracked files only) can build its venv and find its tests."""
    if not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("nothing committed yet")
    for needed in ("Makefile", ".ci/run", "pyproject.toml", "requirements.lock", "requirements-nodeps.txt",
                   "app.py", "setup.py", "MANIFEST.in", ".streamlit/config.toml", "framepilot/store/migrations/sqlite/0001_initial.sql",
                   "framepilot/store/migrations/postgres/0001_initial.sql",
                   "framepilot/store/migrations/postgres/policies.sql", "tests/conftest.py"):
        assert needed in tracked, f"{needed} is not committed"
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(PROJECT_ROOT), str(clone)], check=True)
    plan = subprocess.run(["make", "-n", "test"], cwd=clone, capture_output=True, text=True)
    assert plan.returncode == 0, plan.stderr
    assert "-m venv" in plan.stdout and "pip install" in plan.stdout and "pytest" in plan.stdout
