"""Latency percentiles from the rollup's fixed buckets (`repo.LATENCY_BOUNDS_MS`).

The rollup keeps how many calls fell in each bucket, not the latencies, so a percentile is
found in its bucket and interpolated linearly inside it. With bounds 1-1.5-2-3-5-7 per decade
the answer lies in the right bucket, and interpolation usually lands within a few percent
of the exact value; the page says "approximate".
"""

from __future__ import annotations

from collections.abc import Mapping

from framepilot.store import repository as repo


def bucket_range(bucket: int) -> tuple[float, float]:
    """[low, high) milliseconds of a bucket; the last one is open, so its high is its low."""
    bounds = repo.LATENCY_BOUNDS_MS
    low = bounds[bucket - 1] if bucket > 0 else 0.0
    high = bounds[bucket] if bucket < len(bounds) else low
    return float(low), float(high)


def approximate_quantile(counts: Mapping[int, int], q: float) -> float:
    """The q-quantile (0..1) of the latencies counted per bucket; 0 with no calls."""
    total = sum(counts.values())
    if total <= 0:
        return 0.0
    target, before = q * total, 0
    for bucket in sorted(counts):
        calls = counts[bucket]
        if calls and before + calls >= target:
            low, high = bucket_range(bucket)
            return low + (high - low) * max(target - before, 0) / calls
        before += calls
    return bucket_range(max(counts))[0]
