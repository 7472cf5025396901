"""mediapipe's native log lines (absl warnings, TensorFlow Lite's INFO line, protobuf 6's
GetPrototype complaint) never reach stderr, at the file-descriptor level; anything else
written meanwhile still does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from framepilot.core.native_noise import native_noise_filtered, split_noise

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STILL = Path(__file__).resolve().parents[1] / "fixtures" / "grid_talking_head.jpg"
NATIVE_NOISE = ("GetPrototype", "absl::InitializeLog", "inference_feedback_manager",
                "landmark_projection_calculator", "TensorFlow Lite")

# Reads the talking-head still twice (face and pose graphs built, then run) in a fresh process.
READ_SCALE = f"""
import cv2
from framepilot.cinematic.scale import classify_shot_scale
from framepilot.core.logs import configure_logging
from framepilot.settings import get_settings
configure_logging(get_settings().log_level)
image = cv2.imread({str(STILL)!r})
print(classify_shot_scale(image).scale, classify_shot_scale(image).method)
"""


def read_scale_in_a_new_process(**env: str) -> subprocess.CompletedProcess:
    """The child's fd 2 is a pipe of its own, so native writes are captured too."""
    return subprocess.run(
        [sys.executable, "-c", READ_SCALE], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env},
    )


@pytest.mark.slow
def test_reading_a_shot_with_mediapipe_leaves_stderr_empty():
    proc = read_scale_in_a_new_process()

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["MCU", "face"]
    assert proc.stderr == ""


@pytest.mark.slow
def test_at_debug_the_native_lines_are_one_json_event_for_diagnosis():
    proc = read_scale_in_a_new_process(FRAMEPILOT_LOG_LEVEL="DEBUG")

    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stderr.splitlines() if line.strip()]
    native = [line for e in events if e["event"] == "native.stderr" for line in e["lines"]]
    assert any("GetPrototype" in line for line in native)
    assert any("inference_feedback_manager" in line for line in native)


def test_other_output_in_the_block_is_passed_on_unchanged(capfd):
    with native_noise_filtered():
        os.write(2, b"W0000 00:00:1796006273.747305   18501 inference_feedback_manager.cc:114] Feedback\n"
                    b"a real error from a library\n")
        print("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.", file=sys.stderr)
        print("a line of our own", file=sys.stderr)

    err = capfd.readouterr().err
    assert err == "a real error from a library\na line of our own\n"


def test_the_block_restores_stderr_even_when_its_body_fails(capfd):
    before = sys.stderr
    with pytest.raises(RuntimeError), native_noise_filtered():
        os.write(2, b"said before failing\n")
        raise RuntimeError("boom")

    os.write(2, b"after\n")
    assert sys.stderr is before
    assert capfd.readouterr().err == "said before failing\nafter\n"


@pytest.mark.parametrize("line", [
    "W0000 00:00:1796006273.925076   18503 inference_feedback_manager.cc:114] Feedback manager requires",
    "I0000 00:00:1796006273.925076   18503 gl_context.cc:357] GL version: 3.2",
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
    "AttributeError: 'MessageFactory' object has no attribute 'GetPrototype'",
])
def test_known_noise_is_recognised(line):
    assert split_noise(line + "\n") == ("", [line])


@pytest.mark.parametrize("line", [
    "E0000 00:00:1796006273.925076   18503 calculator_graph.cc:887] INVALID_ARGUMENT: graph failed",
    '{"event": "stage.done", "level": "info"}',
    "Traceback (most recent call last):",
])
def test_errors_and_everything_else_pass(line):
    assert split_noise(line + "\n") == (line + "\n", [])


def test_noise_written_straight_after_a_progress_bar_on_the_same_line_is_taken_and_the_bar_kept():
    # rich redraws its bar from another thread with \r and no newline, so the bar and the
    # noise that follows it inside a filtered block share one line of the scratch file
    bar = "\r⠙ talk.mp4 cinematic ━━━━━╺━━━  65% 0:00:06 ETA 0:00:04"
    glog = ("W0000 00:00:1765212345.123456   12345 inference_feedback_manager.cc:114] Feedback manager"
            " requires a model with a single signature inference. Disabling support for feedback tensors.")
    kept, noise = split_noise(f"{bar}{glog}\nan error a person must see\n")

    assert kept == f"{bar}an error a person must see\n"
    assert noise == [glog]
