"""Full local analysis speed and memory (issue 3's targets).

- A 60 s 1280x720 talking clip, all three modes: wall time vs the clip's duration, and vs
  the sum of a plain ffmpeg full decode and transcription alone, measured in the same run.
- Peak memory (RSS of the whole process tree) on a 10-minute 1080p clip.

Clips are built by looping the project's sample clip (real speech, real faces, real cuts).
Set BENCH_SKIP_LONG=1 to skip the 10-minute run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg
import psutil

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
SAMPLE = ROOT / "framepilot" / "assets" / "sample.mp4"
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def make_clip(seconds: int, width: int, height: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"talking_{seconds}s_{height}p.mp4"
    if not out.exists():
        subprocess.run(
            [FFMPEG, "-v", "error", "-y", "-stream_loop", "-1", "-i", str(SAMPLE), "-t", str(seconds),
             "-vf", f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},fps=30",
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", "-b:a", "96k",
             str(out)],
            check=True,
        )
    return out


def decode_floor(path: Path) -> float:
    started = time.perf_counter()
    subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "null", "-"], check=True)
    return time.perf_counter() - started


def transcription_alone(path: Path) -> float:
    from framepilot.providers.local.transcriber import LocalTranscriber
    from framepilot.settings import load_settings
    from framepilot.usage import CallContext

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "a.wav"
        subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-ac", "1", "-ar", "16000", str(wav)], check=True)
        settings = load_settings(data_dir=ROOT / "bench" / ".cache" / "data")
        transcriber = LocalTranscriber(settings)
        transcriber.transcribe(wav, CallContext())  # warm: model load is not transcription
        started = time.perf_counter()
        transcriber.transcribe(wav, CallContext())
        return time.perf_counter() - started


def run_child(path: Path) -> tuple[dict, float]:
    """Analyse in a fresh process; returns its report and the peak RSS (MB) of its tree."""
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "FRAMEPILOT_DATA_DIR": data, "FRAMEPILOT_LOG_LEVEL": "WARNING",
               "FRAMEPILOT_MAX_DURATION_S": "3600", "FRAMEPILOT_MAX_UPLOAD_MB": "4000"}
        # share the joined whisper model so the child does not rebuild it
        models = ROOT / "bench" / ".cache" / "data" / "models"
        if models.exists():
            os.symlink(models, Path(data) / "models")
        proc = subprocess.Popen([sys.executable, "-m", "bench.bench_pipeline", "--child", str(path)],
                                env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        parent = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)
        out = proc.stdout.read()
        if proc.returncode != 0:
            raise RuntimeError(f"child failed ({proc.returncode})")
        return json.loads(out.strip().splitlines()[-1]), peak / 1e6


def child(path: Path) -> None:
    from framepilot import accounts, service
    from framepilot.settings import get_settings
    from framepilot.store import open_database
    from framepilot.uploads import ingest_path

    settings = get_settings()
    db = open_database(settings)
    user = accounts.add_user(db, "bench@example.com", "bench-password")
    video = ingest_path(db, settings, user, path).video
    started = time.perf_counter()
    result = service.analyse_video(db, settings, user, video.id)
    wall = time.perf_counter() - started
    print(json.dumps({"wall_s": wall, "timings": result.timings, "shots": len(result.shots),
                      "words": len(result.transcript.words), "modes": sorted(result.director)}))


def main() -> None:
    if not SAMPLE.exists():
        print("skipped: framepilot/assets/sample.mp4 is missing")
        return
    clip = make_clip(60, 1280, 720)
    floor = decode_floor(clip)
    asr = transcription_alone(clip)
    report, peak_mb = run_child(clip)
    wall = report["wall_s"]
    print("60 s 1280x720 talking clip, full local analysis, all three modes")
    print(f"  wall time                      {wall:7.2f} s   ({wall / 60:.2f}x clip duration; target <= 0.50x)")
    print(f"  ffmpeg full decode (floor)     {floor:7.2f} s")
    print(f"  transcription alone            {asr:7.2f} s")
    print(f"  wall / (decode + transcribe)   {wall / (floor + asr):7.2f}x   (target <= 2x)")
    print(f"  stage timings                  {json.dumps({k: round(v, 2) for k, v in report['timings'].items()})}")
    print(f"  shots {report['shots']}, words {report['words']}, modes {report['modes']}")
    print(f"  peak RSS (process tree)        {peak_mb:7.0f} MB")
    if os.environ.get("BENCH_SKIP_LONG"):
        return
    long_clip = make_clip(600, 1920, 1080)
    report, peak_mb = run_child(long_clip)
    print("10-minute 1920x1080 clip, full local analysis")
    print(f"  wall time                      {report['wall_s']:7.1f} s")
    print(f"  peak RSS (process tree)        {peak_mb:7.0f} MB   (target <= 1500 MB)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
    else:
        main()
