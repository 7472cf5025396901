"""The suggested cuts of a talking video, read from its transcript's word timings.

Rules, each with a named threshold and the measurement it cites:
- silence: a pause between two words longer than SILENCE_MIN_S is cut down to two handles;
- filler: "um", "you know", "ııı", "şey", "yani"... (English and Turkish, see spoken_text), and
  every word the transcript marks a filler, including those only heard in the audio
  (framepilot.pipeline.fillers);
- false start: a word broken off and restarted ("I- I think") or a phrase said twice;
- retake: a sentence said again; the last complete take is kept, the earlier ones are cut;
- slow start: the silence before the first word;
- tail: what runs on after the last word, beyond TAIL_KEEP_S.

Reasons and evidence are written in Turkish for a Turkish transcript, otherwise in English.

Every cut begins and ends in the gap between two words, HANDLE_FRAMES frames of air away
from the kept words (less when the gap is narrower), and is snapped to whole frames, so an
exported timeline and the rendered preview agree to the frame. Where two rules cover the same
stretch the stronger one (retake, false start, filler, then silence) keeps it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from framepilot.director.language import notes_language, say
from framepilot.director.spoken_text import (
    Disfluency,
    Retake,
    Token,
    disfluencies,
    find_retakes,
    split_sentences,
    spoken_language,
    transcript_tokens,
)
from framepilot.models import Cut, CutKind, CutList, Shot, Transcript, VideoProbe

HANDLE_FRAMES = 3
SILENCE_MIN_S = 0.7
SLOW_START_MIN_S = 0.5
TAIL_KEEP_S = 0.5
MIN_CUT_FRAMES = 2
# Where two suggestions overlap, the first kind in this order keeps the stretch.
PRECEDENCE = (CutKind.RETAKE, CutKind.FALSE_START, CutKind.FILLER, CutKind.SLOW_START, CutKind.TAIL,
              CutKind.SILENCE)


@dataclass(frozen=True)
class _Span:
    start_s: float
    end_s: float
    kind: CutKind
    reason: str
    evidence: str
    words: tuple[str, ...] = ()


def _word(token: Token) -> str:
    return token.text.strip(",.?!;:…\"“”")


class _Gaps:
    """Cut points in the gaps between words, a handle away from the words that stay."""

    def __init__(self, tokens: Sequence[Token], handle_s: float, end_s: float) -> None:
        self.tokens, self.handle, self.end = tokens, handle_s, end_s

    def before(self, i: int) -> float:
        """Where a cut that removes token i (and maybe more after it) starts."""
        if i == 0:
            return max(0.0, self.tokens[0].start - self.handle)
        prev, token = self.tokens[i - 1], self.tokens[i]
        gap = max(token.start - prev.end, 0.0)
        return prev.end + min(self.handle, gap / 2)

    def pause_around(self, i: int, j: int) -> tuple[float, float]:
        """The silence before token i and after token j (0 at the ends)."""
        before = self.tokens[i].start - self.tokens[i - 1].end if i > 0 else 0.0
        after = self.tokens[j + 1].start - self.tokens[j].end if j + 1 < len(self.tokens) else 0.0
        return max(before, 0.0), max(after, 0.0)

    def after(self, j: int) -> float:
        """Where a cut that removes token j (and maybe more before it) ends."""
        if j == len(self.tokens) - 1:
            return min(self.end, self.tokens[j].end + self.handle)
        token, nxt = self.tokens[j], self.tokens[j + 1]
        gap = max(nxt.start - token.end, 0.0)
        return nxt.start - min(self.handle, gap / 2)


def _silences(tokens: Sequence[Token], handle: float, lang: str) -> list[_Span]:
    spans = []
    for a, b in zip(tokens, tokens[1:]):
        gap = b.start - a.end
        if gap > SILENCE_MIN_S:
            spans.append(_Span(
                a.end + handle, b.start - handle, CutKind.SILENCE,
                say("cut.silence", lang, gap=gap, a=_word(a), b=_word(b)),
                say("cut.silence.evidence", lang, end=a.end, start=b.start, kept=2 * handle)))
    return spans


def _disfluency(d: Disfluency, gaps: _Gaps, lang: str) -> _Span:
    first, last = d.tokens[0].index, d.tokens[-1].index
    said = " ".join(t.text.strip() for t in d.tokens)
    if d.kind == "filler":
        kind, reason = CutKind.FILLER, say("cut.filler", lang, label=d.label)
    else:
        kind = CutKind.FALSE_START
        repeated = d.label.removeprefix("repeated ") if d.label.startswith("repeated ") else None
        reason = (say("cut.repeat", lang, phrase=repeated) if repeated is not None
                  else say("cut.broken", lang, label=d.label))
    evidence = say("cut.said", lang, said=said, start=d.start, end=d.end)
    heard = [t.heard for t in d.tokens if t.heard]
    if heard:
        evidence += say("cut.heard", lang, heard="; ".join(heard))
    pauses = [say("cut.pause", lang, p=p, where=say(f"cut.{where}", lang))
              for p, where in zip(gaps.pause_around(first, last), ("before", "after")) if p > SILENCE_MIN_S]
    if pauses:
        evidence += say("cut.pause_around", lang, pauses=say("cut.and", lang).join(pauses))
    return _Span(gaps.before(first), gaps.after(last), kind, reason, evidence, tuple(_word(t) for t in d.tokens))


def _retakes(retakes: list[Retake], gaps: _Gaps, lang: str) -> list[_Span]:
    spans = []
    for retake in retakes:
        dropped, kept = retake.dropped, retake.kept
        spans.append(_Span(
            gaps.before(dropped.tokens[0].index), gaps.after(kept.tokens[0].index - 1), CutKind.RETAKE,
            say("cut.retake", lang, again=kept.start),
            say("cut.retake.evidence", lang, text=dropped.text, start=dropped.start, end=dropped.end,
                again=kept.start),
            tuple(_word(t) for t in dropped.tokens)))
    return spans


def _ends(tokens: Sequence[Token], handle: float, end_s: float, lang: str) -> list[_Span]:
    spans = []
    first, last = tokens[0], tokens[-1]
    if first.start > SLOW_START_MIN_S:
        spans.append(_Span(0.0, first.start - handle, CutKind.SLOW_START,
                           say("cut.slow_start", lang, first=first.start),
                           say("cut.slow_start.evidence", lang, word=_word(first), first=first.start)))
    tail = end_s - last.end
    if tail > TAIL_KEEP_S + handle:
        spans.append(_Span(last.end + TAIL_KEEP_S, end_s, CutKind.TAIL, say("cut.tail", lang, tail=tail),
                           say("cut.tail.evidence", lang, word=_word(last), last=last.end, end=end_s,
                               keep=TAIL_KEEP_S)))
    return spans


def _to_cut(span: _Span, fps: float, frame_count: int) -> Cut | None:
    start = max(0, math.floor(span.start_s * fps + 0.5))  # nearest frame, halves up
    end = min(frame_count, math.floor(span.end_s * fps + 0.5))
    if end - start < MIN_CUT_FRAMES:
        return None
    return Cut(id=f"{span.kind.value}-{start}", start_s=round(start / fps, 4), end_s=round(end / fps, 4),
               start_frame=start, end_frame=end, kind=span.kind, reason=span.reason, evidence=span.evidence,
               words=list(span.words))


def _without_overlaps(cuts: list[Cut], fps: float) -> list[Cut]:
    """Stronger kinds first; a weaker cut is trimmed to what no stronger one covers (or dropped)."""
    kept: list[Cut] = []
    for cut in sorted(cuts, key=lambda c: (PRECEDENCE.index(c.kind), c.start_frame)):
        start, end = cut.start_frame, cut.end_frame
        for other in kept:
            if other.start_frame <= start < other.end_frame:
                start = other.end_frame
            if other.start_frame < end <= other.end_frame:
                end = other.start_frame
            if start < other.start_frame and other.end_frame < end:
                end = start  # a weaker cut around a stronger one: the stronger one says it
        if end - start >= MIN_CUT_FRAMES:
            if (start, end) != (cut.start_frame, cut.end_frame):
                cut = cut.model_copy(update={"start_frame": start, "end_frame": end, "id": f"{cut.kind.value}-{start}",
                                             "start_s": round(start / fps, 4), "end_s": round(end / fps, 4)})
            kept.append(cut)
    return sorted(kept, key=lambda c: c.start_frame)


def suggest_cuts(transcript: Transcript, fps: float, frame_count: int) -> CutList:
    """Every suggested cut of a video with this transcript, `frame_count` frames at `fps`."""
    fps = fps if fps > 0 else 25.0
    end_s = frame_count / fps
    cut_list = CutList(fps=fps, frame_count=frame_count, language=transcript.language)
    tokens = [] if transcript.no_speech else transcript_tokens(transcript, end_s)
    if not tokens or frame_count <= 0:
        return cut_list
    handle = HANDLE_FRAMES / fps
    gaps = _Gaps(tokens, handle, end_s)
    sentences = split_sentences(tokens)
    language = spoken_language(transcript.language)
    retakes = find_retakes(sentences, language)
    dropped = {r.dropped.index for r in retakes}
    kept_sentences = [s for s in sentences if s.index not in dropped]
    lang = notes_language(transcript.language)
    spans = _retakes(retakes, gaps, lang)
    spans += [_disfluency(d, gaps, lang) for d in disfluencies(kept_sentences, language)]
    spans += _silences(tokens, handle, lang) + _ends(tokens, handle, end_s, lang)
    cuts = [c for span in spans if (c := _to_cut(span, fps, frame_count)) is not None]
    return cut_list.model_copy(update={"cuts": _without_overlaps(cuts, fps)})


def with_choices(cut_list: CutList, choices: dict[str, bool]) -> CutList:
    """The cut list with the user's on/off choices (by cut id) applied; unknown ids are ignored."""
    cuts = [c.model_copy(update={"enabled": choices.get(c.id, c.enabled)}) for c in cut_list.cuts]
    return cut_list.model_copy(update={"cuts": cuts})


def cut_list_of(probe: VideoProbe, shots: list[Shot], transcript: Transcript, choices: dict[str, bool]) -> CutList:
    """The cut list of an analysed video with the user's choices. Frames are the decoded ones
    (the shots tile them)."""
    frame_count = shots[-1].end_frame + 1 if shots else probe.frame_count
    return with_choices(suggest_cuts(transcript, probe.fps, frame_count), choices)
