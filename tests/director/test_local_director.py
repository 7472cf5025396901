"""The local rules director: each rule fires on the measurement it is about, cites the time
range and the number, and stays quiet on clean input. Inputs are built in code (no models)."""

from __future__ import annotations

import re

import pytest

from framepilot.director.full_rewrite import MIN_SHOT_S, TARGET_WPM
from framepilot.director.spoken_text import normalise
from framepilot.models import (
    CameraMovement,
    Composition,
    DirectorInputs,
    DirectorMode,
    DirectorResult,
    Exposure,
    Operation,
    Shot,
    ShotScale,
    Transcript,
    VideoProbe,
)
from framepilot.providers.base import Director
from framepilot.providers.local.director import LocalDirector
from framepilot.store import repository as repo
from framepilot.usage.metering import CallContext
from tests.support.transcripts import spoken, transcript


def probe(duration: float) -> VideoProbe:
    return VideoProbe(duration_s=duration, fps=30, width=1280, height=720, display_width=1280,
                      display_height=720, video_codec="h264", audio_codec="aac", has_audio=True,
                      frame_count=int(duration * 30), size_bytes=1000)


GOOD_EXPOSURE = Exposure(brightness=0.45, contrast=0.2, highlights_clipped=0.0, shadows_crushed=0.01,
                         sharpness=300.0, face_brightness=0.5)
GOOD_FRAMING = Composition(subject_x=0.5, subject_y=0.4, face_height=0.3, headroom=0.1)


def shot(index: int, start: float, end: float, scale: ShotScale | None = ShotScale.MCU, **fields) -> Shot:
    values = dict(exposure=GOOD_EXPOSURE, composition=GOOD_FRAMING, loudness_lufs=-15.0)
    values.update(fields)
    return Shot(index=index, start_s=start, end_s=end, start_frame=int(start * 30),
                end_frame=int(end * 30) - 1, scale=scale, **values)


def direct(mode: DirectorMode, text: Transcript, shots: list[Shot], duration: float,
           ctx: CallContext | None = None) -> DirectorResult:
    inputs = DirectorInputs(probe=probe(duration), shots=shots, transcript=text)
    return LocalDirector().direct(mode, inputs, ctx or CallContext())


def scene(text: Transcript, shots: list[Shot], duration: float) -> DirectorResult:
    return direct(DirectorMode.SCENE_DIRECTOR, text, shots, duration)


def notes_of(result: DirectorResult, category: str):
    return [n for n in result.notes if n.category == category]


CLEAN_LINES = [
    "Three lights are all you need for a clean talking head.",
    "Put the key light at forty five degrees to your face.",
    "Then add a soft fill on the other side to lift the shadows.",
    "A small back light separates you from the wall.",
]


def clean_talk() -> tuple[Transcript, list[Shot], float]:
    """Speech from 0.4 s at 150 wpm, a cut every 5 s with a change of scale, good light."""
    segments, t = [], 0.4
    for line in CLEAN_LINES:
        segments.append(spoken(line, t))
        t = segments[-1].end + 0.5
    duration = round(segments[-1].end + 0.6, 2)
    scales = [ShotScale.MCU, ShotScale.CU, ShotScale.MS, ShotScale.MCU, ShotScale.CU]
    bounds = [0.0, 4.5, 9.0, 13.5, 17.0, duration]
    shots = [shot(i, a, b, scales[i]) for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]
    return transcript(*segments), shots, duration


# --- scene director ---------------------------------------------------------------------


def test_clean_talk_gets_no_warnings_at_all():
    text, shots, duration = clean_talk()

    result = scene(text, shots, duration)

    assert result.notes == [], [f"{n.category}: {n.evidence}" for n in result.notes]
    assert result.summary.startswith("No problems found")
    assert "first word at 0.4 s" in result.summary


