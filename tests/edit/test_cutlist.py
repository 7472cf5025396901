"""The cut list: what the edit suggests removing from a talking video, read from word timings.

Transcripts are built in code the way Whisper returns them (leading spaces, attached
punctuation), in English and Turkish; a 25 fps video of a given length holds them.
"""

from __future__ import annotations

import pytest

from framepilot.edit.cutlist import HANDLE_FRAMES, SILENCE_MIN_S, suggest_cuts
from framepilot.models import Cut, CutKind, CutList, Segment, Shot, Transcript, VideoProbe
from framepilot.services.edit import choose_cuts, load_cut_list
from framepilot.store import repository as repo
from tests.support.transcripts import spoken, transcript

FPS = 25


def said(text: str, start: float) -> Segment:
    """A word every 0.35 s (about 170 wpm), each 0.28 s long."""
    return spoken(text, start, step=0.35, length=0.28)


def cuts_of(*segments: Segment, seconds: float = 10.0, language: str = "en") -> CutList:
    return suggest_cuts(transcript(*segments, language=language), FPS, int(seconds * FPS))


def kinds(cut_list: CutList) -> list[tuple[CutKind, list[str]]]:
    return [(c.kind, c.words) for c in cut_list.cuts]


def assert_kept_words_are_untouched(cut_list: CutList, segments: list[Segment]) -> None:
    """Every word a cut does not name lies wholly outside every cut, a handle away when the gap allows."""
    for cut in cut_list.cuts:
        removed = list(cut.words)
        for word in (w for s in segments for w in s.words):
            bare = word.word.strip(" ,.?!")
            if bare in removed and cut.start_s - 0.01 <= word.start and word.end <= cut.end_s + 0.01:
                removed.remove(bare)
                continue
            assert word.end <= cut.start_s + 1e-6 or word.start >= cut.end_s - 1e-6, (cut, word)


# --- English -------------------------------------------------------------------------------


def test_a_long_pause_is_cut_down_to_a_handle_either_side():
    first, second = said("This is the key light.", 0.0), said("Now the fill light.", 3.0)
    cut_list = cuts_of(first, second, seconds=4.8)

    (pause,) = cut_list.cuts
    gap_start, gap_end = first.words[-1].end, second.words[0].start
    assert pause.kind == CutKind.SILENCE
    assert pause.start_s == pytest.approx(gap_start + HANDLE_FRAMES / FPS, abs=0.5 / FPS)
    assert pause.end_s == pytest.approx(gap_end - HANDLE_FRAMES / FPS, abs=0.5 / FPS)
    assert pause.reason == "A pause of 1.3 s between “light” and “Now”"
    assert "1.68 s" in pause.evidence and "3.00 s" in pause.evidence


def test_a_short_pause_is_left_alone():
    gap = SILENCE_MIN_S - 0.2
    cut_list = cuts_of(said("This is the key light.", 0.0), said("Now the fill light.", 1.68 + gap), seconds=4.0)
    assert cut_list.cuts == []


def test_filler_words_are_cut_with_the_words_around_them_kept():
    segments = [said("It is, um, the key light, you know, and it matters.", 0.0)]
    cut_list = cuts_of(*segments, seconds=4.0)

    assert kinds(cut_list) == [(CutKind.FILLER, ["um"]), (CutKind.FILLER, ["you", "know"])]
    assert cut_list.cuts[0].reason == "Filler “um”"
    assert cut_list.cuts[0].evidence == "“um,” at 0.70–0.98 s"
    assert_kept_words_are_untouched(cut_list, segments)


def test_a_false_start_and_a_stutter_lose_their_first_attempt():
    segments = [said("I- I think we want to we want to light it well.", 0.0)]
    cut_list = cuts_of(*segments, seconds=4.6)

    assert kinds(cut_list) == [(CutKind.FALSE_START, ["I-"]), (CutKind.FALSE_START, ["we", "want", "to"])]
    assert "broken off" in cut_list.cuts[0].reason and "repeated 'we want to'" in cut_list.cuts[1].reason
    assert_kept_words_are_untouched(cut_list, segments)


