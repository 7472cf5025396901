"""The worker as users meet it: a real `framepilot worker` process on a temporary data
folder, real SQLite, real clips (generated with ffmpeg and hibari speech), the local models.

What must hold: progress rises to completed; a SIGKILL mid-transcription is recovered on
restart without paying for transcription twice; cancel stops a running job within
seconds; a failing job fails alone with its message; SIGTERM hands running work back to
the queue; twenty jobs on two workers all run exactly once.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import imageio_ffmpeg
import psutil
import pytest

from framepilot.models import JobStatus, VideoStatus
from framepilot.services.ingest import ingest_path
from framepilot.services.jobs import cancel_job, submit_analysis
from framepilot.store import repository as repo
from tests.support.processes import WorkerProcess, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SCRIPT = (
    "Welcome to the studio. Today I want to show you how we plan a short video, from the first idea "
    "to the final cut. We start with the hook, because the first three seconds decide whether anyone "
    "keeps watching. Then we explain the problem, show the solution, and finish with one clear call "
    "to action. Keep every sentence short and look straight into the lens."
)


# --- media -----------------------------------------------------------------------------


def make_clip(out: Path, *, seconds: float, audio: Path | None = None, tone_hz: int = 440,
              pattern: str = "testsrc2") -> Path:
    """A small H.264+AAC clip: a test pattern with speech (`audio`) or a sine tone."""
    sound = ["-i", str(audio)] if audio else ["-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate=16000"]
    subprocess.run(
        [FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", f"{pattern}=size=320x240:rate=15", *sound,
         "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "64k", "-shortest", str(out)],
        check=True,
    )
    return out


@pytest.fixture(scope="module")
def speech_clip(tmp_path_factory) -> Path:
    """About 23 s of synthetic speech over a moving test pattern."""
    from hibari import Hibari

    folder = tmp_path_factory.mktemp("speech")
    wav = folder / "speech.wav"
    Hibari(threads=2).save(SCRIPT, str(wav))
    return make_clip(folder / "talk.mp4", seconds=30, audio=wav)


# --- a real worker process ---------------------------------------------------------------


@pytest.fixture
def workers(settings, tmp_path):
    """Start worker processes on this test's data folder; all are stopped afterwards."""
    started: list[WorkerProcess] = []

    def start(**env: str) -> WorkerProcess:
        worker = WorkerProcess(settings.data_dir, tmp_path / f"worker{len(started)}.log", **env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def finished(db, user, job_id: str):  # noqa: ANN001, ANN201
    job = repo.get_job(db, user, job_id)
    return job if job.status.finished else None


def ok_transcribe_calls(db, user, video_id: str) -> list:  # noqa: ANN001
    return [c for c in repo.list_llm_calls(db, user, video_id=video_id)
            if c.operation == "transcribe" and c.status == "ok"]


# --- behaviour -----------------------------------------------------------------------------


def test_a_submitted_clip_is_analysed_with_progress_rising_to_completed(db, settings, user_a, speech_clip, workers):
    workers()
    video = ingest_path(db, settings, user_a, speech_clip).video
    job = submit_analysis(db, settings, user_a, video.id, modes=["scene_director"]).job

    seen: list[tuple[str, str | None, int]] = []

    def observe():  # noqa: ANN202
        current = repo.get_job(db, user_a, job.id)
        seen.append((current.status.value, current.stage, current.progress))
        return current if current.status.finished else None

    done = wait_for(observe, 120, "the analysis to finish")

    assert done.status == JobStatus.COMPLETED, done.error
    assert (done.progress, done.attempts) == (100, 1)
    assert done.started_at and done.finished_at and done.finished_at >= done.started_at
    progress = [p for status, _, p in seen if status == "running"]
    assert progress == sorted(progress) and len(set(progress)) >= 4, seen
    stages = {stage for status, stage, _ in seen if status == "running"}
    assert {"shots", "transcribe"} <= stages, stages
    transcript = repo.get_transcript(db, user_a, video.id)
    assert "studio" in transcript.text.lower()
    assert repo.get_video(db, user_a, video.id).status == VideoStatus.READY


def test_a_worker_killed_mid_transcription_resumes_on_restart_without_paying_twice(
        db, settings, user_a, speech_clip, workers):
    first = workers()
    video = ingest_path(db, settings, user_a, speech_clip).video
    job = submit_analysis(db, settings, user_a, video.id, modes=["scene_director"]).job
    wait_for(lambda: repo.get_job(db, user_a, job.id).stage == "transcribe", 90, "the transcribe stage",
             interval=0.02)
    children = psutil.Process(first.proc.pid).children(recursive=True)

    first.signal(signal.SIGKILL)
    first.wait(10)

    assert repo.get_job(db, user_a, job.id).status == JobStatus.RUNNING  # nobody told the table
    _, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, f"children outlived the killed worker: {alive}"
    second = workers()
    done = wait_for(lambda: finished(db, user_a, job.id), 120, "the resumed job")
    assert done.status == JobStatus.COMPLETED, done.error
    assert done.attempts == 2
    assert len(ok_transcribe_calls(db, user_a, video.id)) == 1
    events = second.events()
    skipped = {e.get("stage") for e in events if e.get("event") == "stage.skipped"}
    assert {"probe", "audio", "shots"} <= skipped, skipped  # resumed from the stored stages
    assert any(e.get("event") == "job.requeued" and e.get("job_id") == job.id for e in events)


def test_cancelling_during_a_long_stage_stops_the_job_within_seconds(db, settings, user_a, speech_clip, workers):
    workers()
    video = ingest_path(db, settings, user_a, speech_clip).video
    job = submit_analysis(db, settings, user_a, video.id, modes=["scene_director"]).job
    wait_for(lambda: repo.get_job(db, user_a, job.id).stage == "transcribe", 90, "the transcribe stage",
             interval=0.02)

    asked = time.monotonic()
    cancel_job(db, user_a, job.id)
    done = wait_for(lambda: finished(db, user_a, job.id), 15, "the cancel to take effect")
    took = time.monotonic() - asked

    assert done.status == JobStatus.CANCELLED
    assert took < 5, f"cancel took {took:.1f} s"
    assert "transcribe" not in repo.completed_stages(db, user_a, video.id)  # no half-stored stage
    assert repo.get_video(db, user_a, video.id).status == VideoStatus.UPLOADED


def test_a_job_whose_stage_raises_fails_with_its_message_and_the_job_beside_it_completes(
        db, settings, user_a, tmp_path, workers):
    corrupt = tmp_path / "holiday.mp4"
    corrupt.write_text("this is a text file, not a video\n" * 50)
    good = make_clip(tmp_path / "good.mp4", seconds=2)
    bad_video = ingest_path(db, settings, user_a, corrupt).video
    good_video = ingest_path(db, settings, user_a, good).video
    bad = submit_analysis(db, settings, user_a, bad_video.id, modes=[]).job
    fine = submit_analysis(db, settings, user_a, good_video.id, modes=[]).job
    workers()

    bad_done = wait_for(lambda: finished(db, user_a, bad.id), 90, "the corrupt upload's job")
    fine_done = wait_for(lambda: finished(db, user_a, fine.id), 90, "the good clip's job")

    assert bad_done.status == JobStatus.FAILED
    assert bad_done.error and "unexpectedly" not in bad_done.error  # the probe's own explanation
    assert repo.get_video(db, user_a, bad_video.id).error == bad_done.error
    assert fine_done.status == JobStatus.COMPLETED, fine_done.error


def test_sigterm_puts_the_running_job_back_in_the_queue_and_the_next_start_resumes_it(
        db, settings, user_a, speech_clip, workers):
    first = workers()
    video = ingest_path(db, settings, user_a, speech_clip).video
    job = submit_analysis(db, settings, user_a, video.id, modes=["scene_director"]).job
    wait_for(lambda: repo.get_job(db, user_a, job.id).stage == "transcribe", 90, "the transcribe stage",
             interval=0.02)

    asked = time.monotonic()
    first.signal(signal.SIGTERM)
    code = first.wait(15)
    took = time.monotonic() - asked

    assert code == 0 and took < 10, f"exit {code} after {took:.1f} s"
    paused = repo.get_job(db, user_a, job.id)
    assert paused.status == JobStatus.QUEUED and paused.error is None
    workers()
    done = wait_for(lambda: finished(db, user_a, job.id), 120, "the resumed job")
    assert done.status == JobStatus.COMPLETED, done.error
    assert len(ok_transcribe_calls(db, user_a, video.id)) == 1


def test_twenty_jobs_on_two_workers_all_complete_and_none_runs_twice(db, settings, user_a, tmp_path, workers):
    videos = [
        ingest_path(db, settings, user_a, make_clip(tmp_path / f"tiny{i}.mp4", seconds=1, tone_hz=300 + 37 * i)).video
        for i in range(20)
    ]
    jobs = [submit_analysis(db, settings, user_a, v.id, modes=[]).job for v in videos]
    assert len({j.id for j in jobs}) == 20
    workers(FRAMEPILOT_WORKERS="2")

    done = [wait_for(lambda j=j: finished(db, user_a, j.id), 180, f"job {j.id}") for j in jobs]

    assert [d.status for d in done] == [JobStatus.COMPLETED] * 20, [d.error for d in done]
    assert [d.attempts for d in done] == [1] * 20
    for video in videos:
        assert len(ok_transcribe_calls(db, user_a, video.id)) == 1
    assert len(repo.list_jobs(db, user_a, limit=100)) == 20