def test_a_late_first_word_gets_a_hook_note_from_zero_to_the_first_word():
    text = transcript(spoken("Three lights are all you need for a clean talking head.", 3.8))

    result = scene(text, [shot(0, 0.0, 8.0)], 8.0)

    (hook,) = [n for n in notes_of(result, "hook") if "first word" in n.evidence]
    assert (hook.start_s, hook.end_s) == (0.0, 3.8)
    assert hook.evidence == "first word at 3.8 s"
    assert hook.severity == "warning"


def test_speech_that_starts_at_once_gets_no_hook_delay_note():
    text = transcript(spoken("Three lights are all you need for a clean talking head.", 0.4))

    result = scene(text, [shot(0, 0.0, 5.0)], 5.0)

    assert not [n for n in result.notes if "first word" in n.evidence]


def test_a_greeting_opening_points_to_the_strongest_line():
    text = transcript(spoken("Hi guys, welcome back to the channel.", 0.3),
                      spoken("Why do 9 out of 10 videos look flat?", 3.5))

    result = scene(text, [shot(0, 0.0, 4.0, ShotScale.MCU), shot(1, 4.0, 7.5, ShotScale.CU)], 7.5)

    (hook,) = notes_of(result, "hook")
    assert hook.start_s == 0.3
    assert "Why do 9 out of 10 videos look flat?" in hook.note and "00:03" in hook.note
    assert "a greeting" in hook.evidence


def test_a_long_take_without_a_cut_suggests_cuts_at_sentence_starts():
    segments, t = [], 0.4
    for _ in range(4):
        for line in CLEAN_LINES:
            segments.append(spoken(line, t))
            t = segments[-1].end + 0.5
    text = transcript(*segments)
    sentence_starts = {f"{int(s.start) // 60:02d}:{int(s.start) % 60:02d}" for s in segments}

    result = scene(text, [shot(0, 0.0, 41.0)], 41.0)

    (take,) = [n for n in notes_of(result, "cut") if "with no cut" in n.evidence]
    assert (take.start_s, take.end_s) == (0.0, 41.0)
    assert take.evidence == "take of 41.0 s with no cut"
    assert take.severity == "warning"
    suggested = re.findall(r"\d\d:\d\d", take.note)
    assert len(suggested) >= 4 and set(suggested) <= sentence_starts


def test_every_shot_at_one_scale_gets_punch_ins_on_the_strongest_lines():
    lines = ["I set up my desk this morning.", "The light was fine.",
             "Why do 9 out of 10 videos you watch look flat?", "It is mostly the light.",
             "My camera sits on a tripod."]
    segments, t = [], 0.4
    for line in lines:
        segments.append(spoken(line, t))
        t = segments[-1].end + 0.6
    duration = round(t + 0.2, 2)
    bounds = [i * duration / 5 for i in range(6)]
    shots = [shot(i, a, b, ShotScale.MCU) for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]

    result = scene(transcript(*segments), shots, duration)

    punch_ins = notes_of(result, "scale")
    assert punch_ins and all(n.evidence.startswith("all 5 shots MCU") for n in punch_ins)
    strongest = segments[2]
    (top,) = [n for n in punch_ins if "9 out of 10" in n.note]
    assert (top.start_s, top.end_s) == (strongest.start, strongest.end)
    assert f"Punch in to CU at 00:{int(strongest.start):02d}" in top.note
    assert [n.start_s for n in punch_ins] == sorted(n.start_s for n in punch_ins)


def test_two_neighbouring_shots_at_the_same_scale_are_flagged_as_a_jump_cut():
    text, shots, duration = clean_talk()
    shots[1] = shots[1].model_copy(update={"scale": shots[0].scale})

    result = scene(text, shots, duration)

    (jump,) = notes_of(result, "cut")
    assert (jump.start_s, jump.end_s) == (4.0, 5.0)
    assert jump.evidence == "shots 1 and 2 both MCU"
    assert "the cut at 00:04" in jump.note


