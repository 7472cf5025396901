"""Jump-cut accuracy of detect_shots on the set built by testkit/evalsets/jumpcuts.py.

A boundary detect_shots marks `jump` matches a true jump cut within +-2 frames (one-to-one);
a true jump cut found but marked `cut` counts as missed, and any boundary that matches no jump
cut is a false one. Scores are given per split: calibration (the clips the thresholds in
framepilot/pipeline/jumps.py were fitted on) and held-out (clips never used for fitting), and
by how much was removed, and by kind of case (see jumpcut_set.py). Continuous footage (the
untouched source clips, and the same played forward then backward) must give no boundary at
all; a boundary there counts as a false positive in F1 too.

Only calibration clips are listed one by one. Held-out clips are reported as totals, so
nobody tunes on them by reading which ones were missed; `--split calibration` scores the
calibration clips (and their untouched sources) alone, for tuning.

    .venv/bin/python -m bench.eval_jumpcuts [work_dir] [--split calibration|held_out]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from framepilot.pipeline.probe import probe_video
from framepilot.pipeline.shots import detect_shots
from testkit.evalsets.jumpcuts import CALIBRATION, HELD_OUT, JumpCase, build
from testkit.evalsets.shots import MEDIA, TOLERANCE, match


def _boundaries(path: Path, work: Path) -> list[tuple[int, str]]:
    detection = detect_shots(path, probe_video(path), work / path.stem)
    return [(s.start_frame, s.transition_in) for s in detection.spans[1:]]


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_case(case: JumpCase, work: Path) -> dict:
    found = _boundaries(Path(case.path), work)
    if case.continuous:
        return {"case": case, "found": found, "tp": 0, "fp": len(found), "fn": 0, "hits": []}
    jumps = [f for f, kind in found if kind == "jump"]
    tp = match(jumps, case.jump_frames, TOLERANCE)
    hits = [any(abs(f - t) <= TOLERANCE for f in jumps) for t in case.jump_frames]
    return {"case": case, "found": found, "tp": tp, "fp": len(found) - tp, "fn": len(case.jump_frames) - tp,
            "hits": hits}


SPLITS = {"calibration": CALIBRATION, "held_out": HELD_OUT}


def evaluate(work: Path, media_dir: Path = MEDIA, splits: tuple[str, ...] = tuple(SPLITS)) -> tuple[list[dict], dict[str, int]]:
    cases = build(work / "clips", media_dir)
    rows = [score_case(case, work) for case in cases if case.split in splits]
    sources = [name for split in splits for name in SPLITS[split]]
    untouched = {name: len(_boundaries(media_dir / "talking" / name, work)) for name in sources}
    return rows, untouched


def report(rows: list[dict], untouched: dict[str, int]) -> None:
    print(f"Jump cuts within +-{TOLERANCE} frames (a jump found as `cut` is a miss)")
    print(f"{'clip':34} {'split':11} {'true':>12} {'found':>24}")
    for r in rows:
        case = r["case"]
        if case.split != "calibration":
            continue  # held-out clips are reported as totals only
        print(f"{Path(case.path).name:34} {case.split:11} {case.jump_frames!s:>12} "
              f"{', '.join(f'{f}{k[0]}' for f, k in r['found']) or '-':>24}")
    for split in SPLITS:
        chosen = [r for r in rows if r["case"].split == split]
        if not chosen:
            continue
        tp, fp, fn = (sum(r[k] for r in chosen) for k in ("tp", "fp", "fn"))
        precision, recall, f1 = _f1(tp, fp, fn)
        print(f"{split:11}: {len(chosen)} clips, TP {tp} FP {fp} FN {fn}  precision {precision:.3f} "
              f"recall {recall:.3f} F1 {f1:.3f}")
    buckets = [(0.3, 0.5), (0.5, 1.0), (1.0, 3.01)]
    for (lo, hi), split in ((b, s) for s in SPLITS for b in buckets):
        found = total = 0
        for r in (r for r in rows if r["case"].split == split):
            case = r["case"]
            for (a, b), hit in zip(case.removed, r["hits"]):
                if lo <= (b - a + 1) / case.fps < hi:
                    total += 1
                    found += hit
        if total:
            print(f"{split:11}: removed {lo:.1f}-{min(hi, 3.0):.1f} s: {found}/{total} found")
    kinds = sorted({r["case"].kind for r in rows})
    for split, kind in ((s, k) for s in SPLITS for k in kinds):
        chosen = [r for r in rows if r["case"].split == split and r["case"].kind == kind]
        if not chosen:
            continue
        tp, fp, fn = (sum(r[k] for r in chosen) for k in ("tp", "fp", "fn"))
        print(f"{split:11}: {kind:15} {len(chosen):2} clips  TP {tp:2} FP {fp:2} FN {fn:2}")
    for split in SPLITS:
        chosen = [r for r in rows if r["case"].split == split and r["case"].continuous]
        if chosen:
            print(f"{split:11}: continuous played forward then backward: {len(chosen)} clips, "
                  f"boundaries on them: {sum(r['fp'] for r in chosen)}")
    false = sum(untouched.values())
    print(f"untouched single-shot clips: {len(untouched)}, boundaries on them: {false}"
          + ("" if not false else f" ({', '.join(f'{k}: {v}' for k, v in untouched.items() if v)})"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.eval_jumpcuts")
    parser.add_argument("work_dir", nargs="?", type=Path)
    parser.add_argument("--split", choices=tuple(SPLITS))
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not (MEDIA / "talking").is_dir():
        print(f"skipped: no shared media at {MEDIA}")
        return 0
    splits = (args.split,) if args.split else tuple(SPLITS)
    if args.work_dir:
        rows, untouched = evaluate(args.work_dir, splits=splits)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows, untouched = evaluate(Path(tmp), splits=splits)
    report(rows, untouched)
    return 0


if __name__ == "__main__":
    sys.exit(main())
