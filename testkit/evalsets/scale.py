"""Shot-scale accuracy on ../shared/media: every labelled still and every labelled shot of a clip,
on a fixed calibration / held-out split.

A clip's shot runs from its labelled start frame to the next shot start (or the end of the
clip) and is read like the shot analyser reads it: on frames at 25, 50 and 75 % of the shot,
combined with `combine_scale_readings`.

The split is by file, so no held-out shot shares footage with a calibration shot: a file is
held out when the SHA-256 of its path in ground_truth.json (e.g. "stills/shotscale_fs_3.jpg")
is even. The rule was fixed before looking at the split it gives and must not change; the
data-fitted thresholds in framepilot/cinematic/scale.py come from the calibration shots only
(their measurements are printed here, per class). Calibration shots are listed one by one,
held-out shots as totals and a confusion only, so nobody tunes on them by reading the misses.

    .venv/bin/python -m testkit.evalsets.scale
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

import av
import cv2
import numpy as np

from framepilot.cinematic.scale import classify_shot_scale, combine_scale_readings
from framepilot.models import ShotScale

MEDIA = Path(os.environ.get("FRAMEPILOT_SHARED_MEDIA", Path(__file__).resolve().parents[3] / "shared" / "media"))


SPLITS = ("calibration", "held_out")


def split_of(path: str) -> str:
    """The fixed split of a labelled file, by the hash of its path in ground_truth.json."""
    return "held_out" if int(hashlib.sha256(path.encode()).hexdigest(), 16) % 2 == 0 else "calibration"


def _shot_frames(entry: dict) -> dict[int, tuple[list[int], str]]:
    """Labelled start frame -> (frames to read, truth)."""
    starts = sorted(int(s) for s in entry.get("shot_starts_frames", [0]))
    total = entry.get("frames") or int(round(entry["duration_s"] * entry["fps"]))
    wanted = {}
    for key, truth in entry["shot_scales"].items():
        start = int(key)
        end = next((s for s in starts if s > start), total)
        length = end - start
        wanted[start] = ([start + length * q // 4 for q in (1, 2, 3)], truth)
    return wanted


def _decode_frames(path: Path, indices: set[int]) -> dict[int, np.ndarray]:
    frames: dict[int, np.ndarray] = {}
    last = max(indices)
    with av.open(str(path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i in indices:
                frames[i] = frame.to_ndarray(format="bgr24")
            if i >= last:
                break
    return frames


def labelled_images(media_dir: Path):
    """Yield (file, start frame, truth, [BGR images]) for every labelled shot."""
    truth = json.loads((media_dir / "ground_truth.json").read_text())
    for entry in truth["files"]:
        path = media_dir / entry["path"]
        if "shot_scale" in entry:
            yield entry["path"], 0, entry["shot_scale"], [cv2.imread(str(path))]
        elif entry.get("shot_scales"):
            wanted = _shot_frames(entry)
            frames = _decode_frames(path, {f for fs, _ in wanted.values() for f in fs})
            for start, (indices, label) in sorted(wanted.items()):
                images = [frames[i] for i in indices if i in frames]
                if images:
                    yield entry["path"], start, label, images


def _summary(rows: list[dict]) -> dict:
    n = len(rows) or 1
    confusion = {t.value: {p.value: 0 for p in ShotScale} for t in ShotScale}
    for row in rows:
        if row["predicted"]:
            confusion[row["truth"]][row["predicted"]] += 1
    return {
        "shots": len(rows),
        "exact": sum(r["exact"] for r in rows) / n,
        "within_one": sum(r["off_by"] <= 1 for r in rows) / n,
        "confusion": confusion,
    }


def evaluate(media_dir: Path) -> dict:
    """Rows per labelled shot, and exact / within-one accuracy and confusion over all shots
    and per split (`result["splits"]["held_out"]`)."""
    if not (media_dir / "ground_truth.json").exists():
        return {"skipped": f"no shared media at {media_dir}", "rows": []}
    rows = []
    started = time.perf_counter()
    for file, frame, label, images in labelled_images(media_dir):
        reading = combine_scale_readings([classify_shot_scale(image) for image in images])
        truth = ShotScale(label)
        off_by = abs(reading.scale.rank - truth.rank) if reading.scale else len(ShotScale)
        rows.append(
            {
                "file": file, "frame": frame, "split": split_of(file), "truth": truth.value,
                "predicted": reading.scale.value if reading.scale else None,
                "method": reading.method, "exact": off_by == 0, "off_by": off_by,
                "face_size": round(reading.face.size, 3) if reading.face else None,
                "face_below": round(reading.face.below, 2) if reading.face else None,
                "figure": round(reading.body.bottom_y - reading.body.top_y, 2) if reading.body else None,
                "detail": round(reading.detail, 3) if reading.detail is not None else None,
                "focus": round(reading.focus, 3) if reading.focus is not None else None,
                "body": ",".join(reading.body.parts) if reading.body else "",
            }
        )
    return {
        "rows": rows,
        **_summary(rows),
        "splits": {split: _summary([r for r in rows if r["split"] == split]) for split in SPLITS},
        "seconds": round(time.perf_counter() - started, 2),
    }


def _print_confusion(confusion: dict) -> None:
    print("      " + " ".join(f"{p.value:>4s}" for p in ShotScale))
    for t in ShotScale:
        print(f"{t.value:5s} " + " ".join(f"{confusion[t.value][p.value]:4d}" for p in ShotScale))


def _value(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def main() -> None:
    result = evaluate(MEDIA)
    if "skipped" in result:
        print(f"skipped: {result['skipped']}")
        return
    calibration = [r for r in result["rows"] if r["split"] == "calibration"]
    print("calibration shots (the data-fitted thresholds of framepilot/cinematic/scale.py come from these)")
    print(f"{'file':38s} {'frame':>5s} {'truth':5s} {'pred':5s} {'method':8s} {'off':>3s} {'face':>5s} "
          f"{'below':>5s} {'fig':>4s} {'detail':>6s} {'focus':>5s}  body")
    for r in calibration:
        print(f"{r['file']:38s} {r['frame']:5d} {r['truth']:5s} {r['predicted']!s:5s} "
              f"{r['method']:8s} {r['off_by']:3d} {_value(r['face_size'], '.3f'):>5s} "
              f"{_value(r['face_below'], '.2f'):>5s} {_value(r['figure'], '.2f'):>4s} "
              f"{_value(r['detail'], '.3f'):>6s} {_value(r['focus'], '.3f'):>5s}  {r['body']}")
    print()
    for split in SPLITS:
        part = result["splits"][split]
        print(f"{split:11s}: exact {part['exact']:.0%}   within one class {part['within_one']:.0%}   "
              f"({part['shots']} shots)")
    print(f"all        : exact {result['exact']:.0%}   within one class {result['within_one']:.0%}   "
          f"({len(result['rows'])} shots, {result['seconds']} s)")
    held_out_files = sorted({r["file"] for r in result["rows"] if r["split"] == "held_out"})
    print(f"held-out files: {', '.join(held_out_files)}")
    print("\nheld-out confusion (rows truth, columns predicted):")
    _print_confusion(result["splits"]["held_out"]["confusion"])


if __name__ == "__main__":
    main()
    sys.exit(0)