def test_a_detected_jump_cut_is_named_as_one_with_its_evidence():
    text, shots, duration = clean_talk()
    shots[1] = shots[1].model_copy(update={"scale": shots[0].scale, "transition_in": "jump"})

    (jump,) = notes_of(scene(text, shots, duration), "cut")

    assert "the cut at 00:04 is a jump cut" in jump.note
    assert jump.evidence == "shots 1 and 2 both MCU; same framing either side of the cut"


def test_filler_words_are_listed_with_their_timestamps():
    # 'um' is word 2 of a sentence starting at 11.5 s; 'like' is set off by commas at 14.0 s.
    text = transcript(spoken("It is, um, the key light.", 11.5), spoken("It was, like, really soft.", 13.2))

    result = scene(text, [shot(0, 0.0, 5.0, ShotScale.MS), shot(1, 5.0, 16.0, ShotScale.MCU)], 16.0)

    (fillers,) = notes_of(result, "filler")
    assert fillers.evidence == "'um' at 12.3 s, 'like' at 14.0 s"
    assert (fillers.start_s, fillers.end_s) == (12.3, 14.3)


@pytest.mark.parametrize("line", [
    "I like this camera a lot.",
    "It looks like a film still.",
    "What kind of light do you use?",
    "Do you know why this works?",
    "That is what I mean by soft light.",
    "So many people skip this step.",
    "And so my fellow Americans, ask not.",
])
def test_words_that_only_look_like_fillers_are_not_flagged(line):
    result = scene(transcript(spoken(line, 0.4)), [shot(0, 0.0, 4.0)], 4.0)

    assert notes_of(result, "filler") == []


def test_like_before_an_intensifier_is_a_filler_even_without_commas():
    # Whisper often drops the commas: "it's like really important".
    result = scene(transcript(spoken("Good light is like really important.", 0.4)), [shot(0, 0.0, 4.0)], 4.0)

    (filler,) = notes_of(result, "filler")
    assert filler.evidence == "'like' at 1.6 s"


def test_parallel_sentences_are_not_mistaken_for_a_restart():
    text = transcript(spoken("This is the key light.", 0.4), spoken("This is the fill light.", 2.8))

    result = scene(text, [shot(0, 0.0, 5.0)], 5.0)

    assert notes_of(result, "delivery") == []


def test_a_restarted_sentence_is_flagged_and_the_rewrite_keeps_only_the_complete_take():
    text = transcript(spoken("The best camera is.", 0.4), spoken("The best camera is the one you have.", 2.6))
    shots = [shot(0, 0.0, 6.0)]

    notes = notes_of(scene(text, shots, 6.0), "delivery")
    rewrite = direct(DirectorMode.SCRIPT_REWRITE, text, shots, 6.0)

    assert [(n.start_s, n.end_s, n.evidence) for n in notes] == [
        (0.4, 2.6, "'The best camera is.' at 0.4 s, restarted at 2.6 s")]
    assert rewrite.script == ["The best camera is the one you have."]


def test_fast_speech_gets_a_pacing_note_with_its_words_per_minute():
    text = transcript(spoken(" ".join(CLEAN_LINES[:3]), 0.4, step=0.3))  # 200 wpm

    result = scene(text, [shot(0, 0.0, 4.5, ShotScale.MCU), shot(1, 4.5, 9.9, ShotScale.CU)], 9.9)

    (fast,) = notes_of(result, "pacing")
    wpm = int(re.match(r"(\d+) wpm", fast.evidence).group(1))
    assert wpm > 180
    assert "fast" in fast.note


def test_slow_speech_gets_a_pacing_note():
    text = transcript(spoken(" ".join(CLEAN_LINES[:2]), 0.4, step=0.75))  # 80 wpm

    result = scene(text, [shot(0, 0.0, 8.0, ShotScale.MCU), shot(1, 8.0, 16.5, ShotScale.CU)], 16.5)

    pacing = notes_of(result, "pacing")
    assert pacing and all(int(re.match(r"(\d+) wpm", n.evidence).group(1)) < 110 for n in pacing)
    assert "slow" in pacing[0].note


