"""Measuring what a block costs: peak memory and time (tests and benchmarks share it)."""

from __future__ import annotations

import os
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Self

import psutil


def write_random_file(path: Path, size: int) -> Path:
    with open(path, "wb") as out:
        left = size
        while left:
            out.write(os.urandom(min(left, 1024 * 1024)))
            left -= min(left, 1024 * 1024)
    return path


class PeakMemory:
    """Peak RSS growth of a process (this one by default; sampled every 5 ms), Python's heap
    peak in this process, and the time the block took."""

    def __init__(self, pid: int | None = None) -> None:
        self._proc = psutil.Process(pid)

    def __enter__(self) -> Self:
        self.base = self.peak = self._proc.memory_info().rss
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        tracemalloc.start()
        self.started = time.perf_counter()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, self._proc.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
        self.heap_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        self._done.set()
        self._sampler.join()
        self.rss_growth = self.peak - self.base
