"""The Review page's notes panel and transcript edit through AppTest: every note of the chosen
mode is listed in time order with its time and severity in words, a note's Play starts the player
at the note, Done is stored and shown, another mode shows its own notes; picking words plays from
the word, Cut strikes them through and shortens the edit, Undo brings them back."""

from __future__ import annotations

import pytest

from framepilot.models import DirectorMode, NoteMark
from framepilot.services import note_marks
from framepilot.services.edit import load_cut_list
from tests.support.browser import Browser
from tests.support.page_fixtures import analysed_video


@pytest.fixture
def review(db, settings, user_a, tmp_path, monkeypatch):
    video = analysed_video(db, settings, user_a, tmp_path)
    browser = Browser(db, monkeypatch).signed_in_as(user_a)
    return video, browser.open("pages/review.py", video.id)


def _notes(at) -> list[str]:
    return [m.value for m in at.markdown if "note" in m.value and ("early" in m.value or "late" in m.value)]


def test_every_note_of_the_chosen_mode_is_listed_in_time_order_with_time_and_severity(review):
    _video, at = review
    assert _notes(at) == ["scene_director early note", "scene_director late note"]
    headings = [m.value for m in at.markdown if "Worth trying" in m.value]
    assert "00:00–00:01" in headings[0] and "00:04–00:05" in headings[1]
    assert any(m.value == "**2 notes to work on**" for m in at.markdown)

    at.segmented_control(key="review_notes_mode").set_value(DirectorMode.FULL_REWRITE).run()
    assert _notes(at) == ["full_rewrite early note", "full_rewrite late note"]


def test_a_notes_play_button_starts_the_player_at_the_note(review):
    _video, at = review
    at.button(key="review_note_play_1").click().run()
    assert at.get("video")[0].proto.start_time == 4
    assert "Playing from 00:04" in [c.value for c in at.caption][0]


def test_done_is_stored_and_the_note_moves_below_the_open_ones(review, db, user_a):
    video, at = review
    at.button(key="review_note_done_0").click().run()

    assert note_marks.marks(db, user_a, video.id, DirectorMode.SCENE_DIRECTOR) == {"hook@0.5-1.5": NoteMark.DONE}
    assert _notes(at) == ["scene_director late note", ":gray[scene_director early note]"]
    assert any(m.value == "**1 note to work on · 1 marked**" for m in at.markdown)
    assert at.button(key="review_note_reopen_1")


def test_picking_words_plays_from_the_word_and_cut_strikes_them_through_until_undo(review, db, user_a):
    video, at = review
    before = load_cut_list(db, user_a, video.id).kept_frames
    at.pills(key="review_words_1").set_value([8, 9]).run()  # "fix your" in "Today we fix your lighting."
    assert at.get("video")[0].proto.start_time == 4  # "fix" starts at 4.1 s

    at.button(key="review_cut_words").click().run()
    assert "~~fix~~" in at.pills(key="review_words_1").proto.options[2].content
    assert load_cut_list(db, user_a, video.id).kept_frames < before

    at.button(key="review_undo").click().run()
    assert "~~" not in "".join(o.content for o in at.pills(key="review_words_1").proto.options)
    assert load_cut_list(db, user_a, video.id).kept_frames == before


def test_a_clip_without_speech_offers_no_empty_subtitle_files(db, settings, user_a, tmp_path, monkeypatch):
    from framepilot.models import Transcript
    from framepilot.store import repository as repo

    video = analysed_video(db, settings, user_a, tmp_path)
    repo.save_transcript(db, user_a, video.id, Transcript(no_speech=True, no_speech_reason="No speech in it."))
    at = Browser(db, monkeypatch).signed_in_as(user_a).open("pages/review.py", video.id)

    labels = {b.proto.label for b in at.get("download_button")}
    assert "Subtitles (SRT)" not in labels and "Full analysis (JSON)" in labels
    assert any("no subtitles to download" in c.value for c in at.caption)