def test_a_pause_between_words_is_reported_as_silence():
    first = spoken("Put the key light at forty five degrees.", 0.4)  # last word ends at 3.5 s
    second = spoken("Then add a soft fill.", 5.4)

    shots = [shot(0, 0.0, 4.0, ShotScale.MCU), shot(1, 4.0, 7.6, ShotScale.CU)]

    result = scene(transcript(first, second), shots, 7.6)

    (gap,) = notes_of(result, "silence")
    assert (gap.start_s, gap.end_s) == (3.5, 5.4)
    assert gap.evidence == "1.9 s silence"


def test_an_underexposed_face_cites_its_luma():
    dark = Exposure(brightness=0.2, contrast=0.1, highlights_clipped=0.0, shadows_crushed=0.02,
                    sharpness=200.0, face_brightness=0.18)
    text, shots, duration = clean_talk()
    shots[1] = shots[1].model_copy(update={"exposure": dark})

    result = scene(text, shots, duration)

    (exposure,) = notes_of(result, "exposure")
    assert (exposure.start_s, exposure.end_s) == (shots[1].start_s, shots[1].end_s)
    assert exposure.evidence == "face luma 0.18"
    assert exposure.severity == "warning"


def test_too_much_headroom_cites_the_measurement():
    text, shots, duration = clean_talk()
    shots[0] = shots[0].model_copy(update={"composition": Composition(headroom=0.24, face_height=0.2)})

    result = scene(text, shots, duration)

    (framing,) = notes_of(result, "framing")
    assert framing.evidence == "headroom 0.24"
    assert (framing.start_s, framing.end_s) == (0.0, shots[0].end_s)


def test_shot_analysis_issues_and_handheld_shake_are_surfaced():
    text, shots, duration = clean_talk()
    shots[2] = shots[2].model_copy(update={"issues": ["soft focus", "blown highlights"],
                                           "movement": CameraMovement.HANDHELD, "motion": {"shake": 2.3}})

    result = scene(text, shots, duration)

    assert [n.evidence for n in notes_of(result, "focus")] == ["shot analysis: 'soft focus'"]
    assert [n.evidence for n in notes_of(result, "exposure")] == ["shot analysis: 'blown highlights'"]
    (camera,) = notes_of(result, "camera")
    assert camera.evidence == "movement handheld, shake 2.3 px"
    assert all((n.start_s, n.end_s) == (shots[2].start_s, shots[2].end_s) for n in result.notes)


def test_quiet_audio_in_neighbouring_shots_becomes_one_note():
    text, shots, duration = clean_talk()
    shots = [s.model_copy(update={"loudness_lufs": -28.0 - i * 0.5}) if i < 3 else s for i, s in enumerate(shots)]

    result = scene(text, shots, duration)

    (audio,) = notes_of(result, "audio")
    assert audio.evidence == "loudness -29.0 to -28.0 LUFS in shots 1–3"
    assert (audio.start_s, audio.end_s) == (0.0, shots[2].end_s)


def test_a_video_without_speech_gets_visual_notes_only_and_says_so():
    silent = Transcript(language=None, no_speech=True, no_speech_reason="The video has no audio track.")
    shots = [shot(0, 0.0, 12.0, ShotScale.WS), shot(1, 12.0, 15.0, ShotScale.FS)]

    result = scene(silent, shots, 15.0)

    categories = {n.category for n in result.notes}
    assert categories == {"cut", "audio"}
    assert not categories & {"hook", "filler", "pacing", "silence"}
    assert "No speech found (The video has no audio track.): visual-only notes" in result.summary


def test_notes_are_sorted_by_start_and_the_summary_counts_categories():
    text = transcript(spoken("It is, um, the key light.", 3.5), spoken("It was, like, really soft.", 8.0))

    result = scene(text, [shot(0, 0.0, 12.0, ShotScale.MCU)], 12.0)

    starts = [n.start_s for n in result.notes]
    assert starts == sorted(starts)
    counts = {c: sum(1 for n in result.notes if n.category == c) for c in {n.category for n in result.notes}}
    for category, count in counts.items():
        assert f"{category} {count}" in result.summary
    assert result.summary.startswith(f"{len(result.notes)} notes:")


