"""The worker's scratch disk fills up during a job: the job fails with a message that says so,
leaves no half-written files, and completes when retried after space is freed (issue 19,
faults survived). The disk is a small tmpfs mounted over the work folder (needs root)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from framepilot.models import JobStatus, VideoStatus
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import submit_analysis
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from jobs.tasks import execute_job
from testkit import media_factory as make

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

DISK = "8m"


@pytest.fixture
def small_work_disk(settings) -> Iterator[Path]:
    """An 8 MB tmpfs as the worker's work folder, filled until almost nothing is free."""
    work = settings.work_dir
    work.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK},mode=0700", "tmpfs", str(work)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield work
    finally:
        subprocess.run(["umount", "-l", str(work)], capture_output=True)


def fill(disk: Path, leave_bytes: int) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    import os
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(filler, "r+b") as out:
        out.truncate(max(0, filler.stat().st_size - (leave_bytes - free)))
    return filler


def test_a_full_scratch_disk_fails_the_job_clearly_and_a_retry_completes(small_work_disk, db, user_a, tmp_path):
    settings = get_settings()
    clip = make.single_shot_clip(tmp_path / "talk.mp4", seconds=10.0, size="160x120")
    video = ingest_path(db, settings, user_a, clip).video
    job = submit_analysis(db, settings, user_a, video.id, modes=[]).job
    filler = fill(small_work_disk, leave_bytes=48 * 1024)  # less than the 16 kHz audio of 10 s

    assert execute_job(db, settings, job.id) == JobStatus.FAILED

    failed = repo.get_job(db, user_a, job.id)

    assert failed.error.startswith("The worker ran out of disk space") and "retry" in failed.error
    assert repo.get_video(db, user_a, video.id).status == VideoStatus.FAILED
    assert [p.name for p in small_work_disk.iterdir()] == ["filler"]  # the job's half-written files are gone
    assert [c for c in repo.list_llm_calls(db, user_a) if c.status == "ok"] == []  # nothing charged

    filler.unlink()
    repo.reset_job_for_retry(db, user_a, job.id)
    assert execute_job(db, settings, job.id) == JobStatus.COMPLETED
    assert repo.get_video(db, user_a, video.id).status == VideoStatus.READY
    assert [c.operation for c in repo.list_llm_calls(db, user_a) if c.status == "ok"].count("transcribe") == 1
