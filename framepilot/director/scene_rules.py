"""Scene director by rules: time-stamped notes, each citing the measurement behind it.

Each rule reads one kind of measurement (word timings, shot spans and scales; exposure,
framing, camera motion, loudness and the analyser's issues via `shot_findings`), compares it
with a named threshold, and writes a note with the time range and, as evidence, the number
it saw. Notes come sorted by start time; the summary counts them by category.

Every note and the summary are written in English, or in Turkish for a Turkish transcript
(the words come from phrasebook.py), with filler words, false starts, line strength and
speaking-rate norms of that language; other languages get English notes with a label saying so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from framepilot.director.language import (
    PACE,
    category_name,
    english_notes_label,
    evidence_list,
    notes_language,
    plural_s,
    say,
    scale_name,
)
from framepilot.director.line_strength import LineStrength, is_greeting, score_line
from framepilot.director.shot_findings import TIGHT_SCALES, shot_measurements
from framepilot.director.spoken_text import (
    Disfluency,
    Sentence,
    Token,
    cluster_by_time,
    disfluencies,
    find_retakes,
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
    Shot,
    ShotScale,
)

VERSION = "rules-scene-1"
PROVIDER = "local"
MODEL = "rules"

# Hook: viewers of short videos decide within the first 3 seconds.
HOOK_MAX_S = 3.0
HOOK_STRENGTH_GAP = 3.0  # a later line this much stronger than the opening should open
# Cuts: in short-form the picture should change at least every 8-10 s.
LONG_TAKE_S = 8.0
MIN_CUT_SPACING_S = 3.0
MAX_LISTED_CUTS = 6
# Scale variety.
MAX_PUNCH_INS = 3
PUNCH_IN_SPACING_S = 5.0
JUMP_CUT_MARGIN_S = 0.5
# Fillers.
FILLER_GROUP_WINDOW_S = 15.0  # grouping when there are no shots
FILLER_WARNING_COUNT = 3
DELIVERY_GROUP_WINDOW_S = 10.0
# Pace: 130-170 wpm is comfortable for English talking-head video (see language.PACE).
FAST_WPM = PACE["en"].fast
SLOW_WPM = PACE["en"].slow
VERY_FAST_WPM = PACE["en"].very_fast
VERY_SLOW_WPM = PACE["en"].very_slow
PACE_WINDOW_S = 20.0  # shots longer than this are judged in windows of about PACE_STEP_S
PACE_STEP_S = 15.0
MIN_PACE_WORDS = 12
MIN_PACE_SPEECH_S = 5.0
# Silence.
SILENCE_GAP_S = 1.2
SILENCE_WARNING_S = 2.5
MAX_SILENCE_NOTES = 8
END_TAIL_S = 1.5
@dataclass(frozen=True)
class Reading:
    """Everything the rules read, computed once."""

    duration: float
    shots: list[Shot]
    tokens: list[Token]
    sentences: list[Sentence]
    cut: list[Disfluency]
    clean: dict[int, str]  # sentence index -> text without fillers and false starts
    spoken: str  # vocabulary of the transcript: "en", "tr" or "other" (see spoken_language)
    language: str | None  # the transcript's language code
    no_speech_reason: str | None

    @property
    def english(self) -> bool:
        return self.spoken == "en"

    @property
    def lang(self) -> str:
        """The language the notes are written in."""
        return notes_language(self.language)

    @property
    def speech(self) -> bool:
        return bool(self.tokens)

    def strength(self, sentence: Sentence) -> LineStrength:
        return score_line(self.clean.get(sentence.index) or sentence.text, self.spoken)

    def shot_position(self, t: float) -> int | None:
        for position, shot in enumerate(self.shots):
            if shot.start_s <= t < shot.end_s:
                return position
        if self.shots and t >= self.shots[-1].start_s:
            return len(self.shots) - 1
        return None


def read_inputs(inputs: DirectorInputs) -> Reading:
    transcript = inputs.transcript
    spoken = spoken_language(transcript.language)
    tokens = [] if transcript.no_speech else transcript_tokens(transcript, inputs.probe.duration_s)
    sentences = split_sentences(tokens)
    cut = disfluencies(sentences, spoken)
    remove = {t.index for d in cut for t in d.tokens}
    return Reading(
        duration=inputs.probe.duration_s,
        shots=sorted(inputs.shots, key=lambda s: s.start_s),
        tokens=tokens,
        sentences=sentences,
        cut=cut,
        clean={s.index: rebuild(s, remove, spoken) for s in sentences},
        spoken=spoken,
        language=transcript.language,
        no_speech_reason=transcript.no_speech_reason,
    )


def note(start: float, end: float, category: str, severity: str, text: str, evidence: str,
         at: float | None = None) -> DirectorNote:
    """`at`: the moment the note is about when it is narrower than the range (the Review page
    marks and plays the note there)."""
    return DirectorNote(start_s=round(start, 2), end_s=round(max(end, start), 2), category=category,
                        severity=severity, note=text, evidence=evidence,
                        at_s=None if at is None else round(at, 2))


def one_step(scale: ShotScale) -> tuple[ShotScale, str]:
    """The punch-in target one step tighter, with its phrase key; a CU or ECU pulls out one
    step instead."""
    scales = list(ShotScale)
    if scale in TIGHT_SCALES:
        return scales[scale.rank + 1], "move.out"
    return scales[scale.rank - 1], "move.in"


# --- speech rules ---------------------------------------------------------------------


def hook_delay(r: Reading) -> list[DirectorNote]:
    """The first word comes after HOOK_MAX_S: one warning over the silent opening."""
    if not r.speech or r.tokens[0].start <= HOOK_MAX_S:
        return []
    first = r.tokens[0].start
    return [note(0.0, first, "hook", "warning",
                 say("hook_delay", r.lang, first=first, hook=HOOK_MAX_S, at=clock(max(first - 0.2, 0))),
                 say("hook_delay.evidence", r.lang, first=first))]


def weak_opening(r: Reading) -> list[DirectorNote]:
    """The opening sentence is a greeting, or a later line scores HOOK_STRENGTH_GAP stronger:
    suggest opening with that line (English and Turkish only)."""
    if r.spoken == "other" or not r.sentences:
        return []
    first = r.sentences[0]
    first_text = r.clean.get(first.index) or first.text
    best = max(r.sentences, key=lambda s: (r.strength(s).score, -s.index))
    first_strength, best_strength = r.strength(first), r.strength(best)
    best_text = r.clean.get(best.index) or best.text
    if is_greeting(first_text, r.spoken):
        text = say("greeting", r.lang)
        if best is not first:
            text += say("greeting.better", r.lang, best=best_text, at=clock(best.start))
        return [note(first.start, first.end, "hook", "suggestion", text,
                     say("greeting.evidence", r.lang, first=_clip(first.text), strength=first_strength.describe()))]
    if best is not first and best_strength.score - first_strength.score >= HOOK_STRENGTH_GAP:
        return [note(first.start, first.end, "hook", "suggestion",
                     say("stronger_later", r.lang, best=best_text, at=clock(best.start)),
                     say("stronger_later.evidence", r.lang, start=best.start, best=best_strength.describe(),
                         first=first_strength.describe()))]
    return []


def filler_words(r: Reading) -> list[DirectorNote]:
    """Filler words the cut list removes, one note per shot (or per FILLER_GROUP_WINDOW_S without
    shots); a warning from FILLER_WARNING_COUNT in one group. No fillers, no note."""
    fillers = [d for d in r.cut if d.kind == "filler"]
    if not fillers:
        return []
    if r.shots:
        by_shot: dict[int, list[Disfluency]] = {}
        for d in fillers:
            by_shot.setdefault(r.shot_position(d.start) or 0, []).append(d)
        groups = list(by_shot.values())
    else:
        groups = cluster_by_time(fillers, FILLER_GROUP_WINDOW_S)
    notes = []
    for group in groups:
        labels = ", ".join(f"“{label}”" for label in dict.fromkeys(d.label for d in group))
        count = len(group)
        notes.append(note(group[0].start, group[-1].end, "filler",
                          "warning" if count >= FILLER_WARNING_COUNT else "suggestion",
                          say("fillers", r.lang, count=count, labels=labels, s=plural_s(count),
                              them="them" if count > 1 else "it"),
                          evidence_list(group, language=r.lang)))
    return notes


def false_starts(r: Reading) -> list[DirectorNote]:
    """False starts (grouped by DELIVERY_GROUP_WINDOW_S) and retaken sentences, each with the
    range to drop."""
    notes = []
    starts = [d for d in r.cut if d.kind == "false start"]
    for group in cluster_by_time(starts, DELIVERY_GROUP_WINDOW_S):
        notes.append(note(group[0].start, group[-1].end, "delivery", "suggestion", say("false_start", r.lang),
                          evidence_list(group, language=r.lang)))
    for retake in find_retakes(r.sentences, r.spoken):
        notes.append(note(retake.dropped.start, retake.kept.start, "delivery", "suggestion",
                          say("retake", r.lang, a=clock(retake.dropped.start), b=clock(retake.kept.start)),
                          say("retake.evidence", r.lang, text=_clip(retake.dropped.text),
                              start=retake.dropped.start, again=retake.kept.start)))
    return notes


def speaking_rate(tokens: list[Token]) -> tuple[float, float] | None:
    """(words per minute, seconds of speech) with pauses over SILENCE_GAP_S left out."""
    if len(tokens) < MIN_PACE_WORDS:
        return None
    pauses = sum(gap for a, b in zip(tokens, tokens[1:]) if (gap := b.start - a.end) > SILENCE_GAP_S)
    seconds = tokens[-1].end - tokens[0].start - pauses
    if seconds < MIN_PACE_SPEECH_S:
        return None
    return len(tokens) / seconds * 60.0, seconds


def pace_windows(r: Reading) -> list[tuple[float, float]]:
    spans = [(s.start_s, s.end_s) for s in r.shots] or [(0.0, max(r.duration, r.tokens[-1].end))]
    windows = []
    for a, b in spans:
        bounds = [a]
        if b - a > PACE_WINDOW_S:
            for sentence in r.sentences:
                if (a < sentence.start < b and sentence.start - bounds[-1] >= PACE_STEP_S
                        and b - sentence.start >= PACE_STEP_S / 2):
                    bounds.append(sentence.start)
        bounds.append(b)
        windows.extend(zip(bounds, bounds[1:]))
    return windows


def pace(r: Reading) -> list[DirectorNote]:
    """Speaking rate per window against the language's norms (PACE); neighbouring windows with
    the same verdict merge; pauses over SILENCE_GAP_S do not count as speech."""
    if not r.speech:
        return []

    def words_in(a: float, b: float) -> list[Token]:
        return [t for t in r.tokens if a <= (t.start + t.end) / 2 < b]

    norms = PACE[r.lang]
    verdicts: list[tuple[str | None, float, float]] = []
    for a, b in pace_windows(r):
        rate = speaking_rate(words_in(a, b))
        verdict = None
        if rate and rate[0] > norms.fast:
            verdict = "fast"
        elif rate and rate[0] < norms.slow:
            verdict = "slow"
        if verdict and verdicts and verdicts[-1][0] == verdict and verdicts[-1][2] == a:
            verdicts[-1] = (verdict, verdicts[-1][1], b)
        else:
            verdicts.append((verdict, a, b))
    notes = []
    for verdict, a, b in verdicts:
        if verdict is None:
            continue
        tokens = words_in(a, b)
        wpm, seconds = speaking_rate(tokens) or (0.0, 0.0)
        evidence = say("pace.evidence", r.lang, wpm=wpm, words=len(tokens), seconds=seconds)
        if verdict == "fast":
            notes.append(note(tokens[0].start, tokens[-1].end, "pacing",
                              "warning" if wpm > norms.very_fast else "suggestion",
                              say("pace.fast", r.lang, band=norms.band), evidence))
        else:
            notes.append(note(tokens[0].start, tokens[-1].end, "pacing",
                              "warning" if wpm < norms.very_slow else "suggestion",
                              say("pace.slow", r.lang, band=norms.band), evidence))
    return notes


def silences(r: Reading) -> list[DirectorNote]:
    """The MAX_SILENCE_NOTES longest gaps between words over SILENCE_GAP_S, in time order; a
    warning from SILENCE_WARNING_S."""
    gaps = [(b.start - a.end, a, b) for a, b in zip(r.tokens, r.tokens[1:]) if b.start - a.end > SILENCE_GAP_S]
    longest = sorted(gaps, key=lambda g: -g[0])[:MAX_SILENCE_NOTES]
    return [note(a.end, b.start, "silence", "warning" if gap >= SILENCE_WARNING_S else "suggestion",
                 say("silence", r.lang, a=_bare(a), b=_bare(b)), say("silence.evidence", r.lang, gap=gap))
            for gap, a, b in sorted(longest, key=lambda g: g[1].end)]


def end_tail(r: Reading) -> list[DirectorNote]:
    """More than END_TAIL_S after the last word: suggest cutting the run-on tail."""
    if not r.speech:
        return []
    last = r.tokens[-1].end
    tail = r.duration - last
    if tail <= END_TAIL_S:
        return []
    return [note(last, r.duration, "cut", "suggestion", say("tail", r.lang, at=clock(last)),
                 say("tail.evidence", r.lang, tail=tail))]


# --- visual rules ---------------------------------------------------------------------


def cut_points(shot: Shot, r: Reading) -> tuple[list[float], str]:
    """Where to cut a long take, at most LONG_TAKE_S apart, and what the points are: sentence
    starts, else clause breaks, else even steps."""
    inside = shot.start_s + MIN_CUT_SPACING_S, shot.end_s - MIN_CUT_SPACING_S
    starts = [s.start for s in r.sentences if inside[0] <= s.start <= inside[1]]
    basis = "basis.sentence_starts"
    if not starts:
        starts = [b.start for a, b in zip(r.tokens, r.tokens[1:])
                  if a.ends_clause and inside[0] <= b.start <= inside[1]]
        basis = "basis.clause_breaks" if starts else "basis.even_steps"
    points: list[float] = []
    last = shot.start_s
    while shot.end_s - last > LONG_TAKE_S:
        near = [t for t in starts if last + MIN_CUT_SPACING_S <= t <= last + LONG_TAKE_S]
        later = [t for t in starts if t > last + LONG_TAKE_S]
        point = near[-1] if near else later[0] if later else last + LONG_TAKE_S
        if shot.end_s - point < MIN_CUT_SPACING_S:
            break
        points.append(point)
        last = point
    return points, basis


def long_takes(r: Reading) -> list[DirectorNote]:
    """Shots over LONG_TAKE_S, with where to cut them (sentence ends, else pauses); a warning
    past twice that."""
    notes = []
    for shot in r.shots:
        length = shot.duration_s
        if length <= LONG_TAKE_S:
            continue
        points, basis = cut_points(shot, r)
        where = ", ".join(clock(p) for p in points[:MAX_LISTED_CUTS])
        if len(points) > MAX_LISTED_CUTS:
            where += " …"
        text = say("long_take", r.lang, length=length)
        text += (say("long_take.where", r.lang, where=where, basis=say(basis, r.lang), every=LONG_TAKE_S)
                 if points else say("long_take.middle", r.lang))
        notes.append(note(shot.start_s, shot.end_s, "cut",
                          "warning" if length > 2 * LONG_TAKE_S else "suggestion", text,
                          say("long_take.evidence", r.lang, length=length), at=points[0] if points else None))
    return notes


def scale_variety(r: Reading) -> list[DirectorNote]:
    """One shot scale throughout: suggest a punch-in one step tighter on the strongest lines
    (or everywhere); with several scales it defers to `jump_cuts`."""
    scaled = [s for s in r.shots if s.scale is not None]
    if not scaled:
        return []
    scales = {s.scale for s in scaled}
    if len(scales) > 1:
        return jump_cuts(r)
    scale = scaled[0].scale
    if len(scaled) == 1 and scaled[0].duration_s <= LONG_TAKE_S:
        return []
    target, move_key = one_step(scale)
    move = say(move_key, r.lang, target=scale_name(target, r.lang))
    name = scale_name(scale, r.lang)
    base = (say("scale.evidence.all", r.lang, n=len(scaled), scale=scale.value) if len(scaled) > 1
            else say("scale.evidence.only", r.lang, scale=scale.value))
    moments = punch_in_moments(r)
    if not moments:
        return [note(0.0, r.duration, "scale", "suggestion", say("scale.every", r.lang, scale=name, move=move),
                     base)]
    return [note(s.start, s.end, "scale", "suggestion",
                 say("scale.moment", r.lang, move=move, at=clock(s.start), line=r.clean.get(s.index) or s.text,
                     scale=name),
                 say("scale.evidence.line", r.lang, base=base, strength=r.strength(s).describe()))
            for s in moments]


def punch_in_moments(r: Reading) -> list[Sentence]:
    """The strongest sentences, at least PUNCH_IN_SPACING_S apart, in time order."""
    chosen: list[Sentence] = []
    for sentence in sorted(r.sentences, key=lambda s: (-r.strength(s).score, s.index)):
        if len(chosen) == MAX_PUNCH_INS:
            break
        if sentence.word_count < 4:
            continue
        if all(abs(sentence.start - c.start) >= PUNCH_IN_SPACING_S for c in chosen):
            chosen.append(sentence)
    return sorted(chosen, key=lambda s: s.start)


def jump_cuts(r: Reading) -> list[DirectorNote]:
    """Neighbouring shots at the same scale across a cut (or a detected jump): suggest changing
    the framing of the second, over JUMP_CUT_MARGIN_S either side of the cut."""
    notes = []
    for position, (a, b) in enumerate(zip(r.shots, r.shots[1:])):
        detected = b.transition_in == "jump"  # same framing either side: another take
        if a.scale is None or a.scale != b.scale or b.transition_in not in ("cut", "jump"):
            continue
        target, _ = one_step(a.scale)
        cut = b.start_s
        what = say("jump_cut.detected" if detected else "jump_cut.looks", r.lang)
        evidence = say("jump_cut.evidence", r.lang, a=position + 1, b=position + 2, scale=a.scale.value)
        notes.append(note(max(cut - JUMP_CUT_MARGIN_S, 0.0), min(cut + JUMP_CUT_MARGIN_S, r.duration), "cut",
                          "suggestion",
                          say("jump_cut", r.lang, a=position + 1, b=position + 2, scale=scale_name(a.scale, r.lang),
                              at=clock(cut), what=what, target=scale_name(target, r.lang)),
                          evidence + (say("jump_cut.same_framing", r.lang) if detected else "")))
    return notes


def shot_notes(r: Reading) -> list[DirectorNote]:
    """Each shot's measured problems (exposure, headroom, shake, loudness) from `shot_findings`."""
    return shot_measurements(r.shots, r.speech, r.lang)