def test_other_languages_get_english_notes_with_a_label_saying_so():
    text = transcript(spoken("Es ist, like, muy importante la luz.", 0.4), language="es")

    result = scene(text, [shot(0, 0.0, 4.0)], 4.0)

    assert notes_of(result, "filler") == []
    assert result.summary.startswith("English notes: the transcript is in Spanish")
    assert result.language == "es"
    rewrite = direct(DirectorMode.SCRIPT_REWRITE, text, [shot(0, 0.0, 4.0)], 4.0)
    assert rewrite.summary.startswith("English notes: the transcript is in Spanish")


# --- Turkish ------------------------------------------------------------------------------


def test_a_turkish_transcript_gets_turkish_notes_on_its_own_fillers_and_pauses():
    text = transcript(spoken("Şey, bugün size ışık hakkında konuşacağım.", 3.6),
                      spoken("Eee yani, en önemli şey pencere.", 7.6), language="tr")

    result = scene(text, [shot(0, 0.0, 10.5)], 10.5)

    (hook,) = notes_of(result, "hook")[:1]
    assert hook.note.startswith("İlk 3.6 saniyede hiçbir şey söylenmiyor")
    (fillers,) = notes_of(result, "filler")
    assert fillers.note.startswith("3 dolgu kelimesi (“şey”, “eee”, “yani”)")
    assert "3.6 sn'de 'şey'" in fillers.evidence
    (pause,) = notes_of(result, "silence")
    assert pause.note.startswith("“konuşacağım” ile “Eee” arasında ölü an") and pause.evidence.endswith("sn sessizlik")
    assert result.summary.startswith(f"{len(result.notes)} not:") and "dolgu kelimesi 1" in result.summary


def test_turkish_pace_is_judged_by_turkish_norms():
    # 100 words a minute: comfortable for Turkish (longer words), slow for English.
    line = "Işığı pencerenin yanına koyun ve yüzünüzü ona doğru çevirin lütfen arkadaşlar"
    segments = [spoken(line, 0.4 + i * 7.0, step=0.6) for i in range(4)]
    turkish = scene(transcript(*segments, language="tr"), [shot(0, 0.0, 28.0)], 28.0)
    english = scene(transcript(*segments, language="en"), [shot(0, 0.0, 28.0)], 28.0)

    assert notes_of(turkish, "pacing") == []
    (slow,) = notes_of(english, "pacing")
    assert "below the comfortable 130–170 wpm" in slow.note


def test_turkish_line_strength_moves_a_strong_question_over_a_greeting():
    text = transcript(spoken("Merhaba arkadaşlar, kanalıma hoş geldiniz.", 0.4),
                      spoken("Neden herkes bu üç hatayı yapıyor?", 3.0), language="tr")

    result = scene(text, [shot(0, 0.0, 6.0)], 6.0)

    (hook,) = notes_of(result, "hook")
    assert hook.note.startswith("Video bir selamlamayla açılıyor")
    assert "“Neden herkes bu üç hatayı yapıyor?”" in hook.note
    assert "puan" in hook.evidence and "bir selamlama" in hook.evidence


def test_a_turkish_script_rewrite_drops_turkish_fillers_and_reports_in_turkish():
    text = transcript(spoken("Şey, ışık çok önemli.", 0.4), spoken("Yani pencereyi kullanın, hani güneş gibi.", 2.5),
                      language="tr")

    result = direct(DirectorMode.SCRIPT_REWRITE, text, [shot(0, 0.0, 6.0)], 6.0)

    joined = " ".join(result.script).lower()
    assert "şey" not in joined and "yani" not in joined and "hani" not in joined
    assert "çok önemli" in joined and "pencereyi kullanın" in joined
    assert result.summary.startswith("Metin yeniden yazıldı: 3 dolgu kelimesi kesildi")


