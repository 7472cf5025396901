"""detect_shots speed and memory against the decode floor.

- A generated 60 s 1280x720 30 fps clip with a hard cut every 5 s: wall time of
  detect_shots against a plain `ffmpeg -i clip -f null -` full decode, run alternately.
- Peak memory of detect_shots (the Python process and its ffmpeg) on that clip and on a
  10-minute 1080p clip (the 1080p minute looped ten times by stream copy): memory should
  not grow with the length of the video. Set BENCH_SKIP_LONG=1 to skip the long clip.

Each detection runs in a fresh child process so its peak RSS is its own.

    .venv/bin/python -m bench.bench_shots
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg
import psutil

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SEGMENT_S = 5
SOURCES = [
    "testsrc2=size={size}:rate=30",
    "smptehdbars=size={size}:rate=30,noise=alls=14",
    "testsrc2=size={size}:rate=30,hue=h=140,hflip,negate",
    "color=c=0x305080:size={size}:rate=30,noise=alls=28",
]


def make_clip(width: int, height: int, seconds: int = 60) -> Path:
    """`seconds` of video (30 fps, AAC tone) cycling through distinct sources every 5 s."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"shots_{seconds}s_{height}p.mp4"
    if out.exists():
        return out
    size = f"{width}x{height}"
    segments = seconds // SEGMENT_S
    inputs, labels = [], []
    for i in range(segments):
        source = SOURCES[i % len(SOURCES)].format(size=size)
        inputs += ["-f", "lavfi", "-i", f"{source},trim=duration={SEGMENT_S},setpts=PTS-STARTPTS"]
        labels.append(f"[{i}:v]")
    inputs += ["-f", "lavfi", "-i", f"sine=frequency=300:duration={seconds}"]
    graph = f"{''.join(labels)}concat=n={segments}:v=1:a=0,format=yuv420p[v]"
    partial = out.with_suffix(".part.mp4")
    subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex", graph,
                    "-map", "[v]", "-map", f"{segments}:a", "-c:v", "libx264", "-preset", "veryfast",
                    "-crf", "23", "-c:a", "aac", "-b:a", "96k", str(partial)], check=True)
    os.replace(partial, out)
    return out


def make_long_clip() -> Path:
    """Ten minutes of 1080p: the 1080p minute looped by stream copy (no re-encode)."""
    out = CACHE / "shots_600s_1080p.mp4"
    if not out.exists():
        minute = make_clip(1920, 1080, 60)
        partial = out.with_suffix(".part.mp4")
        subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-y", "-stream_loop", "9", "-i", str(minute),
                        "-c", "copy", str(partial)], check=True)
        os.replace(partial, out)
    return out


def decode_floor(path: Path) -> float:
    started = time.perf_counter()
    subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"], check=True)
    return time.perf_counter() - started


def run_child(path: Path) -> dict:
    """detect_shots in a fresh process; adds the peak RSS (MB) of its whole tree, polled."""
    proc = subprocess.Popen([sys.executable, "-m", "bench.bench_shots", "--child", str(path)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "FRAMEPILOT_LOG_LEVEL": "WARNING"})
    parent = psutil.Process(proc.pid)
    peak = peak_decoder = 0
    while proc.poll() is None:
        try:
            own = parent.memory_info().rss
            decoder = sum(p.memory_info().rss for p in parent.children(recursive=True))
            peak, peak_decoder = max(peak, own + decoder), max(peak_decoder, decoder)
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"child failed on {path.name}")
    report = json.loads(out.strip().splitlines()[-1])
    report["tree_peak_mb"] = round(peak / 2**20, 1)
    report["ffmpeg_peak_mb"] = round(peak_decoder / 2**20, 1)
    return report


def child(path: Path) -> None:
    from framepilot.pipeline.probe import probe_video
    from framepilot.pipeline.shots import detect_shots

    probe = probe_video(path)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        detection = detect_shots(path, probe, Path(tmp))
        seconds = time.perf_counter() - started
        samples_mb = sum(Path(s.path).stat().st_size for s in detection.samples) / 2**20
    print(json.dumps({
        "seconds": round(seconds, 3),
        "decode_seconds": detection.decode_seconds,
        "frames": detection.frame_count,
        "shots": len(detection.spans),
        "samples": len(detection.samples),
        "samples_mb": round(samples_mb, 1),
        "motion_samples": len(detection.motion),
        "python_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "python_after_imports_mb": round(baseline, 1),
    }))


def main() -> None:
    clip = make_clip(1280, 720)
    print(f"clip: {clip.name} (60 s, 1280x720, 30 fps, a cut every {SEGMENT_S} s)")
    floors, runs = [], []
    for _ in range(2):  # alternate, so load from other processes hits both alike
        floors.append(decode_floor(clip))
        runs.append(run_child(clip))
    floor = statistics.median(floors)
    best = min(runs, key=lambda r: r["seconds"])
    print(f"ffmpeg -f null full decode: {' / '.join(f'{f:.2f}' for f in floors)} s")
    print(f"detect_shots:               {' / '.join(str(r['seconds']) for r in runs)} s "
          f"-> {best['seconds'] / floor:.2f}x the decode floor (best run vs median floor)")
    print(f"  {best['frames']} frames, {best['shots']} shots (expected {60 // SEGMENT_S}), "
          f"{best['samples']} samples ({best['samples_mb']} MB of JPEG), {best['motion_samples']} motion samples")
    print(f"  peak RSS: python {best['python_peak_mb']} MB (after imports {best['python_after_imports_mb']} MB), "
          f"ffmpeg {best['ffmpeg_peak_mb']} MB (polled), whole tree {best['tree_peak_mb']} MB")
    if os.environ.get("BENCH_SKIP_LONG"):
        print("10-minute 1080p run skipped (BENCH_SKIP_LONG)")
        return
    long_clip = make_long_clip()
    floor = decode_floor(long_clip)
    report = run_child(long_clip)
    print(f"10-minute 1080p: ffmpeg -f null {floor:.1f} s, detect_shots {report['seconds']:.1f} s "
          f"({report['seconds'] / floor:.2f}x), {report['frames']} frames, {report['shots']} shots")
    print(f"  peak RSS: python {report['python_peak_mb']} MB (after imports {report['python_after_imports_mb']} MB), "
          f"ffmpeg {report['ffmpeg_peak_mb']} MB (polled), whole tree {report['tree_peak_mb']} MB")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
    else:
        main()
