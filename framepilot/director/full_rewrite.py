"""Full rewrite by rules: a new script from the video's own lines, and a numbered shot list.

The material is the tightened transcript (`script_rewrite.tighten`): the strongest line opens
as the hook in a close-up, the body keeps the speaker's order (the weakest lines go when the
script would run past MAX_SCRIPT_S), and a call to action closes, reusing the speaker's own when
there is one. Scales alternate MCU / MS with a one-step punch-in on key lines; each shot lasts
as long as its line takes at TARGET_WPM, never less than MIN_SHOT_S. Text is English.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

from framepilot.director.script_rewrite import (
    MODEL,
    PROVIDER,
    ScriptLine,
    TightScript,
    no_speech_note,
    split_long_line,
    tighten,
)
from framepilot.director.spoken_text import normalise
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
from framepilot.wording import plural

VERSION = "rules-full-1"

TARGET_WPM = 150
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

FRAMING = {
    ShotScale.ECU: "Extreme close-up: eyes and mouth only, for the one word that matters",
    ShotScale.CU: "Close-up: face fills the frame, eyes on the upper third line, straight into the lens",
    ShotScale.MCU: "Medium close-up: head and shoulders, eyes on the upper third, a little headroom",
    ShotScale.MS: "Medium shot: waist up, room for hand gestures",
    ShotScale.FS: "Full shot: the whole body in the space",
    ShotScale.WS: "Wide shot: the speaker small in the setting",
}


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
    if not tight.lines:
        shot_list = silent_shot_list(inputs.shots)
        reason = transcript.no_speech_reason or "nothing was transcribed"
        return DirectorResult(
            **base, shot_list=shot_list,
            summary=(f"No speech found ({reason}): no script to rewrite; the shot list re-cuts the "
                     f"{len(inputs.shots)} existing shots with varied scales, none longer than "
                     f"{MAX_SILENT_SHOT_S:g} s."),
            notes=[no_speech_note(transcript, duration, "rewrite")])
    plan, trimmed = plan_script(tight)
    shot_list = shot_list_for(plan)
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


def line_seconds(text: str) -> float:
    return round(max(MIN_SHOT_S, len(text.split()) * 60.0 / TARGET_WPM), 1)


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
    budget = MAX_SCRIPT_S - line_seconds(hook.text) - (line_seconds(closing) if closing else 0.0)
    trimmed: list[ScriptLine] = []
    while len(body) > MIN_BODY_LINES and sum(line_seconds(line.text) for line in body) > budget:
        weakest = min(reversed(body), key=lambda line: line.strength.score)
        body.remove(weakest)
        trimmed.append(weakest)
    plan = [PlannedLine(hook.text, "hook", hook)]
    max_words = int(MAX_SHOT_S * TARGET_WPM / 60)
    keys = key_lines(body[1:])  # the first body line follows the CU hook: it pulls out, never in
    for line in body:
        role = "key" if line in keys else "body"
        plan += [PlannedLine(part, role, line) for part in split_long_line(line.text, tight.english, max_words)]
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
    if tight.spoken == "tr":
        if not topic:
            return "Bunun gibi videolar için takip edin."
        first = "İ" if topic[0] == "i" else topic[0].upper()
        return f"{first}{topic[1:]} hakkında daha fazlası için takip edin."
    return f"Follow for more on {topic}." if topic else "Follow for more videos like this one."


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


def shot_list_for(plan: list[PlannedLine]) -> list[ShotListItem]:
    """Hook in CU; then MCU and MS alternate, key lines punch in one step tighter than the
    shot before, and no two neighbouring shots share a scale (that would be a jump cut)."""
    items: list[ShotListItem] = []
    previous: ShotScale | None = None
    for number, line in enumerate(plan, start=1):
        if line.role == "hook":
            scale, framing = ShotScale.CU, f"{FRAMING[ShotScale.CU]}; start talking on the first frame"
        elif line.role == "key" and previous is not None and previous != ShotScale.CU:
            scale = tighter(previous)
            framing = f"Punch in from {previous.value} for emphasis. {FRAMING[scale]}"
        elif line.role == "cta":
            scale = ShotScale.MCU if previous != ShotScale.MCU else ShotScale.MS
            framing = f"{FRAMING[scale]}; direct to the lens, hold a beat at the end"
        else:
            scale = ShotScale.MS if previous == ShotScale.MCU else ShotScale.MCU
            framing = FRAMING[scale]
        items.append(ShotListItem(number=number, scale=scale, framing=framing,
                                  duration_s=line_seconds(line.text), line=line.text))
        previous = scale
    return items


def silent_shot_list(shots: list[Shot]) -> list[ShotListItem]:
    """No speech: re-cut the existing shots, varying the scale, each at most MAX_SILENT_SHOT_S."""
    items: list[ShotListItem] = []
    previous: ShotScale | None = None
    for number, shot in enumerate(shots, start=1):
        scale = shot.scale or ShotScale.MS
        if scale == previous:
            scale = tighter(scale) if scale != ShotScale.ECU else ShotScale.CU
        items.append(ShotListItem(
            number=number, scale=scale,
            framing=f"From shot {number} ({clock(shot.start_s)}–{clock(shot.end_s)}). {FRAMING[scale]}",
            duration_s=round(min(max(shot.duration_s, 0.5), MAX_SILENT_SHOT_S), 1), line=""))
        previous = scale
    return items


def plan_notes(tight: TightScript, plan: list[PlannedLine], trimmed: list[ScriptLine],
               shots: list[Shot], duration: float, language: str | None) -> list[DirectorNote]:
    hook = plan[0].source
    notes = [DirectorNote(
        start_s=hook.source.start, end_s=hook.source.end, category="hook", severity="suggestion",
        note=f"Open on the line from {clock(hook.source.start)} in a close-up: “{hook.text}”",
        evidence=hook.strength.describe())]
    for line in trimmed:
        notes.append(DirectorNote(
            start_s=line.source.start, end_s=line.source.end, category="structure", severity="suggestion",
            note=f"Left out to keep the video under {MAX_SCRIPT_S:.0f} s: “{line.text}”",
            evidence=f"weakest remaining line, {line.strength.describe()}"))
    keys = list(dict.fromkeys(line.source for line in plan if line.role == "key"))
    for key in keys:
        notes.append(DirectorNote(
            start_s=key.source.start, end_s=key.source.end, category="scale",
            severity="suggestion", note=f"Punch in on this key line: “{key.text}”",
            evidence=key.strength.describe()))
    scales = [s.scale for s in shots if s.scale is not None]
    if scales:
        used = Counter(s.value for s in scales)
        punch_ins = " with punch-ins on key lines" if keys else ""
        notes.append(DirectorNote(
            start_s=0.0, end_s=duration, category="scale", severity="info",
            note=f"The new shot list alternates MCU and MS{punch_ins}, so the edit has a change of "
                 "scale at every line.",
            evidence="original shots: " + ", ".join(f"{n} {scale}" for scale, n in used.most_common())))
    closing = plan[-1]
    if closing.role == "cta" and closing.source is not None:
        notes.append(DirectorNote(
            start_s=closing.source.source.start, end_s=closing.source.source.end, category="structure",
            severity="info", note="Your own call to action moves to the end, where it lands.",
            evidence=f"'{closing.text}'"))
    elif closing.role == "cta":
        last = tight.sentences[-1]
        notes.append(DirectorNote(
            start_s=last.start, end_s=max(last.end, duration), category="structure", severity="suggestion",
            note=f"Add a closing call to action: “{closing.text}”",
            evidence="no call to action (follow, subscribe, comment, link) in the transcript"))
    elif tight.spoken == "other":
        notes.append(DirectorNote(
            start_s=0.0, end_s=duration, category="structure", severity="suggestion",
            note="End with a call to action in the video's language (the local director writes "
                 "English only, so it did not add one).",
            evidence=f"transcript language '{language}'"))
    return sorted(notes, key=lambda n: (n.start_s, n.end_s))


def summary_text(tight: TightScript, plan: list[PlannedLine], shot_list: list[ShotListItem],
                 trimmed: list[ScriptLine]) -> str:
    total = sum(item.duration_s for item in shot_list)
    punch_ins = sum(1 for line in plan if line.role == "key")
    parts = [f"New script of {plural(len(plan), 'line')} from the video's own words, {plural(len(shot_list), 'shot')}, "
             f"about {total:.0f} s at {TARGET_WPM} wpm",
             f"opens on the line from {clock(plan[0].source.source.start)} in a close-up"]
    if punch_ins:
        parts.append(f"{plural(punch_ins, 'punch-in')} on key lines")
    if trimmed:
        parts.append(f"{plural(len(trimmed), 'weaker line')} left out to stay under "
                     f"{MAX_SCRIPT_S:.0f} s")
    if plan[-1].role == "cta":
        parts.append("closes with a call to action")
    return "; ".join(parts) + "."
