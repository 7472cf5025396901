"""Burned-in captions of the finished timeline: word-timed cues, an ASS file, SRT and VTT.

Words come from the transcript and are moved onto the finished timeline (a word whose middle
falls in a cut is gone with it). Fillers ("um", "you know", "şey"...) are left out of the
text, as the cut list reads them. Cues hold at most MAX_LINES lines of at most MAX_CHARS
characters, and no line is wider than the preset's safe area (measured with the font itself),
so libass never wraps a third line. A cue ends at a sentence end or a pause.

The font is DejaVu Sans Bold from matplotlib's package data (installed with mediapipe): it
covers Turkish (ş ğ ı İ ç ö ü), and ffmpeg's `ass` filter reads it through `fontsdir`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from framepilot.director.spoken_text import (
    HESITATIONS,
    disfluencies,
    split_sentences,
    spoken_language,
    transcript_tokens,
)
from framepilot.finish.plan import CaptionCue, CaptionStyle, CaptionWord, Segment
from framepilot.finish.presets import Preset
from framepilot.models import Transcript

MAX_LINES = 2
MAX_CHARS = 32
PAUSE_S = 0.7  # a pause this long between words starts a new cue
HOLD_S = 0.4  # a cue stays up this long after its last word (unless the next one starts)
MIN_CUE_S = 0.6
MAX_CUE_S = 4.0
FONT_NAME = "DejaVu Sans"
FONT_FILE = "DejaVuSans-Bold.ttf"
TEXT_COLOUR = "&H00FFFFFF"  # ASS colours are &HAABBGGRR
HIGHLIGHT_COLOUR = "&H0000E5FF"  # warm yellow
BOX_COLOUR = "&H30000000"  # black, about 80 % opaque
_TERMINAL = (".", "!", "?", "…")


def font_dir() -> Path:
    """The folder holding the caption font (matplotlib's bundled DejaVu fonts)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@lru_cache(maxsize=8)
def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_dir() / FONT_FILE), size)


def text_width(text: str, size: int) -> float:
    return float(_font(size).getlength(text))


def font_size(preset: Preset, out_h: int) -> int:
    return max(16, round(preset.caption_height * out_h))


def _out_time(t: float, segments: Sequence[Segment]) -> float | None:
    for seg in segments:
        if seg.src_start_s <= t < seg.src_end_s:
            return seg.out_start_s + (t - seg.src_start_s)
    return None


def finished_words(transcript: Transcript, segments: Sequence[Segment], duration_s: float) -> list[CaptionWord]:
    """The spoken words that stay in the finish, on its timeline, without fillers."""
    if transcript.no_speech:
        return []
    tokens = transcript_tokens(transcript, duration_s)
    language = spoken_language(transcript.language)
    fillers = {t.index for d in disfluencies(split_sentences(tokens), language) if d.kind == "filler"
               for t in d.tokens}
    words = []
    for token in tokens:
        text = token.text.strip()
        if not text or token.index in fillers or token.norm in HESITATIONS:
            continue
        middle = _out_time((token.start + token.end) / 2, segments)
        if middle is None:
            continue
        start = _out_time(token.start, segments)
        end = _out_time(max(token.start, token.end - 1e-3), segments)
        start = middle - 0.05 if start is None or start > middle else start
        end = middle + 0.05 if end is None or end < middle else end
        words.append(CaptionWord(text=text, start=round(start, 3), end=round(end, 3)))
    return words


