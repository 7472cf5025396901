"""Audible fillers: a filled pause that Whisper leaves out of its text is heard in the audio,
becomes a transcript word marked `filler`, and a `filler` cut; a clean reading gets none.

Speech is the product's local voice (hibari) with a hum planted between two sentences, so
nothing here needs ../shared; the transcriber is the real local Whisper.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from framepilot.edit.cutlist import suggest_cuts
from framepilot.models import CutKind, Segment, Transcript, Word
from framepilot.pipeline.fillers import hear_fillers, is_written_filler, mark_fillers
from framepilot.providers.local.transcriber import LocalTranscriber
from framepilot.settings import Settings
from framepilot.usage.metering import CallContext
from testkit.evalsets.fillers import RATE, save_wav, speak_hibari

pytestmark = pytest.mark.slow

FIRST, SECOND = "Lighting is the cheapest upgrade you can make.", "A lamp behind the camera is enough."
PAUSE_S = 0.3
FPS = 25


@pytest.fixture(scope="module")
def transcriber(tmp_path_factory) -> LocalTranscriber:
    return LocalTranscriber(Settings(data_dir=tmp_path_factory.mktemp("fillers_data")))


def _talk(folder: Path, hum: str | None) -> tuple[Path, tuple[float, float] | None]:
    """The two sentences with a pause between them, and a hum ("um") in that pause if asked."""
    first, second = speak_hibari(None, FIRST, 0), speak_hibari(None, SECOND, 0)
    gap = np.zeros(int(PAUSE_S * RATE), np.float32)
    middle = [gap] if hum is None else [gap, speak_hibari(hum, None, 0), gap]
    audio = np.concatenate([first, *middle, second])
    path = folder / ("with_um.wav" if hum else "clean.wav")
    save_wav(path, audio)
    if hum is None:
        return path, None
    start = (len(first) + len(gap)) / RATE
    return path, (start, start + len(middle[1]) / RATE)


def test_an_um_whisper_leaves_out_is_heard_marked_and_cut(transcriber, tmp_path):
    wav, (start, end) = _talk(tmp_path, "ʌːm")
    transcript = transcriber.transcribe(wav, CallContext())

    heard = hear_fillers(transcript, wav)

    fillers = [w for w in heard.words if w.filler]
    assert len(fillers) == 1
    [um] = fillers
    assert um.word == "um" and um.heard and "held voiced sound" in um.heard
    assert start - 0.1 <= um.start < um.end <= end + 0.1
    others = [w for w in heard.words if not w.filler]
    assert all(w.end <= um.start or w.start >= um.end for w in others)  # the swallowing word was trimmed
    assert heard.text == transcript.text  # the clean text (and captions) leave it out
    cuts = suggest_cuts(heard, FPS, int((end + 3.0) * FPS)).cuts
    [cut] = [c for c in cuts if c.kind == CutKind.FILLER]
    assert cut.start_s < end and cut.end_s > start
    assert "heard in the audio" in cut.evidence


def test_a_clean_reading_gets_no_filler(transcriber, tmp_path):
    wav, _ = _talk(tmp_path, None)
    transcript = transcriber.transcribe(wav, CallContext())

    heard = hear_fillers(transcript, wav)

    assert not [w for w in heard.words if w.filler]
    assert not [c for c in suggest_cuts(heard, FPS, 10 * FPS).cuts if c.kind == CutKind.FILLER]


def test_fillers_whisper_wrote_are_marked_and_lookalike_words_are_not():
    words = [Word(word=w, start=i * 0.5, end=i * 0.5 + 0.4)
             for i, w in enumerate(["Um,", "umbrella", "ahead", "uh", "ııı", "hum"])]
    transcript = Transcript(language="en", text="Um, umbrella ahead uh ııı hum",
                            segments=[Segment(start=0.0, end=3.0, text="Um, umbrella ahead uh ııı hum", words=words)])

    marked = mark_fillers(transcript, samples=None)

    assert [w.filler for w in marked.words] == [True, False, False, True, True, False]
    assert all(w.heard is None for w in marked.words)
    assert is_written_filler("Erm...") and not is_written_filler("ember")
