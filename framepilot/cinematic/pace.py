"""Speech pace of a shot in words per minute, from the transcript's word timestamps.

A word belongs to the shot its start lies in. Very short shots give wild rates (two words in
half a second is 240 wpm), so they get no rate at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from framepilot.models import Word

MIN_SHOT_S = 2.0
# Conversational English runs at about 120-160 wpm; presenters rarely go past 190. Only fast
# is an issue: a low rate over a shot often just means pauses, which the director judges.
FAST_WPM = 200.0
MIN_WORDS_FOR_PACE_ISSUE = 8

FAST_ISSUE = "very fast speech"


def words_in_shot(words: Sequence[Word], start_s: float, end_s: float) -> list[Word]:
    return [w for w in words if start_s <= w.start < end_s]


def words_per_minute(words: Sequence[Word], start_s: float, end_s: float) -> float | None:
    """Words starting in [start_s, end_s) per minute of the shot; None if short or wordless."""
    duration = end_s - start_s
    if duration < MIN_SHOT_S:
        return None
    count = len(words_in_shot(words, start_s, end_s))
    if count == 0:
        return None
    return round(count * 60.0 / duration, 1)


def pace_issues(wpm: float | None, word_count: int) -> list[str]:
    if wpm is None or word_count < MIN_WORDS_FOR_PACE_ISSUE:
        return []
    return [FAST_ISSUE] if wpm > FAST_WPM else []
