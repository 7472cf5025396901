"""Times as the director writes them: mm:ss for people, one decimal of seconds for evidence."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """00:07, 01:42 (minutes keep counting past the hour: 61:05)."""
    whole = int(max(0.0, float(seconds)))
    return f"{whole // 60:02d}:{whole % 60:02d}"


def clock_range(start_s: float, end_s: float) -> str:
    return f"{clock(start_s)}–{clock(end_s)}"


def secs(seconds: float) -> str:
    """Evidence style: '3.8 s'."""
    return f"{seconds:.1f} s"