def build_cues(words: Sequence[CaptionWord], max_width_px: float, size: int) -> list[CaptionCue]:
    """Group words into cues of at most two lines that fit the safe width."""
    cues: list[CaptionCue] = []
    lines: list[list[CaptionWord]] = [[]]

    def fits(line: list[CaptionWord], word: CaptionWord) -> bool:
        text = " ".join(w.text for w in [*line, word])
        return len(text) <= MAX_CHARS and text_width(text, size) <= max_width_px

    def flush() -> None:
        nonlocal lines
        kept = [line for line in lines if line]
        if kept:
            start, end = kept[0][0].start, kept[-1][-1].end + HOLD_S
            cues.append(CaptionCue(start=start, end=max(end, start + MIN_CUE_S), lines=kept))
        lines = [[]]

    previous: CaptionWord | None = None
    for word in words:
        if previous is not None:
            first = lines[0][0] if lines[0] else word
            if (word.start - previous.end > PAUSE_S or word.end - first.start > MAX_CUE_S
                    or (previous.text.endswith(_TERMINAL) and sum(map(len, lines)) >= 3)):
                flush()
        if lines[-1] and not fits(lines[-1], word):
            if len(lines) >= MAX_LINES:
                flush()
            else:
                lines.append([])
        lines[-1].append(word)
        previous = word
    flush()
    for a, b in itertools.pairwise(cues):  # never two cues on screen at once
        if a.end > b.start:
            a.end = max(b.start, a.words[-1].end)
    return cues


def _ass_time(t: float) -> str:
    cs = round(max(0.0, t) * 100)
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("{", "(").replace("}", ")")


def ass_document(cues: Sequence[CaptionCue], style: CaptionStyle, preset: Preset, out_w: int, out_h: int) -> str:
    size = font_size(preset, out_h)
    safe = preset.safe_area
    margin_l, margin_r = int(safe.left * out_w), int(safe.right * out_w)
    margin_v = int(safe.bottom * out_h)
    pad = max(4, size // 6)
    head = [
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {out_w}", f"PlayResY: {out_h}", "WrapStyle: 2",
        "ScaledBorderAndShadow: yes", "", "[V4+ Styles]",
        ("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
        "MarginL, MarginR, MarginV, Encoding"),
        (f"Style: Caption,{FONT_NAME},{size},{TEXT_COLOUR},{TEXT_COLOUR},{BOX_COLOUR},{BOX_COLOUR},1,0,0,0,100,100,"
        f"0,0,3,{pad},0,2,{margin_l},{margin_r},{margin_v},1"),
        "", "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    events = []
    for cue in cues:
        if style == CaptionStyle.PLAIN:
            text = "\\N".join(_escape(" ".join(w.text for w in line)) for line in cue.lines)
            events.append(f"Dialogue: 0,{_ass_time(cue.start)},{_ass_time(cue.end)},Caption,,0,0,0,,{text}")
            continue
        words = cue.words
        for i, word in enumerate(words):
            start = cue.start if i == 0 else word.start
            end = words[i + 1].start if i + 1 < len(words) else cue.end
            if end <= start:
                continue
            k = 0
            rendered_lines = []
            for line in cue.lines:
                parts = []
                for w in line:
                    t = _escape(w.text)
                    parts.append(f"{{\\c{HIGHLIGHT_COLOUR}&}}{t}{{\\c{TEXT_COLOUR}&}}" if k == i else t)
                    k += 1
                rendered_lines.append(" ".join(parts))
            events.append(f"Dialogue: 0,{_ass_time(start)},{_ass_time(end)},Caption,,0,0,0,,"
                          + "\\N".join(rendered_lines))
    return "\n".join(head + events) + "\n"


def _clock(t: float, sep: str) -> str:
    ms = round(max(0.0, t) * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def srt_document(cues: Sequence[CaptionCue]) -> str:
    blocks = [f"{i}\n{_clock(c.start, ',')} --> {_clock(c.end, ',')}\n{c.text}\n" for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def vtt_document(cues: Sequence[CaptionCue]) -> str:
    blocks = [f"{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n{c.text}\n" for c in cues]
    return "WEBVTT\n\n" + "\n".join(blocks)


def plan_captions(transcript: Transcript | None, segments: Sequence[Segment], duration_s: float, preset: Preset,
                  out_w: int, out_h: int) -> tuple[list[CaptionCue], list[str]]:
    if transcript is None or transcript.no_speech:
        return [], ["No speech was found, so there are no captions."]
    words = finished_words(transcript, segments, duration_s)
    if not words:
        return [], ["No words are left after the cuts, so there are no captions."]
    safe = preset.safe_area
    width = out_w * (1 - safe.left - safe.right) * 0.96
    return build_cues(words, width, font_size(preset, out_h)), []
