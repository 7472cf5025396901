"""Structured logs: JSON lines with bound context, stage durations, and no secrets or user content."""

import io
import json

import pytest

from framepilot.core.logs import configure_logging, get_logger, log_stage


@pytest.fixture(autouse=True)
def _restore_logging():
    yield
    configure_logging("INFO")


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_events_are_json_with_bound_context_and_stage_duration():
    out = io.StringIO()
    configure_logging("INFO", stream=out)
    log = get_logger(user_id=7, video_id="v1", job_id="j1")
    with log_stage(log, "transcribe"):
        pass
    events = _lines(out)
    done = [e for e in events if e["event"] == "stage.done"][0]
    assert done["user_id"] == 7 and done["video_id"] == "v1" and done["job_id"] == "j1"
    assert done["stage"] == "transcribe"
    assert done["duration_ms"] >= 0
    assert done["level"] == "info"


def test_secrets_and_user_content_never_reach_info_logs():
    out = io.StringIO()
    configure_logging("INFO", stream=out)
    log = get_logger()
    log.info("upload.received", filename="my-ex-wife-rant.mp4", size=10)
    log.info("transcribed", transcript="I hate my boss", api_key="sk-abcdefghijklmnop123")
    log.warning("openai.failed", detail="header Authorization: Bearer sk-abcdefghijklmnop123 rejected")
    text = out.getvalue()
    assert "my-ex-wife-rant" not in text
    assert "I hate my boss" not in text
    assert "sk-abcdefghijklmnop123" not in text
    assert text.count("[redacted]") >= 3
    assert _lines(out)[0]["size"] == 10


def test_debug_level_is_where_content_may_appear():
    out = io.StringIO()
    configure_logging("DEBUG", stream=out)
    get_logger().debug("segment", text="hello there")
    assert "hello there" in out.getvalue()


def test_human_lines_are_short_and_still_redacted():
    out = io.StringIO()
    configure_logging("WARNING", stream=out, human=True)
    log = get_logger(user_id=7, video_id="v1", component="shot_analyser")
    log.info("stage.start", stage="shots")
    log.warning("analyse_shots.loudness_unavailable", error_type="LoudnessError", filename="my-rant.mp4")

    assert out.getvalue() == (
        "warning: analyse_shots.loudness_unavailable (error_type=LoudnessError, filename=[redacted])\n"
    )


def test_records_of_the_standard_logging_module_are_json_too():
    import logging

    out = io.StringIO()
    configure_logging("INFO", stream=out)
    # (not faster_whisper's logger: loading the model quiets it to WARNING for the process)
    logging.getLogger("huey.consumer").info("Processing audio with duration %s", "00:09.000")

    (event,) = _lines(out)
    assert event["event"] == "Processing audio with duration 00:09.000"
    assert event["logger"] == "huey.consumer" and event["level"] == "info" and "timestamp" in event
