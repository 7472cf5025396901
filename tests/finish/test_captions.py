"""Captions of a finish: word-timed cues on the finished timeline, in the safe area, no fillers."""

from __future__ import annotations

import itertools

from framepilot.finish.captions import (
    MAX_CHARS,
    ass_document,
    build_cues,
    finished_words,
    font_dir,
    font_size,
    srt_document,
    text_width,
    vtt_document,
)
from framepilot.finish.plan import CaptionStyle, CaptionWord, Segment
from framepilot.finish.presets import preset
from framepilot.models import Segment as TranscriptSegment
from framepilot.models import Transcript, Word


def _transcript(words: list[tuple[str, float, float]], language: str = "en") -> Transcript:
    return Transcript(language=language, text=" ".join(w for w, _, _ in words), segments=[
        TranscriptSegment(start=words[0][1], end=words[-1][2], text=" ".join(w for w, _, _ in words),
                          words=[Word(word=" " + w, start=a, end=b) for w, a, b in words])])


def test_words_move_onto_the_finished_timeline_and_cut_words_go_with_their_cut():
    transcript = _transcript([("Hello", 1.0, 1.4), ("there", 1.5, 1.9), ("cut", 2.5, 2.8), ("friends.", 4.0, 4.5)])
    segments = [Segment(start_frame=25, end_frame=50, src_start_s=1.0, src_end_s=2.0, out_start_s=0.0),
                Segment(start_frame=100, end_frame=125, src_start_s=4.0, src_end_s=5.0, out_start_s=1.0)]
    words = finished_words(transcript, segments, 5.0)
    assert [w.text for w in words] == ["Hello", "there", "friends."]
    assert abs(words[0].start - 0.0) < 1e-6 and abs(words[2].start - 1.0) < 1e-6


def test_fillers_are_left_out_of_the_captions():
    transcript = _transcript([("So", 0.0, 0.2), ("um", 0.3, 0.6), ("this", 0.7, 0.9), ("works.", 1.0, 1.4)])
    segments = [Segment(start_frame=0, end_frame=50, src_start_s=0.0, src_end_s=2.0, out_start_s=0.0)]
    assert "um" not in [w.text.lower() for w in finished_words(transcript, segments, 2.0)]


def test_cues_hold_at_most_two_lines_of_32_characters_that_fit_the_safe_width():
    words = [CaptionWord(text=w, start=i * 0.3, end=i * 0.3 + 0.25)
             for i, w in enumerate(["extraordinarily", "long", "sentences", "keep", "coming", "without", "any", "pause", "at", "all", "in", "this", "test", "so", "the", "captions", "must", "break", "them", "into", "many", "short", "cues"])]
    vertical = preset("vertical")
    size = font_size(vertical, 1920)
    width = 1080 * (1 - vertical.safe_area.left - vertical.safe_area.right)
    cues = build_cues(words, width, size)
    assert len(cues) > 1
    for cue in cues:
        assert 1 <= len(cue.lines) <= 2
        for line in cue.lines:
            text = " ".join(w.text for w in line)
            assert len(text) <= MAX_CHARS and text_width(text, size) <= width
    assert [w.text for c in cues for w in c.words] == [w.text for w in words]
    assert all(a.end <= b.start + 1e-9 for a, b in itertools.pairwise(cues))


def test_the_caption_font_covers_turkish():
    from matplotlib import ft2font

    font = ft2font.FT2Font(str(font_dir() / "DejaVuSans-Bold.ttf"))
    assert all(font.get_char_index(ord(ch)) for ch in "şğıİçöüŞĞÇÖÜ")


def test_highlight_style_colours_each_word_in_turn_and_plain_does_not():
    words = [CaptionWord(text=w, start=i * 0.5, end=i * 0.5 + 0.4) for i, w in enumerate(["one", "two", "three"])]
    cues = build_cues(words, 900, 60)
    highlight = ass_document(cues, CaptionStyle.HIGHLIGHT, preset("vertical"), 1080, 1920)
    plain = ass_document(cues, CaptionStyle.PLAIN, preset("vertical"), 1080, 1920)
    assert highlight.count("Dialogue:") == 3 and highlight.count("\\c&H0000E5FF") == 3
    assert plain.count("Dialogue:") == 1 and "\\c" not in plain
    assert "PlayResY: 1920" in plain and ",2,64,140,422," in plain  # bottom centre, inside the safe area


def test_srt_and_vtt_list_the_same_cues():
    cues = build_cues([CaptionWord(text="Merhaba", start=0.0, end=0.5), CaptionWord(text="dünya.", start=0.6, end=1.0),
                       CaptionWord(text="İyi", start=3.0, end=3.3)], 900, 60)
    srt, vtt = srt_document(cues), vtt_document(cues)
    assert "00:00:00,000 --> " in srt and "Merhaba dünya." in srt and "İyi" in srt
    assert vtt.startswith("WEBVTT") and "00:00:03.000 --> " in vtt
