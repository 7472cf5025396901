"""Shot-scale accuracy on ../shared/media: every labelled still and every labelled shot of a clip.

A clip's shot runs from its labelled start frame to the next shot start (or the end of the
clip) and is read like the shot analyser reads it: on frames at 25, 50 and 75 % of the shot,
combined with `combine_scale_readings`. Prints one row per shot, the
exact and off-by-at-most-one accuracies, and the confusion (truth rows, predicted columns).
"""

from __future__ import annotations

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

MEDIA = Path(os.environ.get("FRAMEPILOT_SHARED_MEDIA", Path(__file__).resolve().parents[2] / "shared" / "media"))


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


def evaluate(media_dir: Path) -> dict:
    """Rows per labelled shot plus exact / within-one accuracy and the confusion counts."""
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
                "file": file, "frame": frame, "truth": truth.value,
                "predicted": reading.scale.value if reading.scale else None,
                "method": reading.method, "exact": off_by == 0, "off_by": off_by,
                "face_size": round(reading.face.size, 3) if reading.face else None,
                "body": ",".join(reading.body.parts) if reading.body else "",
            }
        )
    n = len(rows) or 1
    confusion = {t.value: {p.value: 0 for p in ShotScale} for t in ShotScale}
    for row in rows:
        if row["predicted"]:
            confusion[row["truth"]][row["predicted"]] += 1
    return {
        "rows": rows,
        "exact": sum(r["exact"] for r in rows) / n,
        "within_one": sum(r["off_by"] <= 1 for r in rows) / n,
        "confusion": confusion,
        "seconds": round(time.perf_counter() - started, 2),
    }


def main() -> None:
    result = evaluate(MEDIA)
    if "skipped" in result:
        print(f"skipped: {result['skipped']}")
        return
    print(f"{'file':38s} {'frame':>5s} {'truth':5s} {'pred':5s} {'method':8s} {'off':>3s} {'face':>5s}  body")
    for r in result["rows"]:
        face = f"{r['face_size']:.3f}" if r["face_size"] is not None else "-"
        print(f"{r['file']:38s} {r['frame']:5d} {r['truth']:5s} {str(r['predicted']):5s} "
              f"{r['method']:8s} {r['off_by']:3d} {face:>5s}  {r['body']}")
    print(f"\nexact: {result['exact']:.0%}   within one class: {result['within_one']:.0%}   "
          f"({len(result['rows'])} shots, {result['seconds']} s)")
    print("\nconfusion (rows truth, columns predicted):")
    print("      " + " ".join(f"{p.value:>4s}" for p in ShotScale))
    for t in ShotScale:
        print(f"{t.value:5s} " + " ".join(f"{result['confusion'][t.value][p.value]:4d}" for p in ShotScale))


if __name__ == "__main__":
    main()
    sys.exit(0)
