"""The transcript as the edit shows it: a word's label (struck through when a cut removes it) and
the picked words grouped into runs to cut or restore. Pure functions (no Streamlit)."""

from __future__ import annotations

from collections.abc import Iterable

from framepilot.edit.user_cuts import word_is_cut
from framepilot.models import CutList, Word


def word_label(word: Word, cut_list: CutList | None) -> str:
    """The word as said; struck through (Markdown) when an enabled cut removes it."""
    text = word.word.strip().replace("~", "").replace("*", "").replace("_", " ").replace("`", "") or "…"
    return f"~~{text}~~" if cut_list is not None and word_is_cut(cut_list, word) else text


def picked_runs(indexes: Iterable[int]) -> list[tuple[int, int]]:
    """Picked word indexes as (first, last) runs of neighbours: [3, 4, 5, 9] -> [(3, 5), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for i in sorted(set(indexes)):
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs
