"""Transcripts built in code the way Whisper returns them, for the director and edit tests."""

from __future__ import annotations

from framepilot.models import Segment, Transcript, Word

WORD_STEP_S = 0.4  # 150 wpm
WORD_LENGTH_S = 0.3


def spoken(text: str, start: float, step: float = WORD_STEP_S, length: float = WORD_LENGTH_S) -> Segment:
    """A segment as Whisper gives it: words with a leading space and attached punctuation."""
    words = [Word(word=f" {w}", start=round(start + i * step, 3), end=round(start + i * step + length, 3))
             for i, w in enumerate(text.split())]
    return Segment(start=words[0].start, end=words[-1].end, text=f" {text}", words=words)


def transcript(*segments: Segment, language: str = "en") -> Transcript:
    return Transcript(language=language, language_probability=0.99, segments=list(segments),
                      text="".join(s.text for s in segments).strip(), provider="local", model="test")
