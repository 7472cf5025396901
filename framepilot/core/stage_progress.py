"""Stage-weighted progress: turns "stage X is 40% done" into one 0-100 figure.

The callback receives (stage, percent). It may raise `Cancelled` to stop the work at a
safe point; the job layer does that when a user cancels.

Two stages may run at once on different threads (the video pass beside the speech pass):
updates are serialised, the stage named to the callback is the first running one in stage
order (so the name changes only when a stage ends, not on every alternate update), and
`abort()` makes every later update raise `Cancelled`, so one failing pass stops the other
at its next safe point.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from framepilot.errors import FramePilotError
from framepilot.models import Stage

ProgressFn = Callable[[str, int], None]

STAGE_WEIGHTS: dict[Stage, float] = {
    Stage.PROBE: 2,
    Stage.AUDIO: 3,
    Stage.SHOTS: 25,
    Stage.TRANSCRIBE: 30,
    Stage.CINEMATIC: 20,
    Stage.DIRECT: 12,
    Stage.VOICE: 8,
    Stage.RENDER: 10,
    Stage.FINISH: 10,
}


class OverLimit(FramePilotError):
    """The job's watchdog stopped the work: over its time limit, or no progress for too long."""

    user_facing = True


class Cancelled(Exception):
    """The user cancelled; work stops at the next safe point."""


class ProgressTracker:
    def __init__(self, stages: Iterable[Stage], callback: ProgressFn | None) -> None:
        self._stages = list(stages)
        total = sum(STAGE_WEIGHTS[s] for s in self._stages) or 1.0
        self._share = {s: STAGE_WEIGHTS[s] / total for s in self._stages}
        self._done: dict[Stage, float] = {s: 0.0 for s in self._stages}
        self._callback = callback
        self._running: set[Stage] = set()
        self._lock = threading.RLock()
        self._aborted = False

    @property
    def percent(self) -> int:
        return int(round(100 * sum(self._share[s] * f for s, f in self._done.items())))

    def update(self, stage: Stage, fraction: float) -> None:
        with self._lock:
            if self._aborted:
                raise Cancelled("Stopped: another part of this analysis failed.")
            if stage not in self._done:
                return
            self._done[stage] = max(self._done[stage], min(max(fraction, 0.0), 1.0))
            shown = min(self._running, key=self._stages.index) if self._running else stage
            if self._callback is not None:
                self._callback(shown.value,
                               min(self.percent, 99 if fraction < 1 or stage != self._stages[-1] else 100))

    def start(self, stage: Stage) -> None:
        with self._lock:
            if stage in self._done:
                self._running.add(stage)
            self.update(stage, 0.0)

    def finish(self, stage: Stage) -> None:
        with self._lock:
            self._running.discard(stage)
            self.update(stage, 1.0)

    def abort(self) -> None:
        """Make every later update raise `Cancelled` (a pass running beside a failed one stops)."""
        with self._lock:
            self._aborted = True

    def within(self, stage: Stage) -> Callable[[float], None]:
        """A fraction-only callback for one stage, for functions that report their own progress."""
        return lambda fraction: self.update(stage, fraction)
