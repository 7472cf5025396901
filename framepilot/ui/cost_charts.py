"""Plotly figures and number labels for the Costs page.

Every figure function returns None when there is nothing to draw (no rows, or only zeros),
so the page shows an empty state that says what will appear, never an empty axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta

import plotly.graph_objects as go

from framepilot.usage.analytics import DailySeries, JobTypeCost, ModelUsage

_MARGIN = dict(t=10, b=10)
_DAY_MS = 86_400_000  # one day on a Plotly date axis


def _titled(title: str, **axis: object) -> dict:
    """An axis with a title. Layouts are given whole to the Figure: `update_layout` with
    magic-underscore names costs about twice the CPU, and the page draws nine figures."""
    return dict(title=dict(text=title), **axis)


def usd(value: float) -> str:
    return f"${value:,.4f}" if abs(value) < 1 else f"${value:,.2f}"


def count(value: float) -> str:
    """Short enough for a metric tile: 806.6M, 12.3k, 950."""
    for threshold, size, suffix in ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(value) >= threshold:
            return f"{value / size:,.1f}{suffix}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def duration(seconds: float) -> str:
    """12.3 s, 4 min 05 s, 2 h 13 min."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"


def stacked_per_day(daily: DailySeries, unit: str) -> go.Figure | None:
    """One bar per UTC day, stacked by series (model, operation or stage)."""
    if daily.empty:
        return None
    # At least a week wide, so a single day is a bar, not the whole plot.
    pad = timedelta(days=max(0.5, (7 - len(daily.days)) / 2))
    first, last = (datetime.combine(d, time(12)) for d in (daily.days[0], daily.days[-1]))
    return go.Figure([go.Bar(name=name, x=daily.days, y=values, width=_DAY_MS * 0.8)
                      for name, values in daily.series.items()],
                     layout=dict(barmode="stack", yaxis=_titled(unit), legend=dict(title=dict(text=None)),
                                 xaxis=_titled("day (UTC)", tickformat="%d %b", range=[first - pad, last + pad],
                                               dtick=_DAY_MS if len(daily.days) <= 14 else None),
                                 margin=_MARGIN, height=340))


def bars(totals: Mapping[str, float], unit: str) -> go.Figure | None:
    """One bar per key (stage, model, job type), in the order given."""
    if not any(totals.values()):
        return None
    return go.Figure(go.Bar(x=list(totals), y=list(totals.values())),
                     layout=dict(yaxis=_titled(unit), margin=_MARGIN, height=320))


def latency(models: Sequence[ModelUsage]) -> go.Figure | None:
    if not models:
        return None
    names = [m.model for m in models]
    return go.Figure([
        go.Bar(name="p50", x=names, y=[m.latency_p50_ms for m in models]),
        go.Bar(name="p95", x=names, y=[m.latency_p95_ms for m in models]),
    ], layout=dict(barmode="group", yaxis=_titled("ms"), margin=_MARGIN, height=320))


def cost_per_job_type(job_types: Sequence[JobTypeCost]) -> go.Figure | None:
    return bars({j.job_type: j.cost_usd for j in job_types}, "USD")


def top_videos(labels: Sequence[str], values: Sequence[float], calls: Sequence[int], unit: str,
               value_format: str) -> go.Figure | None:
    """The heaviest videos first, as horizontal bars; `value_format` is a d3 format for hovers."""
    if not any(values):
        return None
    return go.Figure(go.Bar(x=list(values), y=list(labels), orientation="h", customdata=list(calls),
                            hovertemplate=f"%{{y}}: %{{x:{value_format}}} {unit} over %{{customdata}} calls"
                                          "<extra></extra>"),
                     layout=dict(xaxis=_titled(unit), yaxis=dict(autorange="reversed"), margin=_MARGIN,
                                 height=max(220, 28 * len(labels))))
