"""`make bench`: run every benchmark and write its output to bench/results/<name>.txt.

Pass names to run a subset: `python -m bench pipeline jobs`.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import sys
import time
from pathlib import Path

BENCHES = ["bench_pipeline", "bench_shots", "bench_cost", "bench_jobs", "bench_analytics", "bench_storage", "bench_api",
           "bench_uploads", "bench_signin", "bench_scaleout", "bench_hardening", "bench_finish"]
RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str]) -> int:
    wanted = [f"bench_{n.removeprefix('bench_')}" for n in argv] or BENCHES
    RESULTS.mkdir(exist_ok=True)
    failed = 0
    for name in wanted:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ImportError as exc:
            print(f"== {name}: not available ({exc})")
            continue
        print(f"== {name}", flush=True)
        buffer = io.StringIO()
        started = time.perf_counter()

        class Tee(io.TextIOBase):
            def write(self, s: str) -> int:
                sys.__stdout__.write(s)
                sys.__stdout__.flush()
                return buffer.write(s)

        try:
            with contextlib.redirect_stdout(Tee()):
                module.main()
        except Exception as exc:  # a failing bench should not hide the others
            failed += 1
            print(f"!! {name} failed: {type(exc).__name__}: {exc}")
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        header = f"# {name} ({stamp}, {time.perf_counter() - started:.1f} s)\n"
        (RESULTS / f"{name}.txt").write_text(header + buffer.getvalue())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