def test_a_retake_keeps_only_the_last_complete_take():
    segments = [said("The best camera is.", 0.0), said("The best camera is the.", 2.0),
                said("The best camera is the one you already have.", 4.0)]
    cut_list = cuts_of(*segments, seconds=8.0)

    retakes = [c for c in cut_list.cuts if c.kind == CutKind.RETAKE]
    assert [c.words for c in retakes] == [["The", "best", "camera", "is"], ["The", "best", "camera", "is", "the"]]
    last_take = segments[2].words[0]
    assert retakes[-1].end_s <= last_take.start and retakes[-1].end_s >= last_take.start - HANDLE_FRAMES / FPS - 0.02
    assert "said again at 4.0 s" in retakes[-1].reason
    assert_kept_words_are_untouched(cut_list, segments)


def test_a_retake_opening_with_a_filler_is_still_a_retake():
    cut_list = cuts_of(said("Um, so the best camera is.", 0.0), said("The best camera is the one you have.", 2.5))
    assert CutKind.RETAKE in [c.kind for c in cut_list.cuts]


def test_a_slow_start_and_a_long_tail_are_trimmed():
    segments = [said("Three tips for better light.", 2.4)]
    cut_list = cuts_of(*segments, seconds=7.0)

    start, tail = cut_list.cuts
    assert (start.kind, start.start_frame) == (CutKind.SLOW_START, 0)
    assert start.end_s == pytest.approx(2.4 - HANDLE_FRAMES / FPS, abs=0.5 / FPS)
    assert "first 2.4 s" in start.reason
    assert tail.kind == CutKind.TAIL and tail.end_frame == 7 * FPS
    assert tail.start_s == pytest.approx(segments[0].end + 0.5, abs=0.5 / FPS)


def test_cuts_lie_on_whole_frames_and_are_sorted():
    segments = [said("Um, this is, like, really soft light.", 1.13), said("Honestly it is.", 4.71)]
    cut_list = cuts_of(*segments, seconds=8.0)

    assert len(cut_list.cuts) >= 3
    for cut in cut_list.cuts:
        assert cut.start_s == pytest.approx(cut.start_frame / FPS) and cut.end_s == pytest.approx(cut.end_frame / FPS)
        assert cut.id == f"{cut.kind.value}-{cut.start_frame}"
    frames = [(c.start_frame, c.end_frame) for c in cut_list.cuts]
    assert frames == sorted(frames)
    assert all(a[1] <= b[0] for a, b in zip(frames, frames[1:]))  # no overlaps
    assert_kept_words_are_untouched(cut_list, segments)


def test_the_kept_ranges_are_what_the_enabled_cuts_leave():
    cut_list = cuts_of(said("Three tips for better light.", 2.4), said("Um, first the key light.", 6.0), seconds=10.0)
    removed = sum(c.frames for c in cut_list.cuts)

    ranges = cut_list.kept_ranges()
    assert sum(r.frames for r in ranges) == cut_list.kept_frames == cut_list.frame_count - removed
    assert cut_list.kept_duration_s == pytest.approx((cut_list.frame_count - removed) / FPS)
    first_cut = cut_list.cuts[0]
    switched = cut_list.model_copy(update={"cuts": [first_cut.model_copy(update={"enabled": False}),
                                                    *cut_list.cuts[1:]]})
    assert switched.kept_frames == cut_list.kept_frames + first_cut.frames


def test_no_speech_means_no_cuts():
    empty = Transcript(language="en", no_speech=True, no_speech_reason="The video has no audio track.")
    assert suggest_cuts(empty, FPS, 100).cuts == []


# --- Turkish -------------------------------------------------------------------------------


def test_turkish_fillers_are_cut():
    segments = [said("Şey, bugün size ııı kameradan bahsedeceğim.", 0.0),
                said("Eee ışık, yani, en önemli kısım.", 2.6),
                said("Hani her şeyi ışık belirler.", 5.0)]
    cut_list = cuts_of(*segments, language="tr")

    fillers = [c for c in cut_list.cuts if c.kind == CutKind.FILLER]
    assert [c.words for c in fillers] == [["Şey"], ["ııı"], ["Eee"], ["yani"], ["Hani"]]
    assert fillers[0].reason == "Dolgu kelimesi “şey”"  # reasons follow the transcript's language
    assert_kept_words_are_untouched(cut_list, segments)


