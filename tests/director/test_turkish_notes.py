"""The local director in Turkish: for a Turkish transcript every note, its evidence, the
summary, each rewritten script line and each shot-list entry of all three modes is Turkish;
the same video in English stays English, and other languages get a labelled English result.
Inputs are built in code (no models)."""

from __future__ import annotations

import re
import string

import pytest

from framepilot.director.phrasebook import PHRASES
from framepilot.models import (
    CameraMovement,
    Composition,
    DirectorInputs,
    DirectorMode,
    DirectorResult,
    Exposure,
    Shot,
    ShotScale,
    Transcript,
    VideoProbe,
)
from framepilot.providers.local.director import LocalDirector
from framepilot.usage.metering import CallContext
from tests.support.transcripts import spoken, transcript

# Words any English sentence of the director's would use, none of which is Turkish.
ENGLISH_WORDS = frozenset({
    "the", "and", "to", "of", "is", "in", "at", "for", "with", "your", "you", "shot", "shots", "cut",
    "line", "lines", "words", "take", "or", "it", "this", "from", "no", "by", "than", "so", "be", "was",
    "said", "again", "light", "face", "frame", "audio", "speech", "script", "close-up", "wpm", "score",
})
# Words the Turkish notes use that no English note would.
TURKISH_WORDS = frozenset({"ve", "ile", "için", "bir", "çekim", "kelime", "sn", "sn'de", "ya", "da", "kesin",
                           "plan", "planı", "metin", "ses", "yüz", "puan", "cümle"})

# (line, pause before it): a late first word, a long pause after the second line and before the last.
TURKISH_LINES = [
    ("Merhaba arkadaşlar, kanalıma hoş geldiniz.", 3.6),
    ("Şey, bugün size evde ışık hakkında konuşacağım.", 0.5),
    ("Eee yani, en önemli şey pencere.", 2.8),
    ("Ben ben pencereyi ana ışık olarak kullanıyorum.", 0.5),
    ("Kamerayı göz hizasına koyun.", 0.5),
    ("Kamerayı göz hizasına koyun ve doğrudan merceğe bakın.", 1.0),
    (("Pencere ışığı sabah saatlerinde yumuşaktır ve yüzünüze güzel düşer, ama öğleden sonra sertleşir ve "
      "gölgeler yüzünüzün yarısını karartır, bu yüzden perdeyi kapatın ya da çekimi sabaha alın."), 0.5),
    ("Neden herkes bu üç hatayı yapıyor?", 2.3),
]
ENGLISH_LINES = [
    ("Hi guys, welcome back to my channel.", 3.6),
    ("So, um, today I want to talk about light at home.", 0.5),
    ("Um, like, the most important thing is the window.", 2.8),
    ("I I use the window as my key light.", 0.5),
    ("Put the camera at eye level.", 0.5),
    ("Put the camera at eye level and look straight into the lens.", 1.0),
    (("Window light is soft in the morning and falls nicely on your face, but in the afternoon it gets "
      "hard and the shadows darken half of your face, so close the curtain or move the shoot."), 0.5),
    ("Why do all of you make these three mistakes?", 2.3),
]
TAIL_S = 3.0  # after the last word: a tail note

DARK_FACE = Exposure(brightness=0.2, contrast=0.1, highlights_clipped=0.05, shadows_crushed=0.2,
                     sharpness=200.0, face_brightness=0.18)
GOOD_EXPOSURE = Exposure(brightness=0.45, contrast=0.2, highlights_clipped=0.0, shadows_crushed=0.01,
                         sharpness=300.0, face_brightness=0.5)
GOOD_FRAMING = Composition(subject_x=0.5, subject_y=0.4, face_height=0.3, headroom=0.1)


def probe(duration: float) -> VideoProbe:
    return VideoProbe(duration_s=duration, fps=30, width=1280, height=720, display_width=1280,
                      display_height=720, video_codec="h264", audio_codec="aac", has_audio=True,
                      frame_count=int(duration * 30), size_bytes=1000)


def shot(index: int, start: float, end: float, scale: ShotScale, **fields) -> Shot:
    values = {"exposure": GOOD_EXPOSURE, "composition": GOOD_FRAMING, "loudness_lufs": -15.0}
    values.update(fields)
    return Shot(index=index, start_s=start, end_s=end, start_frame=int(start * 30),
                end_frame=int(end * 30) - 1, scale=scale, **values)


