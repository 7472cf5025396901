"""`make eval`: accuracy on ../shared/media (WER, hard-cut and jump-cut F1, shot scale). Skips when absent."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

MEDIA = Path(os.environ.get("FRAMEPILOT_SHARED_MEDIA", Path(__file__).resolve().parents[2] / "shared" / "media"))
# The labelled sets that the tests also check live in testkit.evalsets; bench-only ones here.
EVALS = ["testkit.evalsets.transcribe", "testkit.evalsets.shots", "bench.eval_jumpcuts", "bench.eval_cutlist",
         "testkit.evalsets.scale"]


def main() -> int:
    if not (MEDIA / "ground_truth.json").exists():
        print(f"skipped: no shared media at {MEDIA}")
        return 0
    for name in EVALS:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            print(f"== {name}: not available ({exc})")
            continue
        print(f"== {name}", flush=True)
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
