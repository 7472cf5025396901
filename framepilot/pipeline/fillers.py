"""Filler words in the transcript: what Whisper wrote ("um") and what only the audio heard.

`mark_fillers` returns the transcript with every filler word marked `filler: true`: hesitation
words Whisper wrote are marked in place, and each filled pause found in the audio
(framepilot.pipeline.filled_pauses) that no written word covers is inserted as a word, with
the measurement that found it. The word whose time span had swallowed the pause is trimmed
back to the other side of it, so the cut list can cut between words. Segment texts and the
transcript's text stay as Whisper wrote them: captions and the clean transcript leave fillers
out, the cut list and the notes count them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from framepilot.models import Segment, Transcript, Word
from framepilot.pipeline.audio import SAMPLE_RATE, read_pcm
from framepilot.pipeline.filled_pauses import (
    WRITTEN_HESITATIONS,
    FilledPause,
    TimedWord,
    find_filled_pauses,
)

# The shortest word left when a swallowing word is trimmed back (Whisper's own minimum step).
MIN_WORD_S = 0.02
# The word written for a filled pause found only in the audio, by transcript language.
HEARD_LABELS = {"en": ("uh", "um"), "tr": ("ııı", "hımm")}
DEFAULT_LABELS = ("(filler)", "(filler)")  # other languages: no spelling to borrow


def _bare(text: str) -> str:
    return re.sub(r"[^\w]", "", text.replace("I", "ı").lower())


def is_written_filler(text: str) -> bool:
    """A hesitation as Whisper spells it ("Um,", "uh", "ııı"); real words ("umbrella") are not."""
    return _bare(text) in WRITTEN_HESITATIONS


def _label(pause: FilledPause, language: str | None) -> str:
    lang = (language or "en").lower()[:2]
    vowel, hum = HEARD_LABELS.get(lang, DEFAULT_LABELS)
    return hum if pause.nasal_end else vowel


def heard_evidence(pause: FilledPause) -> str:
    """The measurement, in numbers and units only (the notes put it in their own language)."""
    return (f"{pause.duration_s:.2f} s held voiced sound, {pause.pitch_hz:.0f} Hz, "
            f"spectral change {pause.spectral_change_db:.1f} dB/30 ms, score {pause.score:.2f}")


def _trim(word: Word, pause: FilledPause) -> Word:
    """The word without the pause's time: kept on the side where more of it lies."""
    if word.end <= pause.start or word.start >= pause.end:
        return word
    before, after = pause.start - word.start, word.end - pause.end
    if before >= after:
        return word.model_copy(update={"end": round(max(word.start + MIN_WORD_S, pause.start), 3)})
    return word.model_copy(update={"start": round(min(word.end - MIN_WORD_S, pause.end), 3)})


def _covers(word: Word, pause: FilledPause) -> bool:
    overlap = min(word.end, pause.end) - max(word.start, pause.start)
    return overlap > 0.5 * min(word.end - word.start, pause.duration_s)


def hear_fillers(transcript: Transcript, audio_path: Path | None) -> Transcript:
    """`mark_fillers` on the soundtrack at `audio_path` (the stage's 16 kHz WAV)."""
    if audio_path is None or transcript.no_speech or not transcript.segments:
        return transcript
    decoded = read_pcm(Path(audio_path), rate=SAMPLE_RATE)
    samples = None if decoded is None else decoded[0].astype(np.float32) / 32768.0
    return mark_fillers(transcript, samples)


def mark_fillers(transcript: Transcript, samples: np.ndarray | None) -> Transcript:
    """The transcript with filler words marked (and inserted where only the audio has them).
    `samples` are the soundtrack as 16 kHz mono floats; None marks written fillers only."""
    if transcript.no_speech or not transcript.segments:
        return transcript
    segments = [s.model_copy(update={"words": [w.model_copy(update={"filler": is_written_filler(w.word)})
                                               for w in s.words]}) for s in transcript.segments]
    words = [w for s in segments for w in s.words]
    pauses = [] if samples is None or not words else find_filled_pauses(
        samples, [TimedWord(w.word, w.start, w.end) for w in words])
    for pause in pauses:
        if any(w.filler and _covers(w, pause) for w in words):
            continue  # Whisper wrote it: already marked
        heard = Word(word=_label(pause, transcript.language), start=pause.start, end=pause.end, probability=None,
                     filler=True, heard=heard_evidence(pause))
        segments = _insert(segments, heard, pause)
        words = [w for s in segments for w in s.words]
    return transcript.model_copy(update={"segments": segments})


def _insert(segments: list[Segment], heard: Word, pause: FilledPause) -> list[Segment]:
    """Put `heard` into the segment it falls in (or the nearest one), trimming swallowing words."""
    def distance(s: Segment) -> float:
        return max(s.start - pause.start, pause.end - s.end, 0.0)

    target = min(range(len(segments)), key=lambda i: distance(segments[i]))
    out = []
    for i, segment in enumerate(segments):
        words = [w if w.filler else _trim(w, pause) for w in segment.words]
        if i == target:
            words = sorted([*words, heard], key=lambda w: (w.start, w.end))
            segment = segment.model_copy(update={"start": min(segment.start, heard.start),
                                                 "end": max(segment.end, heard.end)})
        out.append(segment.model_copy(update={"words": words}))
    return out
