"""A job cannot hang the worker: ffmpeg's complaints never fill a pipe, every job has a
wall-clock limit scaled to its video, and a job that stops making progress is failed with a
message that says so (issue 19, item 3)."""

from __future__ import annotations

import random
import signal
import struct
import threading
import time
from pathlib import Path

import psutil
import pytest

from framepilot.models import JobStatus, Shot
from framepilot.pipeline.probe import probe_video
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import submit_render
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from jobs.tasks import execute_job
from testkit import media_factory as make
from tests.support.transcripts import spoken, transcript

pytestmark = pytest.mark.timeout(60)

CLIP_S = 20.0


def corrupted_clip(out: Path, seconds: float = CLIP_S) -> Path:
    """A clip whose headers are intact (it probes and uploads) but whose every frame and audio
    packet is scribbled on: ffmpeg logs far more than the 64 KiB a pipe holds while decoding it."""
    make.single_shot_clip(out, seconds=seconds)
    data = bytearray(out.read_bytes())
    at = data.find(b"mdat") - 4
    size = struct.unpack(">I", data[at:at + 4])[0]
    rng = random.Random(7)
    for i in range(at + 64, at + size - 64, 61):
        data[i:i + 6] = rng.randbytes(6)
    out.write_bytes(bytes(data))
    return out


def render_job(db, settings, user, clip: Path, probe_from: Path | None = None) -> str:  # noqa: ANN001
    """A video with a transcript (so it has an edit) and a queued render job of it."""
    video = ingest_path(db, settings, user, clip).video
    repo.save_probe(db, user, video.id, probe_video(probe_from or clip))
    repo.save_transcript(db, user, video.id, transcript(spoken("Three tips for light.", 1.0),
                                                        spoken("First the key.", 12.0)))
    repo.save_shots(db, user, video.id, [Shot(index=0, start_s=0, end_s=CLIP_S, start_frame=0,
                                              end_frame=int(CLIP_S * 25) - 1, transition_in="start")])
    return submit_render(db, settings, user, video.id).job.id


def freeze_ffmpeg_when_it_starts(stop: threading.Event) -> list[int]:
    """SIGSTOP every ffmpeg this process starts (a hung encoder, as a damaged file can make one)."""
    frozen: list[int] = []

    def watch() -> None:
        me = psutil.Process()
        while not stop.is_set():
            for child in me.children(recursive=True):
                try:
                    if "ffmpeg" in child.name() and child.pid not in frozen:
                        child.send_signal(signal.SIGSTOP)
                        frozen.append(child.pid)
                except psutil.NoSuchProcess:
                    pass
            time.sleep(0.02)

    threading.Thread(target=watch, daemon=True).start()
    return frozen


def test_a_corrupted_clip_renders_or_fails_within_its_bound_with_a_clear_message(db, user_a, tmp_path, capsys):
    settings = get_settings()
    job_id = render_job(db, settings, user_a, corrupted_clip(tmp_path / "damaged.mp4"))

    started = time.monotonic()
    status = execute_job(db, settings, job_id)
    took = time.monotonic() - started

    job = repo.get_job(db, user_a, job_id)
    assert took < 30, f"the render took {took:.1f} s"  # before: blocked for good on a full stderr pipe
    assert status == job.status == JobStatus.FAILED
    assert "could not be decoded" in job.error
    assert "[h264" not in job.error and "ffmpeg" not in job.error.lower()  # the detail is for the log
    log = capsys.readouterr()
    assert "render.ffmpeg_failed" in log.out + log.err and "error while decoding" in log.out + log.err


def test_a_render_that_stops_making_progress_is_failed_and_its_ffmpeg_killed(db, user_a, tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_JOB_STALL_S", "2")
    monkeypatch.setenv("FRAMEPILOT_JOB_STALE_AFTER_S", "2")  # a heartbeat every 0.5 s
    get_settings.cache_clear()
    settings = get_settings()
    job_id = render_job(db, settings, user_a, make.single_shot_clip(tmp_path / "talk.mp4", seconds=CLIP_S))
    stop = threading.Event()
    frozen = freeze_ffmpeg_when_it_starts(stop)
    try:
        started = time.monotonic()
        status = execute_job(db, settings, job_id)
        took = time.monotonic() - started
    finally:
        stop.set()

    job = repo.get_job(db, user_a, job_id)
    assert status == job.status == JobStatus.FAILED and frozen
    assert job.error.startswith("This job made no progress for 2 s and was stopped.")
    assert took < 10
    assert not psutil.pid_exists(frozen[0]) or psutil.Process(frozen[0]).status() == psutil.STATUS_ZOMBIE


def test_every_job_has_a_wall_clock_limit_scaled_to_its_video(db, user_a, tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_JOB_TIME_LIMIT_BASE_S", "1")
    monkeypatch.setenv("FRAMEPILOT_JOB_TIME_LIMIT_PER_MEDIA_S", "0.1")  # 1 + 0.1 x 20 s = 3 s
    monkeypatch.setenv("FRAMEPILOT_JOB_STALE_AFTER_S", "2")
    get_settings.cache_clear()
    settings = get_settings()
    job_id = render_job(db, settings, user_a, make.single_shot_clip(tmp_path / "talk.mp4", seconds=CLIP_S))
    stop = threading.Event()
    freeze_ffmpeg_when_it_starts(stop)
    try:
        started = time.monotonic()
        execute_job(db, settings, job_id)
        took = time.monotonic() - started
    finally:
        stop.set()

    job = repo.get_job(db, user_a, job_id)
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("This job ran longer than its limit (3 s for this video)")
    assert 3 <= took < 8
    assert repo.reset_job_for_retry(db, user_a, job_id).status == JobStatus.QUEUED  # and it can be retried
