"""Marks on director notes, on both store backends: done or ignored is stored per mode and note,
survives a new analysis that finds the same note (keys are topic and times, not wording), and is
what `open_notes` leaves out for the finish render and the next analysis."""

from __future__ import annotations

import pytest

from framepilot.models import DirectorMode, DirectorNote, DirectorResult, NoteMark
from framepilot.services import accounts, note_marks
from framepilot.store import repository as repo

SCENE = DirectorMode.SCENE_DIRECTOR
NOTES = [DirectorNote(start_s=0.0, end_s=11.0, at_s=7.0, category="cut", note="Cut at 00:07."),
         DirectorNote(start_s=0.0, end_s=10.0, category="scale", note="Punch in at 00:00."),
         DirectorNote(start_s=0.0, end_s=10.0, category="scale", note="Another scale note, same times.")]


@pytest.fixture
def alice(any_db):
    return accounts.add_user(any_db, "alice@example.com", "correct horse battery")


@pytest.fixture
def video(any_db, alice):
    video = repo.create_video(any_db, alice, filename="talk.mp4", stored_path="/nowhere/talk.mp4",
                              sha256="abc123", size_bytes=1000)
    repo.save_director_result(any_db, alice, video.id, DirectorResult(
        mode=SCENE, provider="local", model="rules", prompt_version="rules-1", notes=NOTES))
    return video


def test_note_keys_are_topic_and_times_and_unique():
    assert note_marks.note_keys(NOTES) == ["cut@0.0-11.0", "scale@0.0-10.0", "scale@0.0-10.0#2"]
    reworded = [n.model_copy(update={"note": "New words, same note."}) for n in NOTES]
    assert note_marks.note_keys(reworded) == note_marks.note_keys(NOTES)


def test_a_mark_is_stored_read_back_and_cleared(any_db, alice, video):
    note_marks.mark_note(any_db, alice, video.id, SCENE, "cut@0.0-11.0", NoteMark.DONE)
    note_marks.mark_note(any_db, alice, video.id, SCENE, "scale@0.0-10.0#2", NoteMark.IGNORED)
    note_marks.mark_note(any_db, alice, video.id, SCENE, "scale@0.0-10.0#2", NoteMark.DONE)  # changed mind

    assert note_marks.marks(any_db, alice, video.id, SCENE) == {"cut@0.0-11.0": NoteMark.DONE,
                                                                "scale@0.0-10.0#2": NoteMark.DONE}
    assert note_marks.marks(any_db, alice, video.id, DirectorMode.FULL_REWRITE) == {}
    note_marks.mark_note(any_db, alice, video.id, SCENE, "cut@0.0-11.0", None)
    assert note_marks.marked_keys(any_db, alice, video.id) == {SCENE: {"scale@0.0-10.0#2": NoteMark.DONE}}


def test_open_notes_are_what_the_finish_render_and_next_analysis_still_act_on(any_db, alice, video):
    note_marks.mark_note(any_db, alice, video.id, SCENE, "cut@0.0-11.0", NoteMark.IGNORED)

    assert note_marks.open_notes(any_db, alice, video.id, SCENE) == NOTES[1:]


def test_another_user_cannot_read_or_mark_the_notes(any_db, alice, video):
    bob = accounts.add_user(any_db, "bob@example.com", "another long password")
    with pytest.raises(repo.NotFound):
        note_marks.mark_note(any_db, bob, video.id, SCENE, "cut@0.0-11.0", NoteMark.DONE)
    with pytest.raises(repo.NotFound):
        note_marks.marks(any_db, bob, video.id, SCENE)
