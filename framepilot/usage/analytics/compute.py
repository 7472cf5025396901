"""What the AI calls cost in machine time: compute seconds per model, stage, day and video,
and the audio they processed. On the local provider this is the cost that matters.

`compute_seconds` is the CPU time of the process during the call (whisper's two threads
count twice); `latency_ms` is its wall time. Built from sums that `queries.cost_report`
already reads (the daily rollup, and the store's top videos), so it adds no query of its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from framepilot.usage.analytics.duck import DailySeries, Result, VideoTotals
from framepilot.usage.analytics.steps import stage_label


class VideoCompute(Result):
    video_id: str
    calls: int
    compute_seconds: float
    audio_minutes: float


class ComputeReport(Result):
    compute_seconds: float = 0.0
    wall_seconds: float = 0.0
    audio_minutes: float = 0.0
    videos: int = 0
    by_model: dict[str, float] = {}
    by_stage: dict[str, float] = {}
    per_day: DailySeries = DailySeries(days=[], series={})
    top_videos: list[VideoCompute] = []

    @property
    def empty(self) -> bool:
        return self.compute_seconds <= 0


def _positive_descending(totals: Mapping[str, float]) -> dict[str, float]:
    return dict(sorted(((k, v) for k, v in totals.items() if v > 0), key=lambda kv: (-kv[1], kv[0])))


def compute_report(*, compute_seconds: float, wall_seconds: float, audio_minutes: float,
                   by_model: Mapping[str, float], per_day_by_operation: DailySeries,
                   videos: Mapping[str, VideoTotals], video_count: int, video_limit: int = 15) -> ComputeReport:
    """`videos` holds at least the `video_limit` heaviest in compute; `video_count` is how many had calls."""
    per_day = per_day_by_operation.relabelled(stage_label)
    heaviest = sorted(((v, t) for v, t in videos.items() if t.compute_seconds > 0),
                      key=lambda vt: (-vt[1].compute_seconds, vt[0]))
    return ComputeReport(
        compute_seconds=compute_seconds, wall_seconds=wall_seconds, audio_minutes=audio_minutes,
        videos=video_count, by_model=_positive_descending(by_model),
        by_stage=_positive_descending({stage: sum(values) for stage, values in per_day.series.items()}),
        per_day=per_day,
        top_videos=[VideoCompute(video_id=v, calls=t.calls, compute_seconds=t.compute_seconds,
                                 audio_minutes=t.audio_seconds / 60) for v, t in heaviest[:video_limit]],
    )