def troubled_shots(one_scale: bool, duration: float = 45.0) -> list[Shot]:
    """A long dark take, a jump cut, handheld shake, too much headroom, quiet audio and the shot
    analyser's own issues; all at MCU (punch-in notes) or with a CU at the end (jump-cut notes)."""
    last = ShotScale.MCU if one_scale else ShotScale.CU
    return [
        shot(0, 0.0, 12.0, ShotScale.MCU, exposure=DARK_FACE),
        shot(1, 12.0, 17.0, ShotScale.MCU, transition_in="jump", movement=CameraMovement.HANDHELD,
             motion={"shake": 2.3}),
        shot(2, 17.0, 30.0, ShotScale.MCU, composition=Composition(headroom=0.26, face_height=0.2),
             loudness_lufs=-28.0, issues=["soft focus", "very warm white balance", "subject cut off at the top"]),
        shot(3, 30.0, duration, last, loudness_lufs=-28.5, movement=CameraMovement.HANDHELD, motion={}),
    ]


def talk(lines: list[tuple[str, float]], language: str) -> Transcript:
    segments, end = [], 0.0
    for text, pause in lines:
        segments.append(spoken(text, round(end + pause, 2)))
        end = segments[-1].end
    return transcript(*segments, language=language)


def direct(mode: DirectorMode, text: Transcript, shots: list[Shot] | None = None,
           one_scale: bool = False) -> DirectorResult:
    """`shots` default to troubled_shots(one_scale) over the talk and its tail."""
    duration = round(text.segments[-1].end + TAIL_S, 2)
    shots = shots or troubled_shots(one_scale, duration)
    inputs = DirectorInputs(probe=probe(duration), shots=shots, transcript=text)
    return LocalDirector().direct(mode, inputs, CallContext())


def written(result: DirectorResult) -> list[str]:
    """Everything the director wrote: notes, evidence, summary, script lines, shot list."""
    texts = [result.summary, *result.script]
    texts += [t for n in result.notes for t in (n.note, n.evidence)]
    texts += [t for item in result.shot_list for t in (item.framing, item.line)]
    return [t for t in texts if t]


def words_of(text: str) -> set[str]:
    return {w.strip("'’").lower() for w in re.findall(r"[\w'’-]+", text)}


def english_words_in(text: str, spoken_words: set[str]) -> set[str]:
    """English words in `text` that the speaker did not say (quotes of the transcript are fine)."""
    return (words_of(text) & ENGLISH_WORDS) - spoken_words


MODES = list(DirectorMode)


@pytest.mark.parametrize("one_scale", [True, False], ids=["one scale", "jump cut"])
@pytest.mark.parametrize("mode", MODES)
def test_a_turkish_transcript_gets_every_word_of_every_mode_in_turkish(mode, one_scale):
    text = talk(TURKISH_LINES, "tr")

    result = direct(mode, text, one_scale=one_scale)

    said = words_of(text.text)
    texts = written(result)
    assert len(texts) >= 8
    for piece in texts:
        assert not english_words_in(piece, said), piece
    assert not result.summary.startswith("English notes")


def test_turkish_scene_notes_cover_the_visual_rules_in_turkish():
    result = direct(DirectorMode.SCENE_DIRECTOR, talk(TURKISH_LINES, "tr"), one_scale=False)

    by_category = {}
    for n in result.notes:
        by_category.setdefault(n.category, []).append(n)
    jump = next(n for n in by_category["cut"] if n.note.startswith("1. ve 2."))
    assert jump.note.startswith("1. ve 2. çekimlerin ikisi de göğüs planı (MCU), bu yüzden 00:12 anındaki kesme "
                                "bir atlamalı kesme.")
    assert "kesmenin iki yanında aynı kadraj" in jump.evidence
    long_take = next(n for n in by_category["cut"] if n.note.startswith("Kesmesiz"))
    assert "cümle başları" in long_take.note or "eşit aralıklar" in long_take.note
    dark = next(n for n in by_category["exposure"] if n.note.startswith("Yüz az pozlanmış"))
    assert dark.evidence == "yüz parlaklığı 0.18"
    (quiet,) = [n for n in by_category["audio"] if n.note.startswith("Ses çok kısık")]
    assert quiet.evidence == "ses yüksekliği -28.5 ile -28.0 arası LUFS (3–4. çekimler)"
    assert any(n.note.startswith("Kamera sallanıyor (elde çekim)") for n in by_category["camera"])
    assert any(n.note.startswith("Başın üstünde fazla boşluk var") for n in by_category["framing"])
    assert [n.evidence for n in by_category["focus"]] == ["çekim analizi: 'netlik yumuşak'"]
    assert "hook" in by_category and "filler" in by_category and "silence" in by_category
    assert "açılış" in result.summary and "kadraj" in result.summary and "pozlama" in result.summary


