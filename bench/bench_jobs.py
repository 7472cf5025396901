"""Job queue figures, with a real `framepilot worker` process on a fresh data folder.

- Throughput: 10 short speech clips (about 6 s each, local provider, one director mode)
  submitted at once, with 1 worker thread and with 2; wall time from submit to the last
  completion, measured on an already started worker.
- Queue-to-start latency: `started_at - created_at` for jobs submitted one at a time to an
  idle worker (SQLite queue polling).
- Progress visibility: how long after the worker writes a progress update (its
  `heartbeat_at` stamp) another process sees it in the jobs table (reader polling every 10 ms),
  and the in-process cost of one `JobProgress.update`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import imageio_ffmpeg

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "jobs"
MODELS = ROOT / "bench" / ".cache" / "models"  # joined Whisper model shared by every run
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
LINES = [
    "Here is the one thing nobody tells you about filming yourself at home.",
    "Light your face from the window and keep the camera at eye level.",
    "Start with the result, then explain how you got there in three steps.",
    "Cut every pause longer than a second; your viewers will thank you.",
    "Look into the lens, not at the screen, when you make your main point.",
    "A cheap lavalier microphone beats the best camera microphone every time.",
    "Write the last sentence first, so you always know where the video ends.",
    "Show your hands and the product in one frame before you talk about it.",
    "Film the intro last, when you finally know what the video is about.",
    "End with one clear request: subscribe, comment, or try it yourself today.",
]


def make_clips() -> list[Path]:
    from hibari import Hibari

    CACHE.mkdir(parents=True, exist_ok=True)
    clips = []
    tts = None
    for i, line in enumerate(LINES):
        out = CACHE / f"short{i}.mp4"
        if not out.exists():
            tts = tts or Hibari(threads=2)
            wav = CACHE / f"short{i}.wav"
            tts.save(f"{line} {line}", str(wav))
            subprocess.run(
                [FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-i", str(wav),
                 "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                 str(out)],
                check=True,
            )
        clips.append(out)
    return clips


class Worker:
    def __init__(self, data_dir: Path, workers: int, **env_extra: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEPILOT_")}
        env.update(FRAMEPILOT_DATA_DIR=str(data_dir), FRAMEPILOT_WORKERS=str(workers),
                   FRAMEPILOT_MODELS_CACHE_DIR=str(MODELS),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), **env_extra)
        self.log = data_dir.parent / "worker.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "framepilot.cli", "worker"], cwd=ROOT, env=env,
                                         stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while "worker.started" not in self.log.read_text(errors="replace"):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the worker did not start:\n" + self.log.read_text(errors="replace"))
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _store(data_dir: Path, **overrides: object):  # noqa: ANN202 - (settings, db, user)
    from framepilot.services import accounts
    from framepilot.settings import load_settings
    from framepilot.store import open_database

    settings = load_settings(data_dir=data_dir, models_cache_dir=MODELS, **overrides)
    db = open_database(settings)
    return settings, db, accounts.add_user(db, "bench@example.com", "bench password 123")


def _wait_all(db, user, job_ids: list[str], timeout: float = 900) -> list:  # noqa: ANN001
    from framepilot.store import repository as repo

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = [repo.get_job(db, user, j) for j in job_ids]
        if all(j.status.finished for j in jobs):
            return jobs
        time.sleep(0.05)
    raise TimeoutError("jobs did not finish")


class ProgressWatcher:
    """Polls one job row every 10 ms and records how stale each newly seen update is."""

    def __init__(self, db, user) -> None:  # noqa: ANN001
        self.db, self.user = db, user
        self.lags_ms: list[float] = []
        self.job_ids: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from framepilot.store import repository as repo

        last: dict[str, tuple] = {}
        while not self._stop.wait(0.01):
            for job_id in list(self.job_ids):
                job = repo.get_job(self.db, self.user, job_id)
                key = (job.heartbeat_at, job.progress, job.stage)
                if job.heartbeat_at and job.status == "running" and key != last.get(job_id):
                    last[job_id] = key
                    self.lags_ms.append((datetime.now(timezone.utc) - job.heartbeat_at).total_seconds() * 1000)

    def __enter__(self) -> ProgressWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def throughput(clips: list[Path], workers: int) -> tuple[float, list, list[float]]:
    from framepilot.services.ingest import ingest_path
    from framepilot.services.jobs import submit_analysis

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        settings, db, user = _store(data_dir)
        worker = Worker(data_dir, workers)
        try:
            videos = [ingest_path(db, settings, user, c).video for c in clips]
            with ProgressWatcher(db, user) as watcher:
                started = time.perf_counter()
                jobs = [submit_analysis(db, settings, user, v.id, modes=["scene_director"]).job for v in videos]
                watcher.job_ids = [j.id for j in jobs]
                done = _wait_all(db, user, [j.id for j in jobs])
                wall = time.perf_counter() - started
        finally:
            worker.stop()
        return wall, done, watcher.lags_ms


def idle_latency(clip: Path, rounds: int = 10) -> list[float]:
    """Director-notes jobs on one analysed clip, submitted one at a time to an idle worker."""
    from framepilot.services.ingest import ingest_path
    from framepilot.services.jobs import submit_analysis, submit_director_notes

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        settings, db, user = _store(data_dir)
        worker = Worker(data_dir, 1)
        try:
            video = ingest_path(db, settings, user, clip).video
            (analysed,) = _wait_all(db, user, [submit_analysis(db, settings, user, video.id,
                                                               modes=["scene_director"]).job.id])
            if analysed.status != "completed":
                raise RuntimeError(f"the analysis did not complete: {analysed.error}")
            latencies = []
            for _ in range(rounds):
                time.sleep(1.2)  # let the worker's poll interval back off to its idle maximum
                job = submit_director_notes(db, settings, user, video.id, modes=["scene_director"]).job
                (done,) = _wait_all(db, user, [job.id])
                latencies.append((done.started_at - done.created_at).total_seconds() * 1000)
        finally:
            worker.stop()
        return latencies


def update_cost(n: int = 200) -> list[float]:
    """Milliseconds per `JobProgress.update` (one SQLite write and the cancel check)."""
    from framepilot.models import DirectorNotesParams
    from framepilot.store import repository as repo
    from jobs.progress import JobProgress

    with tempfile.TemporaryDirectory() as tmp:
        _, db, user = _store(Path(tmp) / "data")
        job = repo.create_job(db, user, None, DirectorNotesParams())
        job = repo.claim_job(db, job.id, "bench")
        progress = JobProgress(db, job.id, job.attempts, min_write_interval_s=0, stopping=threading.Event())
        costs = []
        for i in range(n):
            started = time.perf_counter()
            progress.update("transcribe", i % 100)
            costs.append((time.perf_counter() - started) * 1000)
        return costs


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    clips = make_clips()
    print(f"clips: {len(clips)} x ~{_duration(clips[0]):.1f} s, 640x360, speech (hibari), local provider, "
          f"mode scene_director")
    lags: list[float] = []
    for workers in (1, 2):
        wall, done, lag = throughput(clips, workers)
        lags += lag
        ok = sum(1 for j in done if j.status == "completed")
        if ok < len(done):
            raise RuntimeError(f"{len(done) - ok} of {len(done)} jobs did not complete: "
                               f"{next(j.error for j in done if j.status != 'completed')}")
        waits = [(j.started_at - j.created_at).total_seconds() for j in done]
        runs = [(j.finished_at - j.started_at).total_seconds() for j in done]
        print(f"throughput, {workers} worker(s): {ok}/{len(done)} completed in {wall:.1f} s "
              f"= {60 * len(done) / wall:.1f} clips/min; per job run {statistics.median(runs):.2f} s median; "
              f"queue wait median {statistics.median(waits):.1f} s, max {max(waits):.1f} s")
    latency = idle_latency(clips[0])
    print(f"queue-to-start latency, idle worker (SQLite queue): median {statistics.median(latency):.0f} ms, "
          f"max {max(latency):.0f} ms over {len(latency)} jobs")
    print(f"progress update visible to another process: median {statistics.median(lags):.0f} ms, "
          f"p95 {_pct(lags, 0.95):.0f} ms over {len(lags)} updates (reader polls every 10 ms)")
    costs = update_cost()
    print(f"JobProgress.update cost in the worker: median {statistics.median(costs):.2f} ms, "
          f"p95 {_pct(costs, 0.95):.2f} ms")


def _duration(path: Path) -> float:
    import av

    with av.open(str(path)) as container:
        return float(container.duration / 1_000_000)


if __name__ == "__main__":
    main()