def test_turkish_words_that_only_look_like_fillers_stay():
    # "bir şey" (something), "her şey" (everything), "yavaş yavaş" (slowly), a question with "hani".
    segments = [said("Bir şey söyleyeceğim.", 0.0), said("Her şey yavaş yavaş değişiyor.", 1.6),
                said("Hani nerede o kamera?", 3.6)]
    assert cuts_of(*segments, seconds=5.5, language="tr").cuts == []


def test_a_turkish_stutter_and_retake_are_cut():
    segments = [said("Bu bu kamera çok iyi.", 0.0), said("En iyi kamera.", 2.2),
                said("En iyi kamera elinizdeki kameradır.", 3.6)]
    cut_list = cuts_of(*segments, seconds=5.6, language="tr")

    assert kinds(cut_list) == [(CutKind.FALSE_START, ["Bu"]), (CutKind.RETAKE, ["En", "iyi", "kamera"])]


# --- a stored video and the user's choices ------------------------------------------------


@pytest.fixture
def analysed_video(db, settings, user_a):
    """A stored video with a transcript and shots, as the pipeline leaves it."""
    video = repo.create_video(db, user_a, filename="talk.mp4", stored_path="/nowhere/talk.mp4", sha256="abc123",
                              size_bytes=1000)
    repo.save_probe(db, user_a, video.id, VideoProbe(
        duration_s=10.0, fps=FPS, width=640, height=480, display_width=640, display_height=480,
        video_codec="h264", audio_codec="aac", has_audio=True, frame_count=250, size_bytes=1000))
    repo.save_transcript(db, user_a, video.id, transcript(said("Um, three tips for light.", 2.0),
                                                          said("First the key.", 5.0)))
    repo.save_shots(db, user_a, video.id, [Shot(index=0, start_s=0, end_s=10, start_frame=0, end_frame=249,
                                                transition_in="start")])
    return video


def test_switching_a_cut_off_is_remembered_and_lengthens_the_edit(db, user_a, analysed_video):
    before = load_cut_list(db, user_a, analysed_video.id)
    filler = next(c for c in before.cuts if c.kind == CutKind.FILLER)
    assert all(c.enabled for c in before.cuts)

    after = choose_cuts(db, user_a, analysed_video.id, {filler.id: False})

    assert after.kept_frames == before.kept_frames + filler.frames
    reloaded = load_cut_list(db, user_a, analysed_video.id)
    assert [c.enabled for c in reloaded.cuts] == [c.id != filler.id for c in before.cuts]
    choose_cuts(db, user_a, analysed_video.id, {filler.id: True})
    assert load_cut_list(db, user_a, analysed_video.id).kept_frames == before.kept_frames


def test_an_unknown_cut_cannot_be_chosen(db, user_a, analysed_video):
    with pytest.raises(KeyError, match="no such cut"):
        choose_cuts(db, user_a, analysed_video.id, {"filler-9999": False})


def test_another_users_cut_list_is_not_found(db, user_a, user_b, analysed_video):
    cut = load_cut_list(db, user_a, analysed_video.id).cuts[0]
    with pytest.raises(repo.NotFound):
        load_cut_list(db, user_b, analysed_video.id)
    with pytest.raises(repo.NotFound):
        choose_cuts(db, user_b, analysed_video.id, {cut.id: False})


def test_a_video_without_a_transcript_has_no_cut_list_yet(db, user_a):
    video = repo.create_video(db, user_a, filename="new.mp4", stored_path="/nowhere/new.mp4", sha256="def456",
                              size_bytes=1000)
    assert load_cut_list(db, user_a, video.id) is None


def test_cut_is_the_json_contract():
    fields = set(Cut.model_json_schema()["properties"])
    assert {"start_s", "end_s", "kind", "reason"} <= fields
    assert {k.value for k in CutKind} == {"silence", "filler", "false_start", "retake", "slow_start", "tail", "user"}
    assert "suggested" in fields
