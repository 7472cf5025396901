"""The local director's languages: it writes English, and Turkish for Turkish transcripts.

`notes_language` picks the language of the notes; other transcript languages get English
notes with a clear label (`english_notes_label`), never a silent switch. `say` fills in a
note's words from `phrasebook.PHRASES`, the one table of everything the director writes.
`PACE` holds the speaking-rate norms, which differ because Turkish words are longer (one agglutinated word often carries what English says in three), so the same
comfortable delivery gives fewer words a minute.
"""

from __future__ import annotations

from dataclasses import dataclass

from framepilot.director.phrasebook import PHRASES
from framepilot.director.spoken_text import Disfluency, is_english, is_turkish
from framepilot.models import ShotScale

LANGUAGE_NAMES = {"de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
                  "nl": "Dutch", "ru": "Russian", "ar": "Arabic", "ja": "Japanese", "zh": "Chinese"}


def notes_language(transcript_language: str | None) -> str:
    """"tr" for a Turkish transcript, otherwise "en"."""
    return "tr" if is_turkish(transcript_language) else "en"


def english_notes_label(transcript_language: str | None) -> str | None:
    """The label for notes written in English about a transcript in another language (not Turkish)."""
    if is_english(transcript_language) or is_turkish(transcript_language):
        return None
    name = LANGUAGE_NAMES.get(transcript_language.lower()[:2], f"'{transcript_language}'")
    return (f"English notes: the transcript is in {name}, and the local director writes English and "
            "Turkish only, so filler words and line strength were not judged.")


@dataclass(frozen=True)
class PaceNorms:
    comfortable: tuple[float, float]
    fast: float
    slow: float
    very_fast: float
    very_slow: float
    target: float  # the pace a rewritten script is timed at

    @property
    def band(self) -> str:
        return f"{self.comfortable[0]:.0f}–{self.comfortable[1]:.0f}"


PACE: dict[str, PaceNorms] = {
    "en": PaceNorms((130.0, 170.0), fast=180.0, slow=110.0, very_fast=200.0, very_slow=90.0,
                    target=150.0),
    "tr": PaceNorms((105.0, 140.0), fast=150.0, slow=90.0, very_fast=170.0, very_slow=75.0,
                    target=125.0),
}


def say(key: str, language: str, **values: object) -> str:
    """The phrase `key` (see phrasebook.PHRASES) in `language` ("en" or "tr"), filled in."""
    phrases = PHRASES[key]
    return phrases.get(language, phrases["en"]).format(**values)


def plural_s(n: int) -> str:
    """The English plural ending for `n` things; Turkish templates ignore it (a noun after a
    number stays singular there)."""
    return "" if n == 1 else "s"


def scale_name(scale: ShotScale, language: str) -> str:
    """"MCU" in English notes, "göğüs planı (MCU)" in Turkish ones."""
    return say(f"scale.{scale.value}", language)


def category_name(category: str, language: str) -> str:
    """A note category as the summary counts it; unknown categories (an LLM's) stay as they are."""
    phrases = PHRASES.get(f"category.{category}")
    return phrases.get(language, category) if phrases else category


def issue_name(issue: str, language: str) -> str:
    """One of the shot analyser's issue names in `language`; free text (an LLM's) stays as it is."""
    phrases = PHRASES.get(f"issue.{issue}")
    return phrases.get(language, issue) if phrases else issue


def evidence_list(items: list[Disfluency], limit: int = 6, language: str = "en") -> str:
    """"'um' at 12.3 s, 'like' at 14.0 s" (and how many more); `language` "tr" writes it in Turkish."""
    shown = [say("evidence.at", language, label=d.label, t=d.start) if d.repeated_phrase is None
             else say("evidence.repeated", language, phrase=d.repeated_phrase.strip("'"), t=d.start)
             for d in items[:limit]]
    more = len(items) - limit
    return ", ".join(shown) + (say("evidence.more", language, more=more) if more > 0 else "")
