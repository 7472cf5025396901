"""Full rewrite by rules: a new script from the video's own lines, and a numbered shot list.

The material is the tightened transcript (`script_rewrite.tighten`): the strongest line opens
as the hook in a close-up, the body keeps the speaker's order (the weakest lines go when the
script would run past MAX_SCRIPT_S), and a call to action closes, reusing the speaker's own when
there is one. Scales alternate MCU / MS with a one-step punch-in on key lines; each shot lasts
as long as its line takes at the language's target pace (language.PACE: 150 wpm in English,
125 in Turkish), never less than MIN_SHOT_S. The script, shot list, notes and summary are in
English, or Turkish for a Turkish transcript (phrasebook.py); other languages get English notes
with a label, and their own lines are never translated.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

from framepilot.director.language import (
    PACE,
    english_notes_label,
    notes_language,
    plural_s,
    say,
    scale_name,
)
from framepilot.director.script_rewrite import (
    MODEL,
    PROVIDER,
    ScriptLine,
    TightScript,
    no_speech_note,
    split_long_line,
    tighten,
)
from framepilot.director.spoken_text import capitalise, normalise
from framepilot.director.timecode import clock
from framepilot.models import (
    DirectorInputs,
    DirectorMode,
    DirectorNote,
    DirectorResult,
    Shot,
    ShotListItem,
    ShotScale,
)

VERSION = "rules-full-1"

TARGET_WPM = PACE["en"].target  # English; each language's is PACE[language].target
MIN_SHOT_S = 2.0
MAX_SHOT_S = 8.0  # the scene director's long-take limit: longer lines become two shots
MAX_SCRIPT_S = 60.0  # short-form: the body is trimmed to fit
MIN_BODY_LINES = 2
# A line scoring at least this (see line_strength) is a key line and gets a punch-in; so are the
# strongest quarter of the body lines when they score at least MIN_KEY_SCORE.
KEY_LINE_SCORE = 5.0
MIN_KEY_SCORE = 2.0
# Visual-only shot list (no speech): no shot longer than this.
MAX_SILENT_SHOT_S = 4.0
CTA_WORDS = frozenset({"follow", "subscribe", "comment", "comments", "link", "share", "save", "dm",
                       "join", "download"})
# Turkish builds the call to action on these stems: "abone olun", "takip edin", "yorumlara yazın".
CTA_STEMS_TR = ("abone", "takip", "yorum", "beğen", "paylaş", "link", "bağlantı", "kaydet", "katıl", "indir")
TOPIC_STOPWORDS_TR = frozenset({
    "için", "daha", "olarak", "kadar", "sonra", "şimdi", "gibi", "çünkü", "ancak", "bunu", "şunu", "bunun",
    "şöyle", "böyle", "yani", "aslında", "diye", "olan", "olur", "değil", "bence", "şeyi", "şeyler", "biraz",
    "önce", "hepsi", "herkes", "burada", "orada", "nasıl", "neden", "size", "sizin", "bizim", "benim", "video",
    "videoda", "bugün", "kullanın", "yapın", "yapıyor", "oluyor",
})
TOPIC_STOPWORDS = frozenset({
    "about", "after", "again", "also", "always", "because", "before", "being", "could", "doing",
    "don't", "every", "everyone", "going", "gonna", "have", "here", "it's", "just", "know",
    "like", "make", "many", "more", "most", "much", "need", "never", "only", "other", "people",
    "really", "should", "something", "that", "that's", "their", "them", "then", "there",
    "these", "they", "thing", "things", "think", "this", "those", "through", "time", "today",
    "very", "want", "what", "when", "where", "which", "while", "will", "with", "would", "your",
    "you're", "you'll", "yourself", "into", "from", "than", "were", "been", "does", "even",
    "best", "first", "well", "right", "said", "same", "still", "take", "used", "using", "video",
    "actually", "basically", "okay", "yeah", "i'm", "we're", "can't", "let's", "there's",
})



def framing(scale: ShotScale, language: str) -> str:
    """How to frame a shot at `scale` ("Medium shot: waist up, ...")."""
    return say(f"framing.{scale.value}", language)


@dataclass(frozen=True)
class PlannedLine:
    text: str
    role: str  # hook, body, key, cta
    source: ScriptLine | None


def full_rewrite(inputs: DirectorInputs) -> DirectorResult:
    transcript, duration = inputs.transcript, inputs.probe.duration_s
    tight = tighten(transcript, duration)
    base = dict(mode=DirectorMode.FULL_REWRITE, provider=PROVIDER, model=MODEL,
                prompt_version=VERSION, language=transcript.language)
    lang = notes_language(transcript.language)
    if not tight.lines:
        shot_list = silent_shot_list(inputs.shots, lang)
        reason = transcript.no_speech_reason or say("reason.nothing_transcribed", lang)
        return DirectorResult(
            **base, shot_list=shot_list,
            summary=say("full.summary.no_speech", lang, reason=reason, n=len(inputs.shots), limit=MAX_SILENT_SHOT_S),
            notes=[no_speech_note(transcript, duration)])
    plan, trimmed = plan_script(tight)
    shot_list = shot_list_for(plan, lang)
    script = [line.text for line in plan]
    return DirectorResult(
        **base,
        summary=summary_text(tight, plan, shot_list, trimmed),
        notes=plan_notes(tight, plan, trimmed, inputs.shots, duration, transcript.language),
        original_script=transcript.text.strip() or " ".join(s.text for s in tight.sentences),
        script=script,
        diff=list(difflib.unified_diff([s.text for s in tight.sentences], script, "original", "rewrite",
                                       lineterm="")),
        shot_list=shot_list,
    )


def line_seconds(text: str, language: str = "en") -> float:
    return round(max(MIN_SHOT_S, len(text.split()) * 60.0 / PACE[language].target), 1)


def is_call_to_action(text: str, spoken: str = "en") -> bool:
    """Does the line ask the viewer to act (follow, subscribe, comment...; in Turkish too)?"""
    words = {normalise(w, spoken) for w in text.split()}
    if spoken == "tr":
        return any(w.startswith(CTA_STEMS_TR) for w in words)
    return bool(CTA_WORDS & words)


def plan_script(tight: TightScript) -> tuple[list[PlannedLine], list[ScriptLine]]:
    """Hook, body in spoken order (trimmed to MAX_SCRIPT_S, weakest lines first), closing CTA."""
    hook, rest = tight.lines[0], tight.lines[1:]
    own_cta = next((line for line in reversed(rest)
                    if tight.spoken != "other" and is_call_to_action(line.text, tight.spoken)), None)
    body = [line for line in rest if line is not own_cta]
    closing = own_cta.text if own_cta else closing_line(tight)
    lang = notes_language(tight.language)
    budget = MAX_SCRIPT_S - line_seconds(hook.text, lang) - (line_seconds(closing, lang) if closing else 0.0)
    trimmed: list[ScriptLine] = []
    while len(body) > MIN_BODY_LINES and sum(line_seconds(line.text, lang) for line in body) > budget:
        weakest = min(reversed(body), key=lambda line: line.strength.score)
        body.remove(weakest)
        trimmed.append(weakest)
    plan = [PlannedLine(hook.text, "hook", hook)]
    max_words = int(MAX_SHOT_S * PACE[lang].target / 60)
    keys = key_lines(body[1:])  # the first body line follows the CU hook: it pulls out, never in
    for line in body:
        role = "key" if line in keys else "body"
        plan += [PlannedLine(part, role, line) for part in split_long_line(line.text, tight.spoken, max_words)]
    if closing:
        plan.append(PlannedLine(closing, "cta", own_cta))
    return plan, trimmed


def key_lines(body: list[ScriptLine]) -> list[ScriptLine]:
    """Lines scoring KEY_LINE_SCORE or more, plus the strongest quarter of the body (at least
    one line, if it scores MIN_KEY_SCORE), so every script with a body gets a punch-in."""
    ranked = sorted(body, key=lambda line: -line.strength.score)
    top = [line for line in ranked[:max(1, round(len(body) / 4))] if line.strength.score >= MIN_KEY_SCORE]
    return top + [line for line in body if line.strength.score >= KEY_LINE_SCORE and line not in top]


def closing_line(tight: TightScript) -> str | None:
    """A call to action about the video's own topic, in English or Turkish; None for other
    languages (a voiceover must not switch language)."""
    if tight.spoken == "other":
        return None
    topic = main_topic(tight.lines, tight.spoken)
    lang = notes_language(tight.language)
    if not topic:
        return say("cta.generic", lang)
    if lang == "tr":  # the topic opens the Turkish sentence
        topic = capitalise(topic, lang)
    return say("cta.topic", lang, topic=topic)


def main_topic(lines: list[ScriptLine], spoken: str = "en") -> str | None:
    """The content word said most often (at least twice), e.g. 'lighting'."""
    stopwords = TOPIC_STOPWORDS_TR if spoken == "tr" else TOPIC_STOPWORDS
    counts: Counter[str] = Counter()
    for line in lines:
        for word in line.text.split():
            norm = normalise(word, spoken)
            if len(norm) >= 4 and norm.isalpha() and norm not in stopwords:
                counts[norm] += 1
    if not counts:
        return None
    word, count = counts.most_common(1)[0]
    return word if count >= 2 else None


def tighter(scale: ShotScale) -> ShotScale:
    scales = list(ShotScale)
    return scales[max(scale.rank - 1, 0)]


def shot_list_for(plan: list[PlannedLine], language: str = "en") -> list[ShotListItem]:
    """Hook in CU; then MCU and MS alternate, key lines punch in one step tighter than the
    shot before, and no two neighbouring shots share a scale (that would be a jump cut)."""
    items: list[ShotListItem] = []
    previous: ShotScale | None = None
    for number, line in enumerate(plan, start=1):
        if line.role == "hook":
            scale = ShotScale.CU
            how = say("framing.hook", language, framing=framing(scale, language))
        elif line.role == "key" and previous is not None and previous != ShotScale.CU:
            scale = tighter(previous)
            how = say("framing.punch_in", language, previous=scale_name(previous, language),
                      framing=framing(scale, language))
        elif line.role == "cta":
            scale = ShotScale.MCU if previous != ShotScale.MCU else ShotScale.MS
            how = say("framing.cta", language, framing=framing(scale, language))
        else:
            scale = ShotScale.MS if previous == ShotScale.MCU else ShotScale.MCU
            how = framing(scale, language)
        items.append(ShotListItem(number=number, scale=scale, framing=how,
                                  duration_s=line_seconds(line.text, language), line=line.text))
        previous = scale
    return items


def silent_shot_list(shots: list[Shot], language: str = "en") -> list[ShotListItem]:
    """No speech: re-cut the existing shots, varying the scale, each at most MAX_SILENT_SHOT_S."""
    items: list[ShotListItem] = []
    previous: ShotScale | None = None
    for number, shot in enumerate(shots, start=1):
        scale = shot.scale or ShotScale.MS
        if scale == previous:
            scale = tighter(scale) if scale != ShotScale.ECU else ShotScale.CU
        items.append(ShotListItem(
            number=number, scale=scale,
            framing=say("framing.from_shot", language, n=number, a=clock(shot.start_s), b=clock(shot.end_s),
                        framing=framing(scale, language)),
            duration_s=round(min(max(shot.duration_s, 0.5), MAX_SILENT_SHOT_S), 1), line=""))
        previous = scale
    return items


def plan_notes(tight: TightScript, plan: list[PlannedLine], trimmed: list[ScriptLine],
               shots: list[Shot], duration: float, language: str | None) -> list[DirectorNote]:
    lang = notes_language(language)
    hook = plan[0].source
    notes = [DirectorNote(
        start_s=hook.source.start, end_s=hook.source.end, category="hook", severity="suggestion",
        note=say("full.hook", lang, at=clock(hook.source.start), text=hook.text),
        evidence=hook.strength.describe())]
    for line in trimmed:
        notes.append(DirectorNote(
            start_s=line.source.start, end_s=line.source.end, category="structure", severity="suggestion",
            note=say("full.trimmed", lang, limit=MAX_SCRIPT_S, text=line.text),
            evidence=say("full.trimmed.evidence", lang, strength=line.strength.describe())))
    keys = list(dict.fromkeys(line.source for line in plan if line.role == "key"))
    for key in keys:
        notes.append(DirectorNote(
            start_s=key.source.start, end_s=key.source.end, category="scale",
            severity="suggestion", note=say("full.key", lang, text=key.text),
            evidence=key.strength.describe()))
    scales = [s.scale for s in shots if s.scale is not None]
    if scales:
        used = Counter(s.value for s in scales)
        notes.append(DirectorNote(
            start_s=0.0, end_s=duration, category="scale", severity="info",
            note=say("full.scales", lang, punch_ins=say("full.scales.punch_ins", lang) if keys else ""),
            evidence=say("full.scales.evidence", lang,
                         counts=", ".join(f"{n} {scale}" for scale, n in used.most_common()))))
    closing = plan[-1]
    if closing.role == "cta" and closing.source is not None:
        notes.append(DirectorNote(
            start_s=closing.source.source.start, end_s=closing.source.source.end, category="structure",
            severity="info", note=say("full.own_cta", lang), evidence=f"'{closing.text}'"))
    elif closing.role == "cta":
        last = tight.sentences[-1]
        notes.append(DirectorNote(
            start_s=last.start, end_s=max(last.end, duration), category="structure", severity="suggestion",
            note=say("full.add_cta", lang, text=closing.text), evidence=say("full.add_cta.evidence", lang)))
    elif tight.spoken == "other":
        notes.append(DirectorNote(
            start_s=0.0, end_s=duration, category="structure", severity="suggestion",
            note=say("full.other_cta", lang), evidence=say("full.other_cta.evidence", lang, code=language)))
    return sorted(notes, key=lambda n: (n.start_s, n.end_s))


def summary_text(tight: TightScript, plan: list[PlannedLine], shot_list: list[ShotListItem],
                 trimmed: list[ScriptLine]) -> str:
    lang = notes_language(tight.language)
    total = sum(item.duration_s for item in shot_list)
    punch_ins = sum(1 for line in plan if line.role == "key")
    parts = [say("full.summary.lines", lang, n=len(plan), s=plural_s(len(plan)), shots=len(shot_list),
                 shots_s=plural_s(len(shot_list)), total=total, wpm=PACE[lang].target),
             say("full.summary.opens", lang, at=clock(plan[0].source.source.start))]
    if punch_ins:
        parts.append(say("full.summary.punch_ins", lang, n=punch_ins, s=plural_s(punch_ins)))
    if trimmed:
        parts.append(say("full.summary.trimmed", lang, n=len(trimmed), s=plural_s(len(trimmed)),
                         limit=MAX_SCRIPT_S))
    if plan[-1].role == "cta":
        parts.append(say("full.summary.cta", lang))
    text = "; ".join(parts) + "."
    label = english_notes_label(tight.language)
    return f"{label} {text}" if label else text