def test_a_turkish_full_rewrite_keeps_the_speakers_own_call_to_action_at_the_end():
    text = transcript(spoken("Abone olmayı unutmayın.", 0.4), spoken("Işık her şeydir.", 2.4),
                      spoken("Pencere ışığı en güzel ışıktır.", 4.0), language="tr")

    result = direct(DirectorMode.FULL_REWRITE, text, [shot(0, 0.0, 7.0)], 7.0)

    assert result.script[-1] == "Abone olmayı unutmayın."


def test_a_turkish_full_rewrite_without_a_call_to_action_closes_with_one_in_turkish():
    text = transcript(spoken("Işık her şeydir.", 0.4), spoken("Pencere ışığı en güzel ışıktır.", 2.0),
                      spoken("Doğal ışık ücretsizdir.", 4.0), language="tr")

    result = direct(DirectorMode.FULL_REWRITE, text, [shot(0, 0.0, 6.0)], 6.0)

    assert result.script[-1] in ("Işık hakkında daha fazlası için takip edin.", "Bunun gibi videolar için takip edin.")
    assert result.shot_list[-1].line == result.script[-1]


# --- script rewrite ---------------------------------------------------------------------

REWRITE_LINES = [
    ("So, um, today I- I want to show you my lighting setup.", 0.4),
    ("It's, like, really simple and it costs nothing.", 5.2),
    ("I think I think most people overcomplicate it.", 8.8),
    ("Why do 9 out of 10 videos look flat?", 12.6),
    ("The window is your key light, so sit facing it, and then put a white card on the other side "
     "to fill the shadows, because lighting without a fill looks harsh on camera.", 16.5),
]


def rewrite_input() -> tuple[Transcript, list[Shot], float]:
    segments = [spoken(text, start) for text, start in REWRITE_LINES]
    duration = round(segments[-1].end + 0.5, 2)
    return transcript(*segments), [shot(0, 0.0, duration, ShotScale.MCU)], duration


def test_script_rewrite_cuts_fillers_and_false_starts():
    text, shots, duration = rewrite_input()

    result = direct(DirectorMode.SCRIPT_REWRITE, text, shots, duration)

    assert "Today I want to show you my lighting setup." in result.script
    assert "It's really simple and it costs nothing." in result.script
    assert "I think most people overcomplicate it." in result.script
    joined = " ".join(result.script).lower()
    assert not re.search(r"\bum\b|\blike,|i- i|i think i think", joined)
    (fillers,) = notes_of(result, "filler")
    assert fillers.evidence.startswith("'so' at 0.4 s, 'um' at 0.8 s")
    assert "'like' at" in fillers.evidence
    (false_starts,) = notes_of(result, "delivery")
    assert false_starts.evidence == "'I- I' at 1.6 s, repeated 'i think' at 8.8 s"


def test_script_rewrite_moves_the_strongest_line_to_the_top_as_the_hook():
    text, shots, duration = rewrite_input()

    result = direct(DirectorMode.SCRIPT_REWRITE, text, shots, duration)

    assert result.script[0] == "Why do 9 out of 10 videos look flat?"
    (hook,) = notes_of(result, "hook")
    assert hook.start_s == 12.6
    assert "a number" in hook.evidence and "a question" in hook.evidence
    assert "-So, um, today I- I want to show you my lighting setup." in result.diff
    assert "+Today I want to show you my lighting setup." in result.diff
    assert result.diff[0] == "--- original"
    assert result.original_script == text.text


def test_script_rewrite_splits_sentences_over_25_words():
    text, shots, duration = rewrite_input()

    result = direct(DirectorMode.SCRIPT_REWRITE, text, shots, duration)

    assert all(len(line.split()) <= 25 for line in result.script)
    assert "The window is your key light, so sit facing it." in result.script
    (split,) = notes_of(result, "structure")
    assert split.evidence == "33 words in one sentence"
    assert split.start_s == 16.5


