"""The child processes (ffmpeg) a job has running, so that whoever stops the job can stop them.

A job's work runs in one thread, deep inside the pipeline; the job's watchdog runs in another.
The pipeline registers each long-running child with `tracked(proc)`; the worker wraps the
job in `watched(group)`, and the watchdog calls `group.kill_all()` when the job is over its
time limit or has stopped making progress. Outside a job, `tracked` does nothing.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class ChildGroup:
    """The running children of one job."""

    def __init__(self) -> None:
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self.stopped = False

    def add(self, proc: subprocess.Popen) -> None:
        with self._lock:
            if self.stopped:  # the job was stopped before this child started
                proc.kill()
            self._procs.add(proc)

    def discard(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.discard(proc)

    def kill_all(self) -> int:
        """Kill every child still running, and any started from now on; returns how many."""
        with self._lock:
            self.stopped = True
            running = [p for p in self._procs if p.poll() is None]
            for proc in running:
                proc.kill()
        return len(running)


_current: ContextVar[ChildGroup | None] = ContextVar("framepilot_child_group", default=None)


@contextmanager
def watched(group: ChildGroup) -> Iterator[ChildGroup]:
    """Children started by `tracked` inside this block (same thread) belong to `group`."""
    token = _current.set(group)
    try:
        yield group
    finally:
        _current.reset(token)


@contextmanager
def tracked(proc: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """Register a started child with the current job's group for as long as it runs."""
    group = _current.get()
    if group is not None:
        group.add(proc)
    try:
        yield proc
    finally:
        if group is not None:
            group.discard(proc)
