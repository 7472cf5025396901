"""`framepilot finish VIDEO`: analyse and finish a file in one go, the report printed and written."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import av
import pytest

from tests.finish.conftest import SAMPLE, trimmed
from tests.support.processes import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_finish_analyses_and_finishes_a_file_and_writes_the_mp4_captions_and_report(tmp_path):
    clip = trimmed(SAMPLE, tmp_path / "talk.mp4", 4.0)
    out = tmp_path / "finished" / "talk.mp4"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "FRAMEPILOT_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "framepilot.cli", "finish", str(clip), "--preset", "portrait",
                           "--out", str(out), "--json", str(tmp_path / "report.json")],
                          capture_output=True, text=True, env=env, timeout=280, cwd=tmp_path, check=False)

    assert done.returncode in (0, 2), done.stderr[-2000:]  # 2: a check failed, and the report says which
    with av.open(str(out)) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (1080, 1350)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["schema_version"] == "finish-report/1"
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["loudness"]["passed"] is True and checks["head_and_tail"]["passed"] is True
    assert out.with_suffix(".srt").exists() and out.with_suffix(".vtt").exists()
    assert "loudness" in done.stdout and "Wrote" in done.stdout


def test_finish_refuses_a_missing_file(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "FRAMEPILOT_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "framepilot.cli", "finish", "nope.mp4", "--out", "x.mp4"],
                          capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path, check=False)
    assert done.returncode == 1 and "no such file" in done.stderr
