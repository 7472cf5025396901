"""Finish time and memory against clip duration, at 720p and 1080p sources, for the vertical preset.

A talking clip (../shared/media/talking/liveportrait_s18.mp4, 1280x720 with a face; testsrc2 when
absent) is looped to 15, 30 and 60 s and scaled to 1280x720 and 1920x1080, plus a 60 s
1080x1920 source (the issue's target: at most 0.5x its duration on 2 cores). Every clip gets a
word every 0.4 s (so captions are burned in), a pause cut every 10 s (so there are joins), and is
finished to 1080x1920 with every fix on. Times are wall clock for the plan (the low-res look and
the loudness passes) and the render (the one ffmpeg graph), and the CPU seconds of both; peak RSS
is this process's and the largest ffmpeg child's (both the highest so far, so they only grow down
the table). "CPU/2 cores" is the CPU time over two cores, what the wall time would be on an idle
2-core machine; on a shared one the wall time is the other number. The review (re-reading the
output) is timed apart with `--review`. `python -m bench finish`, or
`python bench/bench_finish.py [--quick] [--review]`.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from framepilot.edit.cutlist import suggest_cuts
from framepilot.finish.run import plan_finish, render_finish, review_finish
from framepilot.models import FinishOptions, Segment, Shot, Transcript, Word
from framepilot.pipeline.probe import probe_video

SHARED = Path(os.environ.get("FRAMEPILOT_SHARED_MEDIA", ROOT.parent / "shared" / "media"))
if not SHARED.exists():
    SHARED = Path("/work/shared/media")
TALKING = SHARED / "talking" / "liveportrait_s18.mp4"
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "1080x1920": (1080, 1920)}
RUNS = [("720p", 15), ("720p", 60), ("1080p", 15), ("1080p", 60), ("1080x1920", 60)]
QUICK = [("720p", 15), ("1080x1920", 15)]


def make_clip(size: str, seconds: int, out: Path) -> Path:
    w, h = SIZES[size]
    fit = f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}"
    if TALKING.exists():
        args = ["-stream_loop", "-1", "-i", str(TALKING)]
    else:
        args = ["-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate=30", "-f", "lavfi", "-i", "sine=440"]
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", *args, "-t", str(seconds),
                    "-vf", fit, "-r", "30", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-c:a", "aac",
                    str(out)], check=True)
    return out


def talk(seconds: float) -> Transcript:
    """A word every 0.4 s, with a 1.2 s pause every 10 s (which the cut list cuts)."""
    words, t, n = [], 0.3, 0
    while t < seconds - 1.0:
        words.append(Word(word=f" word{n % 7}{'.' if n % 8 == 7 else ''}", start=round(t, 2), end=round(t + 0.3, 2)))
        n += 1
        t += 1.6 if n % 25 == 0 else 0.4
    text = "".join(w.word for w in words)
    return Transcript(language="en", text=text, segments=[Segment(start=words[0].start, end=words[-1].end,
                                                                  text=text, words=words)])


def run(size: str, seconds: int, folder: Path, review: bool) -> str:
    clip = make_clip(size, seconds, folder / f"{size}_{seconds}.mp4")
    probe = probe_video(clip)
    shots = [Shot(index=0, start_s=0, end_s=probe.duration_s, start_frame=0, end_frame=probe.frame_count - 1,
                  transition_in="start")]
    words = talk(probe.duration_s)
    cut_list = suggest_cuts(words, probe.fps, probe.frame_count)
    cpu0 = os.times()
    started = time.perf_counter()
    plan, before = plan_finish(clip, probe, cut_list, words, shots, FinishOptions(), folder / "work")
    planned = time.perf_counter()
    files = render_finish(plan, clip, folder / "out.mp4", folder / "work")
    rendered = time.perf_counter()
    cpu1 = os.times()
    if review:
        review_finish(plan, Path(files.video), before)
    reviewed = time.perf_counter()
    cpu = (cpu1.user + cpu1.system + cpu1.children_user + cpu1.children_system
           - cpu0.user - cpu0.system - cpu0.children_user - cpu0.children_system)
    total = rendered - started
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    review_s = f"{reviewed - rendered:5.1f}" if review else "-"
    return (f"| {size} | {plan.duration_s:5.1f} | {planned - started:5.1f} | {rendered - planned:5.1f} | "
            f"{total:5.1f} | {total / plan.duration_s:4.2f}x | {cpu:5.1f} | {cpu / 2 / plan.duration_s:4.2f}x | "
            f"{review_s} | {self_mb:4.0f} | {child_mb:4.0f} |")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    runs = QUICK if "--quick" in argv else RUNS
    print(f"load average at start: {os.getloadavg()}; {os.cpu_count()} cores; "
          f"source: {'liveportrait_s18 looped' if TALKING.exists() else 'testsrc2'}")
    review = "--review" in argv
    print("| source | finished s | plan s | render s | finish s | wall x duration | CPU s | CPU/2 cores x duration "
          "| review s | peak RSS py MB | peak RSS ffmpeg MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size, seconds in runs:
            folder = Path(tmp) / f"{size}_{seconds}"
            folder.mkdir()
            print(run(size, seconds, folder, review), flush=True)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
