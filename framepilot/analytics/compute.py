"""What the AI calls cost in machine time: compute seconds per model, stage, day and video,
and the audio they processed. On the local provider this is the cost that matters.

`compute_seconds` is the CPU time of the process during the call (whisper's two threads
count twice); `latency_ms` is its wall time.
"""

from __future__ import annotations

import pyarrow as pa

from framepilot.analytics.duck import DailySeries, Result, daily_series, run_sql
from framepilot.analytics.steps import stage_label


class VideoCompute(Result):
    video_id: str
    calls: int
    compute_seconds: float
    audio_minutes: float


class ComputeReport(Result):
    calls: int = 0
    compute_seconds: float = 0.0
    wall_seconds: float = 0.0
    audio_minutes: float = 0.0
    characters: int = 0
    videos: int = 0
    by_model: dict[str, float] = {}
    by_stage: dict[str, float] = {}
    per_day: DailySeries = DailySeries(days=[], series={})
    top_videos: list[VideoCompute] = []

    @property
    def empty(self) -> bool:
        return self.compute_seconds <= 0


_TOTALS_SQL = """
SELECT count(*), coalesce(sum(compute_seconds), 0), coalesce(sum(latency_ms), 0) / 1000.0,
       coalesce(sum(audio_seconds), 0) / 60.0, coalesce(sum(characters), 0), count(DISTINCT video_id)
FROM calls
"""
_BY_SQL = "SELECT CAST({column} AS VARCHAR), sum(compute_seconds) FROM calls GROUP BY ALL"
_VIDEOS_SQL = """
SELECT CAST(video_id AS VARCHAR), count(*), sum(compute_seconds) AS seconds, sum(audio_seconds) / 60.0
FROM calls WHERE video_id IS NOT NULL GROUP BY ALL HAVING seconds > 0 ORDER BY seconds DESC, 1 LIMIT {limit:d}
"""


def _summed_by(calls: pa.Table, column: str, label=lambda key: key) -> dict[str, float]:  # noqa: ANN001
    totals: dict[str, float] = {}
    for key, seconds in run_sql(calls, _BY_SQL.format(column=column)):
        totals[label(key)] = totals.get(label(key), 0.0) + (seconds or 0.0)
    return dict(sorted(((k, v) for k, v in totals.items() if v > 0), key=lambda kv: (-kv[1], kv[0])))


def compute_report(calls: pa.Table, video_limit: int = 15) -> ComputeReport:
    """Compute over an already-scoped table (`queries.scoped_calls`)."""
    count, seconds, wall, audio, characters, videos = run_sql(calls, _TOTALS_SQL)[0]
    return ComputeReport(
        calls=count, compute_seconds=seconds, wall_seconds=wall, audio_minutes=audio,
        characters=characters, videos=videos,
        by_model=_summed_by(calls, "model"),
        by_stage=_summed_by(calls, "operation", stage_label),
        per_day=daily_series(calls, "operation", "compute_seconds", stage_label),
        top_videos=[VideoCompute(video_id=v, calls=n, compute_seconds=s, audio_minutes=a)
                    for v, n, s, a in run_sql(calls, _VIDEOS_SQL.format(limit=int(video_limit)))],
    )
