"""Script rewrite by rules: a tighter script for the same footage.

Fillers and false starts are cut, a sentence the speaker restarted keeps only its complete
take, sentences over LONG_SENTENCE_WORDS are split at a conjunction or a comma, and the
strongest line (scored by `line_strength`) moves to the top as the hook. Fillers are
recognised, and notes, evidence and the summary written, in English or Turkish (phrasebook.py);
other languages get English notes with a label. Conjunctions to split at are English and Turkish.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from framepilot.director.language import (
    PACE,
    english_notes_label,
    evidence_list,
    notes_language,
    plural_s,
    say,
)
from framepilot.director.line_strength import LineStrength, is_greeting, score_line
from framepilot.director.spoken_text import (
    Disfluency,
    Retake,
    Sentence,
    capitalise,
    cluster_by_time,
    disfluencies,
    find_retakes,
    normalise,
    rebuild,
    split_sentences,
    spoken_language,
    transcript_tokens,
)
from framepilot.director.timecode import clock
from framepilot.models import (
    DirectorInputs,
    DirectorMode,
    DirectorNote,
    DirectorResult,
    Transcript,
)

VERSION = "rules-script-1"
PROVIDER = "local"
MODEL = "rules"

LONG_SENTENCE_WORDS = 25
MIN_PART_WORDS = 6
SPLIT_CONJUNCTIONS = {
    "en": frozenset({"and", "but", "so", "because", "or", "then", "while", "although", "though"}),
    "tr": frozenset({"ve", "ama", "fakat", "ancak", "çünkü", "veya", "yoksa", "sonra"}),
}
# Dropped when a split puts them first: "..., and then we light it" -> "Then we light it."
DROPPED_CONJUNCTIONS = {"en": frozenset({"and", "so"}), "tr": frozenset({"ve"})}
NOTE_GROUP_WINDOW_S = 10.0
# A line this short that only greets ("Hi guys, welcome back!") is cut: short videos lose
# viewers before the first real line.
MAX_GREETING_WORDS = 8


@dataclass(frozen=True)
class ScriptLine:
    text: str
    source: Sentence
    strength: LineStrength

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class TightScript:
    """The rewrite and what it took out, for notes."""

    sentences: list[Sentence]
    lines: list[ScriptLine]
    cut: list[Disfluency]
    retakes: list[Retake]
    splits: list[tuple[Sentence, int]]
    greetings: list[ScriptLine]
    moved_hook: ScriptLine | None
    displaced_opening: ScriptLine | None
    english: bool
    spoken: str = "en"  # spoken_language code: which fillers and line-strength words applied
    language: str | None = None  # the transcript's language code

    @property
    def word_count(self) -> int:
        return sum(line.word_count for line in self.lines)


def tighten(transcript: Transcript, duration_s: float | None = None) -> TightScript:
    spoken = spoken_language(transcript.language)
    english = spoken == "en"
    sentences = split_sentences(transcript_tokens(transcript, duration_s))
    retakes = find_retakes(sentences, spoken)
    dropped = {r.dropped.index for r in retakes}
    kept = [s for s in sentences if s.index not in dropped]
    cut = disfluencies(kept, spoken)
    remove = {t.index for d in cut for t in d.tokens}
    lines: list[ScriptLine] = []
    splits: list[tuple[Sentence, int]] = []
    for sentence in kept:
        text = rebuild(sentence, remove, spoken)
        if not any(ch.isalnum() for ch in text):
            continue
        parts = split_long_line(text, spoken)
        if len(parts) > 1:
            splits.append((sentence, len(parts)))
        lines.extend(ScriptLine(p, sentence, score_line(p, spoken)) for p in parts)
    greetings = [line for line in lines
                 if is_greeting(line.text, spoken) and line.word_count <= MAX_GREETING_WORDS] if spoken != "other" else []
    if len(greetings) < len(lines):
        lines = [line for line in lines if line not in greetings]
    else:
        greetings = []
    moved = displaced = None
    if lines:
        best = max(range(len(lines)), key=lambda i: (lines[i].strength.score, -i))
        if best > 0:
            displaced = lines[0]
            moved = lines.pop(best)
            lines.insert(0, moved)
    return TightScript(sentences, lines, cut, retakes, splits, greetings, moved, displaced, english, spoken,
                       transcript.language)


def split_long_line(text: str, spoken: str = "en", max_words: int = LONG_SENTENCE_WORDS) -> list[str]:
    """Split a line over `max_words` into parts of at least MIN_PART_WORDS, preferring
    ", and" / ", ama" near the middle, then a bare conjunction, then a comma. `spoken` is a
    spoken_language code; other languages split at commas only."""
    words = text.split()
    if len(words) <= max_words:
        return [text]
    k = _split_point(words, spoken)
    if k is None:
        return [text]
    left, right = words[:k], words[k:]
    left[-1] = left[-1].rstrip(",;:-—–") + "."
    if normalise(right[0], spoken) in DROPPED_CONJUNCTIONS.get(spoken, ()) and len(right) > MIN_PART_WORDS:
        right = right[1:]
    right[0] = capitalise(right[0], spoken)
    return [part for half in (left, right) for part in split_long_line(" ".join(half), spoken, max_words)]


def _split_point(words: list[str], spoken: str) -> int | None:
    conjunctions = SPLIT_CONJUNCTIONS.get(spoken, frozenset())
    best: tuple[int, float] | None = None
    point = None
    for k in range(MIN_PART_WORDS, len(words) - MIN_PART_WORDS + 1):
        after_comma = words[k - 1].endswith((",", ";", ":"))
        conjunction = normalise(words[k], spoken) in conjunctions
        if after_comma and conjunction or words[k - 1].endswith(";"):
            rank = 0
        elif conjunction:
            rank = 1
        elif after_comma:
            rank = 2
        else:
            continue
        key = (rank, abs(k - len(words) / 2))
        if best is None or key < best:
            best, point = key, k
    return point


def change_notes(tight: TightScript) -> list[DirectorNote]:
    """Notes that explain each kind of change, with the time ranges they came from."""
    lang = notes_language(tight.language)
    notes: list[DirectorNote] = []
    fillers = [d for d in tight.cut if d.kind == "filler"]
    for group in cluster_by_time(fillers, NOTE_GROUP_WINDOW_S):
        notes.append(DirectorNote(
            start_s=group[0].start, end_s=group[-1].end, category="filler", severity="suggestion",
            note=say("rewrite.fillers", lang, n=len(group), s=plural_s(len(group))),
            evidence=evidence_list(group, language=lang)))
    starts = [d for d in tight.cut if d.kind == "false start"]
    for group in cluster_by_time(starts, NOTE_GROUP_WINDOW_S):
        notes.append(DirectorNote(
            start_s=group[0].start, end_s=group[-1].end, category="delivery", severity="suggestion",
            note=say("rewrite.false_start", lang), evidence=evidence_list(group, language=lang)))
    for retake in tight.retakes:
        notes.append(DirectorNote(
            start_s=retake.dropped.start, end_s=retake.dropped.end, category="delivery",
            severity="suggestion", note=say("rewrite.retake", lang, at=clock(retake.kept.start)),
            evidence=say("rewrite.retake.evidence", lang, text=retake.dropped.text, start=retake.dropped.start,
                         again=retake.kept.start)))
    for sentence, parts in tight.splits:
        notes.append(DirectorNote(
            start_s=sentence.start, end_s=sentence.end, category="structure", severity="suggestion",
            note=say("rewrite.split", lang, parts=parts),
            evidence=say("rewrite.split.evidence", lang, n=sentence.word_count, s=plural_s(sentence.word_count))))
    for line in tight.greetings:
        notes.append(DirectorNote(
            start_s=line.source.start, end_s=line.source.end, category="hook", severity="suggestion",
            note=say("rewrite.greeting", lang),
            evidence=say("rewrite.greeting.evidence", lang, text=line.text, start=line.source.start)))
    if tight.moved_hook is not None and tight.displaced_opening is not None:
        hook, old = tight.moved_hook, tight.displaced_opening
        notes.append(DirectorNote(
            start_s=hook.source.start, end_s=hook.source.end, category="hook", severity="suggestion",
            note=say("rewrite.moved", lang, at=clock(hook.source.start), text=hook.text),
            evidence=say("rewrite.moved.evidence", lang, strength=hook.strength.describe(),
                         old=old.strength.describe())))
    elif tight.lines:
        first = tight.lines[0]
        notes.append(DirectorNote(
            start_s=first.source.start, end_s=first.source.end, category="hook", severity="info",
            note=say("rewrite.kept", lang), evidence=first.strength.describe()))
    return sorted(notes, key=lambda n: (n.start_s, n.end_s))


def diff_lines(tight: TightScript) -> list[str]:
    return list(difflib.unified_diff(
        [s.text for s in tight.sentences], [line.text for line in tight.lines],
        "original", "rewrite", lineterm=""))


def no_speech_note(transcript: Transcript, duration_s: float) -> DirectorNote:
    lang = notes_language(transcript.language)
    return DirectorNote(
        start_s=0.0, end_s=duration_s, category="script", severity="info", note=say("rewrite.no_speech", lang),
        evidence=transcript.no_speech_reason or say("reason.no_words", lang))


def script_rewrite(inputs: DirectorInputs) -> DirectorResult:
    transcript, duration = inputs.transcript, inputs.probe.duration_s
    tight = tighten(transcript, duration)
    base = dict(mode=DirectorMode.SCRIPT_REWRITE, provider=PROVIDER, model=MODEL,
                prompt_version=VERSION, language=transcript.language)
    if not tight.lines:
        lang = notes_language(transcript.language)
        reason = transcript.no_speech_reason or say("reason.nothing_transcribed", lang)
        return DirectorResult(**base, summary=say("rewrite.summary.no_speech", lang, reason=reason),
                              notes=[no_speech_note(transcript, duration)])
    before = sum(s.word_count for s in tight.sentences)
    return DirectorResult(
        **base,
        summary=summary_text(tight, before),
        notes=change_notes(tight),
        original_script=transcript.text.strip() or " ".join(s.text for s in tight.sentences),
        script=[line.text for line in tight.lines],
        diff=diff_lines(tight),
    )


def summary_text(tight: TightScript, words_before: int) -> str:
    """What the rewrite changed, in Turkish for a Turkish transcript; other languages get an
    English summary with the English-notes label."""
    lang = notes_language(tight.language)

    def count(key: str, n: int) -> str:
        return say(f"rewrite.summary.{key}", lang, n=n, s=plural_s(n))

    fillers = sum(1 for d in tight.cut if d.kind == "filler")
    starts = sum(1 for d in tight.cut if d.kind == "false start") + len(tight.retakes)
    changes = [count("fillers", fillers), count("starts", starts)]
    if tight.greetings:
        changes.append(say("rewrite.summary.greeting", lang))
    if tight.splits:
        changes.append(count("splits", len(tight.splits)))
    if tight.moved_hook is not None:
        changes.append(say("rewrite.summary.moved", lang, at=clock(tight.moved_hook.source.start)))
    else:
        changes.append(say("rewrite.summary.kept", lang))
    after = tight.word_count
    wpm = PACE[lang].target
    text = say("rewrite.summary", lang, changes=", ".join(changes), before=words_before, after=after,
               seconds=after * 60.0 / wpm, wpm=wpm)
    label = english_notes_label(tight.language)
    return f"{label} {text}" if label else text
