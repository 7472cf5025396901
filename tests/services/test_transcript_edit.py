"""Editing by the transcript, on both store backends: cutting words or a stretch adds the
creator's own cut to the same cut list the preview, exports and API read (marked as not
suggested), restoring brings words back, trimming moves a cut's ends, and undo puts each change
back in reverse order. Another user's video is not found."""

from __future__ import annotations

import pytest

from framepilot.edit.cutlist import HANDLE_FRAMES
from framepilot.models import CutKind, Shot, VideoProbe
from framepilot.services import accounts, transcript_edit
from framepilot.services.edit import load_cut_list
from framepilot.store import repository as repo
from tests.support.transcripts import spoken, transcript

FPS = 25


@pytest.fixture
def alice(any_db):
    return accounts.add_user(any_db, "alice@example.com", "correct horse battery")


@pytest.fixture
def talk(any_db, alice):
    """10 s at 25 fps: "Three tips for light." from 2.0 s, "First the key." from 5.0 s."""
    video = repo.create_video(any_db, alice, filename="talk.mp4", stored_path="/nowhere/talk.mp4",
                              sha256="abc123", size_bytes=1000)
    repo.save_probe(any_db, alice, video.id, VideoProbe(
        duration_s=10.0, fps=FPS, width=720, height=1280, display_width=720, display_height=1280,
        video_codec="h264", audio_codec="aac", has_audio=True, frame_count=250, size_bytes=1000))
    repo.save_transcript(any_db, alice, video.id, transcript(spoken("Three tips for light.", 2.0, step=0.35, length=0.28),
                                                            spoken("First the key.", 5.0, step=0.35, length=0.28)))
    repo.save_shots(any_db, alice, video.id, [Shot(index=0, start_s=0, end_s=10, start_frame=0, end_frame=249,
                                                   transition_in="start")])
    return video


def _own(cut_list):
    return [c for c in cut_list.cuts if c.kind == CutKind.USER]


def test_cutting_words_adds_your_own_cut_around_them_to_the_one_cut_list(any_db, alice, talk):
    before = load_cut_list(any_db, alice, talk.id)
    words = repo.get_transcript(any_db, alice, talk.id).words  # "tips for" are words 1 and 2

    after = transcript_edit.cut_words(any_db, alice, talk.id, 1, 2)

    [cut] = _own(after)
    assert cut.words == ["tips", "for"] and not cut.suggested and cut.enabled and cut.reason == "Your cut"
    assert cut.start_s <= words[1].start and words[2].end <= cut.end_s  # no word clipped
    assert cut.start_s >= words[0].end and cut.end_s <= words[3].start  # the neighbours stay
    assert cut.end_frame - cut.start_frame >= round((words[2].end - words[1].start) * FPS)
    assert after.kept_frames == before.kept_frames - cut.frames
    assert _own(load_cut_list(any_db, alice, talk.id)) == [cut]  # what the preview and API read


def test_restoring_brings_back_your_cut_and_switches_off_a_suggestion(any_db, alice, talk):
    suggested = load_cut_list(any_db, alice, talk.id)
    pause = next(c for c in suggested.cuts if c.enabled)  # the silence between the two lines
    transcript_edit.cut_range(any_db, alice, talk.id, 0.2, 0.9)

    after = transcript_edit.restore_range(any_db, alice, talk.id, 0.0, 10.0)

    assert _own(after) == []
    assert not next(c for c in after.cuts if c.id == pause.id).enabled
    assert after.kept_frames == after.frame_count


def test_undo_puts_each_change_back_newest_first(any_db, alice, talk):
    original = load_cut_list(any_db, alice, talk.id)
    first = transcript_edit.cut_range(any_db, alice, talk.id, 8.0, 9.0)
    trimmed = transcript_edit.trim_cut(any_db, alice, talk.id, _own(first)[0].id, 8.0, 8.4)
    assert _own(trimmed)[0].end_s == 8.4
    transcript_edit.restore_range(any_db, alice, talk.id, 0.0, 10.0)

    assert transcript_edit.undo(any_db, alice, talk.id)  # the restore
    assert _own(load_cut_list(any_db, alice, talk.id))[0].end_s == 8.4
    assert [c.enabled for c in load_cut_list(any_db, alice, talk.id).cuts if c.suggested] == \
        [c.enabled for c in original.cuts]
    assert transcript_edit.undo(any_db, alice, talk.id)  # the trim
    assert _own(load_cut_list(any_db, alice, talk.id))[0].end_s == 9.0
    assert transcript_edit.undo(any_db, alice, talk.id)  # the cut
    assert load_cut_list(any_db, alice, talk.id) == original
    assert not transcript_edit.undo(any_db, alice, talk.id) and not transcript_edit.can_undo(any_db, alice, talk.id)


def test_a_stretch_shorter_than_two_frames_is_refused_in_words(any_db, alice, talk):
    with pytest.raises(transcript_edit.CutRangeError, match="too short"):
        transcript_edit.cut_range(any_db, alice, talk.id, 3.0, 3.0 + 1 / FPS / 2)
    assert HANDLE_FRAMES > 0 and _own(load_cut_list(any_db, alice, talk.id)) == []


def test_another_users_video_cannot_be_edited(any_db, alice, talk):
    bob = accounts.add_user(any_db, "bob@example.com", "another long password")
    with pytest.raises(repo.NotFound):
        transcript_edit.cut_range(any_db, bob, talk.id, 1.0, 2.0)
    with pytest.raises(repo.NotFound):
        transcript_edit.undo(any_db, bob, talk.id)
