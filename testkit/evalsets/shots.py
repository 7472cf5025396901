"""Shot-boundary accuracy of detect_shots on ../shared/media (cuts/ and talking/ clips).

Hard cuts: a detected "cut" boundary matches a true cut within +-2 frames (one-to-one);
precision, recall and F1 per file and over all files. A "jump" boundary (a jump cut, see
eval_jumpcuts.py) on these clips is a false cut: none of them has one. Single-shot clips
report any boundary at all as a false cut. Gradual transitions are scored apart: a fade-out + fade-in
through black counts as one expected transition, as does a dissolve; a fade-in after a hard
cut to black, or a fade-out at the very end, is part of a shot and expects no boundary (the
rule detect_shots follows; see framepilot/pipeline/transitions.py).

    .venv/bin/python -m testkit.evalsets.shots [media_dir]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from framepilot.pipeline.probe import probe_video
from framepilot.pipeline.shots import detect_shots

MEDIA = Path(os.environ.get("FRAMEPILOT_SHARED_MEDIA", Path(__file__).resolve().parents[3] / "shared" / "media"))
TOLERANCE = 2  # frames
GRADUAL_GAP_S = 2.0  # a fade-in starting this soon after a fade-out ends completes it


def true_cuts(entry: dict) -> list[int]:
    if "hard_cuts_frames" in entry:
        return sorted(entry["hard_cuts_frames"])
    return sorted(f for f in entry.get("shot_starts_frames", [0]) if f > 0)


def expected_gradual(entry: dict) -> list[tuple[int, int]]:
    """Frame ranges where one gradual boundary is expected."""
    gradual = entry.get("gradual_transitions_frames", {})
    fps = entry.get("fps", 25)
    ranges = [tuple(r) for r in gradual.get("dissolve", [])]
    fade_ins = sorted(tuple(r) for r in gradual.get("fade_in", []))
    for out_start, out_end in sorted(tuple(r) for r in gradual.get("fade_out", [])):
        follower = next((r for r in fade_ins if 0 <= r[0] - out_end <= GRADUAL_GAP_S * fps), None)
        if follower is not None:
            ranges.append((out_start, follower[1]))
    return sorted(ranges)


def match(found: list[int], truth: list[int], tolerance: int = TOLERANCE) -> int:
    """True positives: one-to-one pairs closer than `tolerance`, closest first."""
    pairs = sorted((abs(f - t), i, j) for i, f in enumerate(found) for j, t in enumerate(truth)
                   if abs(f - t) <= tolerance)
    used_found, used_truth, hits = set(), set(), 0
    for _distance, i, j in pairs:
        if i not in used_found and j not in used_truth:
            used_found.add(i)
            used_truth.add(j)
            hits += 1
    return hits


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def score_file(entry: dict, media_dir: Path, work: Path) -> dict:
    path = media_dir / entry["path"]
    started = time.perf_counter()
    detection = detect_shots(path, probe_video(path), work / path.stem)
    seconds = time.perf_counter() - started
    cuts = [s.start_frame for s in detection.spans if s.transition_in == "cut"]
    jumps = [s.start_frame for s in detection.spans if s.transition_in == "jump"]
    gradual = [s.start_frame for s in detection.spans if s.transition_in in ("fade", "dissolve")]
    truth = true_cuts(entry)
    tp = match(cuts, truth)
    cuts += jumps  # every jump boundary here is a false one
    expected = expected_gradual(entry)
    gradual_hits = sum(any(a <= f <= b for f in gradual) for a, b in expected)
    stray_gradual = sum(not any(a <= f <= b for a, b in expected) for f in gradual)
    precision, recall = _ratio(tp, len(cuts)), _ratio(tp, len(truth))
    single_shot = not truth and not expected
    return {
        "file": entry["path"],
        "frames": detection.frame_count,
        "true_cuts": truth,
        "found_cuts": cuts,
        "tp": tp,
        "fp": len(cuts) - tp,
        "fn": len(truth) - tp,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "gradual_expected": len(expected),
        "gradual_found": gradual,
        "gradual_hits": gradual_hits,
        "gradual_stray": stray_gradual,
        "single_shot": single_shot,
        "false_cuts_single_shot": len(detection.spans) - 1 if single_shot else 0,
        "seconds": round(seconds, 2),
        "realtime_x": round(detection.frame_count / max(detection.fps, 1e-6) / max(seconds, 1e-6), 1),
    }


def evaluate(media_dir: Path) -> list[dict]:
    """One row per clip with shots in ground_truth.json (cuts/ and talking/)."""
    truth = json.loads((Path(media_dir) / "ground_truth.json").read_text())
    entries = [e for e in truth["files"] if e.get("kind") in ("cuts", "talking")]
    with tempfile.TemporaryDirectory() as tmp:
        return [score_file(entry, Path(media_dir), Path(tmp)) for entry in entries]


def totals(rows: list[dict]) -> dict:
    tp, fp, fn = (sum(r[k] for r in rows) for k in ("tp", "fp", "fn"))
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return {
        "tp": tp, "fp": fp, "fn": fn,
        "precision": round(precision, 3), "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "false_cuts_single_shot": sum(r["false_cuts_single_shot"] for r in rows),
        "single_shot_clips": sum(r["single_shot"] for r in rows),
        "gradual_expected": sum(r["gradual_expected"] for r in rows),
        "gradual_hits": sum(r["gradual_hits"] for r in rows),
        "gradual_stray": sum(r["gradual_stray"] for r in rows),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    media_dir = Path(args[0]) if args else MEDIA
    if not (media_dir / "ground_truth.json").exists():
        print(f"skipped: no shared media at {media_dir}")
        return 0
    rows = evaluate(media_dir)
    print(f"Hard cuts within +-{TOLERANCE} frames; gradual = fades through black and dissolves")
    header = f"{'file':38} {'frames':>6} {'P':>6} {'R':>6} {'F1':>6} {'false':>5} {'gradual':>8} {'s':>5} {'x rt':>5}"
    print(header)
    print("-" * len(header))
    for r in rows:
        gradual = f"{r['gradual_hits']}/{r['gradual_expected']}" + (f"+{r['gradual_stray']}" if r["gradual_stray"] else "")
        false = r["false_cuts_single_shot"] if r["single_shot"] else "-"
        print(f"{r['file']:38} {r['frames']:>6} {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f} "
              f"{false!s:>5} {gradual:>8} {r['seconds']:>5.2f} {r['realtime_x']:>5.1f}")
    t = totals(rows)
    print("-" * len(header))
    print(f"all hard cuts: TP {t['tp']} FP {t['fp']} FN {t['fn']}  precision {t['precision']:.3f} "
          f"recall {t['recall']:.3f} F1 {t['f1']:.3f}")
    print(f"single-shot clips: {t['single_shot_clips']}, false boundaries on them: {t['false_cuts_single_shot']}")
    print(f"gradual transitions: {t['gradual_hits']}/{t['gradual_expected']} found, {t['gradual_stray']} stray")
    return 0


if __name__ == "__main__":
    sys.exit(main())
