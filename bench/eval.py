"""`make eval`: accuracy on ../shared/media (WER, hard-cut and jump-cut F1, shot scale). Skips when absent."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

MEDIA = Path(os.environ.get("FRAMEPILOT_SHARED_MEDIA", Path(__file__).resolve().parents[2] / "shared" / "media"))
EVALS = ["eval_transcribe", "eval_shots", "eval_jumpcuts", "eval_cutlist", "eval_scale"]


def main() -> int:
    if not (MEDIA / "ground_truth.json").exists():
        print(f"skipped: no shared media at {MEDIA}")
        return 0
    for name in EVALS:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ImportError as exc:
            print(f"== {name}: not available ({exc})")
            continue
        print(f"== {name}", flush=True)
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