def test_turkish_scale_notes_name_the_scales_in_turkish():
    result = direct(DirectorMode.SCENE_DIRECTOR, talk(TURKISH_LINES, "tr"), one_scale=True)

    scale_notes = [n for n in result.notes if n.category == "scale"]
    assert scale_notes
    assert all("yakın plan (CU) ölçeğine yakınlaşın" in n.note for n in scale_notes)
    assert all(n.evidence.startswith("4 çekimin hepsi MCU") for n in scale_notes)


def test_a_turkish_script_rewrite_splits_at_a_turkish_conjunction_and_explains_each_change_in_turkish():
    result = direct(DirectorMode.SCRIPT_REWRITE, talk(TURKISH_LINES, "tr"), one_scale=False)

    assert result.script[0] == "Neden herkes bu üç hatayı yapıyor?"
    assert "Ama öğleden sonra sertleşir ve gölgeler yüzünüzün yarısını karartır, bu yüzden perdeyi kapatın ya da " \
           "çekimi sabaha alın." in result.script
    joined = " ".join(result.script)
    assert "Şey," not in joined and "Eee" not in joined and "Ben ben" not in joined
    notes = " ".join(n.note for n in result.notes)
    for expected in ("dolgu kelimesi", "Yarım kalan başlangıç", "Yeniden başlanan bir cümle", "satıra bölündü",
                     "selamlama", "açılış olarak başa alındı"):
        assert expected in notes
    assert result.summary.startswith("Metin yeniden yazıldı:") and "dakikada 125 kelimeyle" in result.summary


def test_a_line_that_loses_its_opening_filler_is_capitalised_the_turkish_way():
    text = transcript(spoken("Şey, ilk olarak pencereyi ana ışık kaynağı yapın.", 0.4), language="tr")

    result = direct(DirectorMode.SCRIPT_REWRITE, text, [shot(0, 0.0, 6.5, ShotScale.MCU)])

    assert result.script == ["İlk olarak pencereyi ana ışık kaynağı yapın."]


def test_a_turkish_full_rewrite_has_a_turkish_shot_list_timed_at_the_turkish_pace():
    result = direct(DirectorMode.FULL_REWRITE, talk(TURKISH_LINES, "tr"), one_scale=False)

    items = result.shot_list
    assert items[0].framing == "Yakın plan: yüz kadrajı dolduruyor, gözler üst üçte bir çizgisinde, " \
                               "doğrudan merceğe; ilk karede konuşmaya başlayın"
    assert all(item.line in result.script for item in items)
    assert any(item.framing.startswith(("Göğüs planı", "Bel planı", "Vurgu için")) for item in items[1:])
    seven_words = next(item for item in items if len(item.line.split()) == 7)
    assert seven_words.duration_s == round(7 * 60 / 125, 1)
    assert result.script[-1].endswith("takip edin.")
    assert result.summary.startswith("Videonun kendi sözlerinden") and "dakikada 125 kelimeyle" in result.summary


@pytest.mark.parametrize("mode", MODES)
def test_the_same_video_in_english_stays_english(mode):
    text = talk(ENGLISH_LINES, "en")

    result = direct(mode, text, one_scale=mode != DirectorMode.SCENE_DIRECTOR)

    texts = written(result)
    assert len(texts) >= 8
    assert not [t for t in texts if set("çğıöşüİ") & set(t) or words_of(t) & TURKISH_WORDS]
    assert all(words_of(t) & ENGLISH_WORDS for t in [result.summary, *(n.note for n in result.notes)])
    assert not result.summary.startswith("English notes")


@pytest.mark.parametrize("mode", MODES)
def test_other_languages_get_an_english_result_labelled_english_notes(mode):
    text = talk([("Die Kamera steht auf Augenhöhe und das Licht kommt vom Fenster.", 1.0),
                 ("Warum machen alle diese drei Fehler?", 1.0)] * 4, "de")

    result = direct(mode, text, one_scale=True)

    assert result.summary.startswith("English notes: the transcript is in German")
    assert all(not set("çğıöşİ") & set(n.note) for n in result.notes)


def test_every_phrase_has_english_and_turkish_text_with_the_same_fields():
    for key, phrases in PHRASES.items():
        assert set(phrases) == {"en", "tr"}, key
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f} for lang, text in phrases.items()}
        english_only = {"s", "shots_s", "them"}  # the English plural endings
        assert fields["en"] - english_only == fields["tr"] - english_only, key

