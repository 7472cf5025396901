"""Exports: subtitles parse back as valid SRT / WebVTT, the JSON is the analyze --json
structure, and the Markdown shows every mode with mm:ss ranges."""

from __future__ import annotations

import re

from framepilot.models import (
    AnalysisResult,
    DirectorMode,
    DirectorNote,
    DirectorResult,
    Segment,
    Shot,
    ShotListItem,
    ShotScale,
    Transcript,
    VideoProbe,
    Word,
)
from framepilot.services import exports

SRT_CUE = re.compile(
    r"^(\d+)\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n((?:[^\n]+\n?)+)$")
VTT_CUE = re.compile(
    r"^(\d+)\n(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n((?:[^\n]+\n?)+)$")

LONG_TEXT = ("The window is your key light, so sit facing it, and then put a white card on the other "
             "side to fill the shadows, because lighting without a fill looks harsh on camera and "
             "nobody wants to watch a face that is half in the dark.")


def words_for(text: str, start: float, step: float) -> list[Word]:
    return [Word(word=f" {w}", start=round(start + i * step, 3), end=round(start + i * step + step * 0.8, 3))
            for i, w in enumerate(text.split())]


def talk() -> Transcript:
    short = "Why do 9 out of 10 videos look flat?"
    segments = [
        Segment(start=0.4, end=3.6, text=f" {short}", words=words_for(short, 0.4, 0.4)),
        Segment(start=4.0, end=20.0, text=f" {LONG_TEXT}", words=words_for(LONG_TEXT, 4.0, 0.37)),
        Segment(start=20.5, end=24.0, text=" Fish & chips <b>taste</b> better --> trust me."),
    ]
    return Transcript(language="en", text=" ".join(s.text.strip() for s in segments), segments=segments)


def parse(cues_text: str, pattern: re.Pattern) -> list[tuple[int, float, float, list[str]]]:
    cues = []
    for block in cues_text.strip().split("\n\n"):
        match = pattern.match(block)
        assert match, f"not a valid cue: {block!r}"
        g = match.groups()
        start = int(g[1]) * 3600 + int(g[2]) * 60 + int(g[3]) + int(g[4]) / 1000
        end = int(g[5]) * 3600 + int(g[6]) * 60 + int(g[7]) + int(g[8]) / 1000
        cues.append((int(g[0]), round(start, 3), round(end, 3), g[9].rstrip("\n").split("\n")))
    return cues


def assert_well_formed(cues: list[tuple[int, float, float, list[str]]]) -> None:
    assert [n for n, *_ in cues] == list(range(1, len(cues) + 1))
    previous_end = 0.0
    for _, start, end, lines in cues:
        assert previous_end <= start < end
        assert end - start <= exports.MAX_CUE_S + 1e-6
        assert 1 <= len(lines) <= exports.MAX_LINES
        assert all(len(line) <= exports.MAX_LINE_CHARS for line in lines), lines
        previous_end = end


def test_srt_cues_are_numbered_timed_in_order_and_wrapped():
    cues = parse(exports.to_srt(talk()), SRT_CUE)

    assert_well_formed(cues)
    assert cues[0][1:3] == (0.4, 3.6)
    assert cues[0][3] == ["Why do 9 out of 10 videos look flat?"]


def test_a_long_segment_is_split_at_its_word_timings_without_losing_words():
    transcript = talk()
    long_words = transcript.segments[1].words

    cues = parse(exports.to_srt(transcript), SRT_CUE)

    middle = [c for c in cues if 4.0 <= c[1] < 20.0]
    assert len(middle) >= 3
    assert {c[1] for c in middle} <= {w.start for w in long_words}
    assert {c[2] for c in middle} <= {w.end for w in long_words}
    assert " ".join(" ".join(c[3]) for c in middle) == LONG_TEXT


def test_a_long_segment_without_word_timings_is_shared_out_by_its_text():
    transcript = Transcript(language="en", text=LONG_TEXT, segments=[Segment(start=1.0, end=17.0, text=LONG_TEXT)])

    cues = parse(exports.to_srt(transcript), SRT_CUE)

    assert_well_formed(cues)
    assert len(cues) >= 3
    assert cues[0][1] == 1.0 and abs(cues[-1][2] - 17.0) < 0.01
    assert " ".join(" ".join(c[3]) for c in cues) == LONG_TEXT


