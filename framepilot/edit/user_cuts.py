"""The creator's own cuts, made from the transcript or the timeline: the same `Cut` objects as the
suggestions (kind USER, `suggested` False), snapped to whole frames like them, so the preview,
the finish render, the timeline exports and the API all read one cut list.

A cut chosen by words starts and ends in the gaps around them (half the gap, at most the same
handle the suggestions keep), so no word is clipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from framepilot.edit.cutlist import HANDLE_FRAMES, MIN_CUT_FRAMES
from framepilot.errors import FramePilotError
from framepilot.models import Cut, CutKind, CutList, Word

USER_REASON = "Your cut"


class CutRangeError(FramePilotError, ValueError):
    """The range is empty, outside the video, or shorter than MIN_CUT_FRAMES frames."""

    user_facing = True


def _frame(seconds: float, fps: float) -> int:
    return max(0, math.floor(seconds * fps + 0.5))


def user_cut(cut_list: CutList, start_s: float, end_s: float, words: Sequence[str] = ()) -> Cut:
    """A cut of [start_s, end_s) on whole frames, named by its frames."""
    fps = cut_list.fps
    start, end = _frame(start_s, fps), min(cut_list.frame_count, _frame(end_s, fps))
    if end - start < MIN_CUT_FRAMES:
        raise CutRangeError("That stretch is too short to cut: choose at least a word, or a longer range.")
    said = " ".join(words)
    return Cut(id=f"user-{start}-{end}", start_s=round(start / fps, 4), end_s=round(end / fps, 4),
               start_frame=start, end_frame=end, kind=CutKind.USER, reason=USER_REASON,
               evidence=f"You cut “{said}”." if said else "You cut this stretch on the timeline.",
               words=list(words), suggested=False)


def words_range(words: Sequence[Word], first: int, last: int, fps: float, duration_s: float) -> tuple[float, float]:
    """Where a cut of words[first..last] starts and ends: in the gaps either side, a handle
    (HANDLE_FRAMES frames) away from the words that stay, or half the gap when it is narrower."""
    handle = HANDLE_FRAMES / fps
    before = words[first - 1].end if first > 0 else 0.0
    after = words[last + 1].start if last + 1 < len(words) else duration_s
    start = words[first].start - min(handle, max(words[first].start - before, 0.0) / 2)
    end = words[last].end + min(handle, max(after - words[last].end, 0.0) / 2)
    return max(0.0, start), min(duration_s, end)


def stored_user_cut(cut_list: CutList, cut_id: str, start_frame: int, end_frame: int, words: Sequence[Word]) -> Cut:
    """A cut the creator made, as stored (frames), with the words it removes read again from
    the transcript."""
    fps = cut_list.fps
    start_s, end_s = start_frame / fps, end_frame / fps
    said = [w.word.strip() for w in words if start_s <= (w.start + w.end) / 2 < end_s]
    cut = user_cut(cut_list, start_s, end_s, said)
    return cut.model_copy(update={"id": cut_id, "start_frame": start_frame, "end_frame": end_frame,
                                  "start_s": round(start_s, 4), "end_s": round(end_s, 4)})


def with_user_cuts(cut_list: CutList, cuts: Sequence[Cut]) -> CutList:
    """The suggestions and the creator's cuts in one list, in time order."""
    merged = sorted([*cut_list.cuts, *cuts], key=lambda c: (c.start_frame, c.end_frame))
    return cut_list.model_copy(update={"cuts": merged})


def cuts_covering(cut_list: CutList, start_s: float, end_s: float) -> list[Cut]:
    """The enabled cuts that remove any of [start_s, end_s) (what "restore" brings back)."""
    return [c for c in cut_list.cuts if c.enabled and c.start_s < end_s and start_s < c.end_s]


def word_is_cut(cut_list: CutList, word: Word) -> bool:
    """True when an enabled cut removes the middle of the word."""
    middle = (word.start + word.end) / 2
    return any(c.enabled and c.start_s <= middle < c.end_s for c in cut_list.cuts)
