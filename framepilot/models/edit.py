"""The edit as data: suggested and chosen cuts, and the ranges kept."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from framepilot.models.base import _Model


class CutKind(StrEnum):
    """Why a stretch is suggested for removal. These values are part of the stable JSON."""

    SILENCE = "silence"
    FILLER = "filler"
    FALSE_START = "false_start"
    RETAKE = "retake"
    SLOW_START = "slow_start"
    TAIL = "tail"
    USER = "user"  # the creator's own cut, from the transcript or the timeline


class Cut(_Model):
    """One suggested removal: a range on frame boundaries (between words, with handles), why,
    and the measurement behind it. `enabled` is the user's choice (suggested cuts start on)."""

    id: str = Field(description="Stable for the same transcript: kind and first frame")
    start_s: float
    end_s: float
    start_frame: int
    end_frame: int = Field(description="First frame after the cut (exclusive)")
    kind: CutKind
    reason: str
    evidence: str = Field(description="The measurement behind the cut")
    words: list[str] = Field(default_factory=list, description="The words it removes")
    enabled: bool = True
    suggested: bool = Field(True, description="False for the creator's own cuts (kind user)")

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame


class KeptRange(_Model):
    """A stretch of the original that stays in the edit: frames [start_frame, end_frame)."""

    start_frame: int
    end_frame: int
    start_s: float
    end_s: float

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame


class CutList(_Model):
    """A video's suggested cuts; the edit is the video minus the enabled ones."""

    fps: float
    frame_count: int
    language: str | None = None
    cuts: list[Cut] = Field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps

    def kept_ranges(self) -> list[KeptRange]:
        """What the enabled cuts leave, in order; touching or overlapping cuts act as one."""
        ranges: list[KeptRange] = []
        position = 0
        for cut in sorted((c for c in self.cuts if c.enabled), key=lambda c: c.start_frame):
            if cut.start_frame > position:
                ranges.append(self._range(position, min(cut.start_frame, self.frame_count)))
            position = max(position, cut.end_frame)
        if position < self.frame_count:
            ranges.append(self._range(position, self.frame_count))
        return ranges

    def _range(self, start: int, end: int) -> KeptRange:
        return KeptRange(start_frame=start, end_frame=end, start_s=round(start / self.fps, 4),
                         end_s=round(end / self.fps, 4))

    @property
    def kept_frames(self) -> int:
        return sum(r.frames for r in self.kept_ranges())

    @property
    def kept_duration_s(self) -> float:
        return self.kept_frames / self.fps