def test_script_rewrite_without_speech_says_there_is_nothing_to_rewrite():
    silent = Transcript(no_speech=True, no_speech_reason="Only music was found.")

    result = direct(DirectorMode.SCRIPT_REWRITE, silent, [shot(0, 0.0, 5.0)], 5.0)

    assert result.script == [] and result.diff == []
    assert result.summary.startswith("No speech found (Only music was found.)")


# --- full rewrite -----------------------------------------------------------------------


def test_full_rewrite_builds_its_script_from_the_transcript_and_closes_with_a_call_to_action():
    text, shots, duration = rewrite_input()
    spoken_words = {normalise(w) for w in text.text.split()}

    result = direct(DirectorMode.FULL_REWRITE, text, shots, duration)

    *body, closing = result.script
    assert body[0] == "Why do 9 out of 10 videos look flat?"
    for line in body:
        assert {normalise(w) for w in line.split()} <= spoken_words, line
    assert closing == "Follow for more on lighting."
    assert [item.line for item in result.shot_list] == result.script


def test_full_rewrite_shot_list_opens_tight_varies_scale_and_times_lines_at_the_target_pace():
    text, shots, duration = rewrite_input()

    result = direct(DirectorMode.FULL_REWRITE, text, shots, duration)

    items = result.shot_list
    assert [item.number for item in items] == list(range(1, len(items) + 1))
    assert items[0].scale == ShotScale.CU
    assert all(a.scale != b.scale for a, b in zip(items, items[1:]))
    assert len({item.scale for item in items}) >= 3
    for item in items:
        expected = max(MIN_SHOT_S, len(item.line.split()) * 60 / TARGET_WPM)
        assert item.duration_s == pytest.approx(expected, abs=0.06)
    total_words = sum(len(line.split()) for line in result.script)
    assert sum(i.duration_s for i in items) == pytest.approx(total_words * 60 / TARGET_WPM, rel=0.25)
    assert any(item.framing.startswith("Punch in") for item in items)


def test_full_rewrite_without_speech_recuts_the_existing_shots():
    silent = Transcript(no_speech=True, no_speech_reason="The video has no audio track.")
    shots = [shot(0, 0.0, 9.0, ShotScale.MS), shot(1, 9.0, 12.0, ShotScale.MS)]

    result = direct(DirectorMode.FULL_REWRITE, silent, shots, 12.0)

    assert result.script == []
    assert [i.scale for i in result.shot_list] == [ShotScale.MS, ShotScale.MCU]
    assert [i.duration_s for i in result.shot_list] == [4.0, 3.0]


# --- the provider contract --------------------------------------------------------------


@pytest.mark.parametrize("mode", list(DirectorMode))
def test_every_mode_returns_a_result_that_round_trips_as_json(mode):
    text, shots, duration = rewrite_input()

    result = direct(mode, text, shots, duration)

    assert isinstance(LocalDirector(), Director)
    assert (result.mode, result.provider, result.model) == (mode, "local", "rules")
    assert result.prompt_version.startswith("rules-")
    assert result.language == "en"
    assert DirectorResult.model_validate_json(result.model_dump_json()) == result
    assert all(0.0 <= n.start_s <= n.end_s <= duration for n in result.notes)
    assert all(n.evidence for n in result.notes)


def test_each_call_is_recorded_as_a_free_local_llm_call(db, user_a):
    text, shots, duration = rewrite_input()
    ctx = CallContext(db=db, user_id=user_a.id)

    results = [direct(mode, text, shots, duration, ctx) for mode in DirectorMode]

    calls = repo.list_llm_calls(db, user_a)
    assert [c.operation for c in calls] == [Operation.direct(m) for m in DirectorMode]
    assert [c.prompt_version for c in calls] == [r.prompt_version for r in results]
    assert len({c.prompt_version for c in calls}) == 3
    for call in calls:
        assert (call.provider, call.model, call.status) == ("local", "rules", "ok")
        assert call.cost_usd == 0.0
        assert call.characters == len(text.text)