def test_vtt_has_its_header_dot_timestamps_and_escaped_text():
    vtt = exports.to_vtt(talk())

    assert vtt.startswith("WEBVTT\n\n")
    cues = parse(vtt[len("WEBVTT\n\n"):], VTT_CUE)
    assert_well_formed(cues)
    last = " ".join(cues[-1][3])
    assert last == "Fish &amp; chips &lt;b&gt;taste&lt;/b&gt; better -&gt; trust me."
    assert "-->" not in "".join(" ".join(c[3]) for c in cues)


def test_overlapping_segments_never_make_cue_times_go_backwards():
    transcript = Transcript(language="en", text="one two", segments=[
        Segment(start=1.0, end=3.0, text="First line."), Segment(start=2.5, end=2.6, text="Second line.")])

    cues = parse(exports.to_srt(transcript), SRT_CUE)

    assert_well_formed(cues)
    assert cues[1][1] == 3.0 and cues[1][2] == 3.5


def test_no_speech_gives_empty_subtitle_files():
    silent = Transcript(no_speech=True, no_speech_reason="No audio track.")

    assert exports.to_srt(silent) == ""
    assert exports.to_vtt(silent) == "WEBVTT\n"


# --- JSON and Markdown ------------------------------------------------------------------


def director_results() -> list[DirectorResult]:
    return [
        DirectorResult(
            mode=DirectorMode.FULL_REWRITE, provider="local", model="rules", prompt_version="rules-full-1",
            summary="New script.", script=["Why do 9 out of 10 videos look flat?", "Follow for more."],
            shot_list=[ShotListItem(number=1, scale=ShotScale.CU, framing="Close-up | tight", duration_s=3.6,
                                    line="Why do 9 out of 10 videos look flat?"),
                       ShotListItem(number=2, scale=ShotScale.MCU, framing="Medium close-up", duration_s=2.0,
                                    line="Follow for more.")]),
        DirectorResult(
            mode=DirectorMode.SCENE_DIRECTOR, provider="local", model="rules", prompt_version="rules-scene-1",
            language="en", summary="2 notes: hook 1, cut 1.",
            notes=[DirectorNote(start_s=65.2, end_s=106.0, category="cut", severity="warning",
                                note="A 41 s take with no cut.", evidence="take of 40.8 s with no cut"),
                   DirectorNote(start_s=0.0, end_s=3.8, category="hook", severity="warning",
                                note="Nothing is said for the first 3.8 s.", evidence="first word at 3.8 s")]),
        DirectorResult(
            mode=DirectorMode.SCRIPT_REWRITE, provider="local", model="rules", prompt_version="rules-script-1",
            script=["Line one."], diff=["--- original", "+++ rewrite", "-Um, line one.", "+Line one."]),
    ]


def test_markdown_lists_modes_in_order_with_mm_ss_ranges_script_diff_and_shot_list():
    markdown = exports.director_markdown(director_results(), "talk.mp4")

    assert markdown.startswith("# Director notes: talk.mp4\n")
    headings = re.findall(r"^## (.+)$", markdown, flags=re.M)
    assert headings == ["Scene director", "Script rewrite", "Full rewrite"]
    ranges = re.findall(r"\*\*(\d\d:\d\d)–(\d\d:\d\d)\*\*", markdown)
    assert ranges == [("00:00", "00:03"), ("01:05", "01:46")]
    assert "*Evidence:* first word at 3.8 s" in markdown
    assert "1. Why do 9 out of 10 videos look flat?" in markdown
    assert "```diff\n--- original\n+++ rewrite\n-Um, line one.\n+Line one.\n```" in markdown
    assert "| # | Scale | Framing | Duration | Line |" in markdown
    assert "| 1 | CU | Close-up \\| tight | 3.6 s | Why do 9 out of 10 videos look flat? |" in markdown


def test_markdown_accepts_the_analysis_result_director_mapping():
    results = director_results()
    mapping = {r.mode.value: r for r in results}

    assert exports.director_markdown(mapping, "talk.mp4") == exports.director_markdown(results, "talk.mp4")


def test_json_export_is_the_analyze_json_structure_and_round_trips():
    result = AnalysisResult(
        video=VideoProbe(duration_s=24.0, fps=30, width=1280, height=720, display_width=1280,
                         display_height=720, video_codec="h264", has_audio=True, frame_count=720,
                         size_bytes=1000),
        shots=[Shot(index=0, start_s=0.0, end_s=24.0, start_frame=0, end_frame=719, scale=ShotScale.MCU)],
        transcript=talk(),
        director={r.mode.value: r for r in director_results()},
        timings={"shots": 1.5},
    )

    text = exports.to_json(result)

    assert text == result.model_dump_json(indent=2)
    assert AnalysisResult.model_validate_json(text) == result