def no_speech(r: Reading) -> list[DirectorNote]:
    """No words heard: one info note over the whole video saying why, so notes are visual only."""
    if r.speech:
        return []
    return [note(0.0, r.duration, "audio", "info", say("no_speech", r.lang),
                 r.no_speech_reason or say("reason.no_words", r.lang))]


def _bare(token: Token) -> str:
    return token.text.strip(",.?!;:")


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


RULES: tuple[Callable[[Reading], list[DirectorNote]], ...] = (
    hook_delay, weak_opening, filler_words, false_starts, pace, silences, end_tail,
    long_takes, scale_variety, shot_notes, no_speech,
)


def scene_director(inputs: DirectorInputs) -> DirectorResult:
    r = read_inputs(inputs)
    notes = sorted((n for rule in RULES for n in rule(r)), key=lambda n: (n.start_s, n.end_s, n.category))
    return DirectorResult(
        mode=DirectorMode.SCENE_DIRECTOR, provider=PROVIDER, model=MODEL, prompt_version=VERSION,
        language=inputs.transcript.language, summary=summary_text(r, notes), notes=notes,
    )


def summary_text(r: Reading, notes: list[DirectorNote]) -> str:
    counts = Counter(n.category for n in notes)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    by_count = ", ".join(f"{category_name(category, r.lang)} {n}" for category, n in ranked)
    head = say("summary.clean", r.lang)
    if notes:
        head = say("summary.notes", r.lang, n=len(notes), s=plural_s(len(notes)), by_count=by_count)
    facts = []
    if r.speech:
        rate = speaking_rate(r.tokens)
        pace_text = say("summary.pace", r.lang, wpm=rate[0], seconds=rate[1]) if rate else ""
        facts.append(pace_text + say("summary.first_word", r.lang, first=r.tokens[0].start))
    else:
        facts.append(say("summary.no_speech", r.lang,
                         reason=r.no_speech_reason or say("reason.nothing_transcribed", r.lang)))
    if r.shots:
        scales = {s.scale for s in r.shots if s.scale is not None}
        shots = say("summary.shots", r.lang, n=len(r.shots), s=plural_s(len(r.shots)))
        if len(scales) == 1 and len(r.shots) > 1:
            shots += say("summary.all_scale", r.lang, scale=next(iter(scales)).value)
        facts.append(shots)
    text = f"{head} {'; '.join(facts)}."
    label = english_notes_label(r.language) if r.speech else None
    return f"{label} {text}" if label else text
