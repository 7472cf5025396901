"""Editing by the transcript: cut words or a stretch of the timeline, restore what a cut removed,
trim one of your cuts, and undo, on one stored video. Every change goes through here and lands in
the same cut list that the preview, the finish render, the timeline exports and the API read
(`services.edit.load_cut_list`); each change is also written to the edit's history so the last
one can be undone.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, Field

from framepilot.edit.user_cuts import (
    CutRangeError,
    cuts_covering,
    user_cut,
    words_range,
)
from framepilot.models import CutKind, CutList, User
from framepilot.services.edit import load_cut_list
from framepilot.store import Database
from framepilot.store import repository as repo

__all__ = ["CutRangeError", "EditStep", "can_undo", "cut_range", "cut_words", "restore_range", "trim_cut", "undo"]


class EditStep(BaseModel):
    """One change, with what it replaced (enough to put it back)."""

    op: Literal["add", "remove", "switch", "trim"]
    cut_id: str = ""
    frames: tuple[int, int] | None = None  # add/remove: the cut's frames; trim: the frames before
    before: dict[str, bool | None] = Field(default_factory=dict)  # switch: cut id -> earlier choice


def _edit(db: Database, user: User, video_id: str) -> CutList:
    cut_list = load_cut_list(db, user, video_id)
    if cut_list is None:
        raise CutRangeError("This video has not been transcribed yet, so there is nothing to edit.")
    return cut_list


def _push(db: Database, user: User, video_id: str, steps: list[EditStep]) -> None:
    """One action (however many steps) is one entry: undo puts all of it back."""
    if steps:
        repo.push_edit_step(db, user, video_id, json.dumps([step.model_dump(mode="json") for step in steps]))


def cut_range(db: Database, user: User, video_id: str, start_s: float, end_s: float) -> CutList:
    """Add your own cut of [start_s, end_s) (from the timeline)."""
    cut = user_cut(_edit(db, user, video_id), start_s, end_s)
    repo.save_user_cut(db, user, video_id, cut.id, cut.start_frame, cut.end_frame)
    _push(db, user, video_id, [EditStep(op="add", cut_id=cut.id, frames=(cut.start_frame, cut.end_frame))])
    return _edit(db, user, video_id)


def cut_words(db: Database, user: User, video_id: str, first: int, last: int) -> CutList:
    """Cut the transcript's words first..last (indexes into the transcript's words)."""
    transcript = repo.get_transcript(db, user, video_id)
    words = transcript.words if transcript is not None else []
    if not (0 <= first <= last < len(words)):
        raise CutRangeError("Choose words from the transcript to cut.")
    cut_list = _edit(db, user, video_id)
    start, end = words_range(words, first, last, cut_list.fps, cut_list.duration_s)
    return cut_range(db, user, video_id, start, end)


def restore_range(db: Database, user: User, video_id: str, start_s: float, end_s: float) -> CutList:
    """Bring back what the cuts over [start_s, end_s) removed: your cuts go, suggestions are
    switched off."""
    cut_list = _edit(db, user, video_id)
    steps, off = [], {}
    for cut in cuts_covering(cut_list, start_s, end_s):
        if cut.kind == CutKind.USER:
            repo.delete_user_cut(db, user, video_id, cut.id)
            steps.append(EditStep(op="remove", cut_id=cut.id, frames=(cut.start_frame, cut.end_frame)))
        else:
            off[cut.id] = False
    if off:
        earlier = repo.cut_choices(db, user, video_id)
        repo.save_cut_choices(db, user, video_id, off)
        steps.append(EditStep(op="switch", before={cut_id: earlier.get(cut_id) for cut_id in off}))
    _push(db, user, video_id, steps)
    return _edit(db, user, video_id)


def switch_cut(db: Database, user: User, video_id: str, cut_id: str, enabled: bool) -> CutList:
    """Switch one cut on or off, undoably (the page's switches)."""
    earlier = repo.cut_choices(db, user, video_id)
    if cut_id not in {c.id for c in _edit(db, user, video_id).cuts}:
        raise KeyError(f"no such cut: {cut_id}")
    repo.save_cut_choices(db, user, video_id, {cut_id: enabled})
    _push(db, user, video_id, [EditStep(op="switch", before={cut_id: earlier.get(cut_id)})])
    return _edit(db, user, video_id)


def trim_cut(db: Database, user: User, video_id: str, cut_id: str, start_s: float, end_s: float) -> CutList:
    """Move the ends of one of your cuts (its id stays, so the history can put it back)."""
    cut_list = _edit(db, user, video_id)
    cut = next((c for c in cut_list.cuts if c.id == cut_id and c.kind == CutKind.USER), None)
    if cut is None:
        raise KeyError(f"no such cut of yours: {cut_id}")
    trimmed = user_cut(cut_list, start_s, end_s)
    repo.save_user_cut(db, user, video_id, cut_id, trimmed.start_frame, trimmed.end_frame)
    _push(db, user, video_id, [EditStep(op="trim", cut_id=cut_id, frames=(cut.start_frame, cut.end_frame))])
    return _edit(db, user, video_id)


def can_undo(db: Database, user: User, video_id: str) -> bool:
    return repo.count_edit_steps(db, user, video_id) > 0


def undo(db: Database, user: User, video_id: str) -> bool:
    """Put the newest change back; False when there was nothing to undo."""
    raw = repo.pop_edit_step(db, user, video_id)
    if raw is None:
        return False
    for item in reversed(json.loads(raw)):
        _revert(db, user, video_id, EditStep.model_validate(item))
    return True


def _revert(db: Database, user: User, video_id: str, step: EditStep) -> None:
    if step.op == "add":
        repo.delete_user_cut(db, user, video_id, step.cut_id)
    elif step.op in ("remove", "trim") and step.frames is not None:
        repo.save_user_cut(db, user, video_id, step.cut_id, *step.frames)
    elif step.op == "switch":
        repo.save_cut_choices(db, user, video_id, {k: v for k, v in step.before.items() if v is not None})
        cleared = [k for k, v in step.before.items() if v is None]
        if cleared:
            repo.clear_cut_choices(db, user, video_id, cleared)
