"""View models for the review and compare pages: times as mm:ss, pace per window, the
script diff as HTML-safe coloured lines, director notes aligned on the timeline, and
the seek time carried by a clicked chart point. Pure functions of the domain models.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Re-exported so pages format times and name modes exactly as the exports do.
from framepilot.director.timecode import clock as mmss  # noqa: F401
from framepilot.director.timecode import clock_range as time_range
from framepilot.models import (
    DirectorMode,
    DirectorNote,
    DirectorResult,
    Shot,
    Transcript,
)
from framepilot.services.exports import MODE_TITLES  # noqa: F401

MODE_BLURBS: dict[DirectorMode, str] = {
    DirectorMode.SCENE_DIRECTOR: "Notes on the footage you have: pacing, framing, light, sound.",
    DirectorMode.SCRIPT_REWRITE: "Your words, tightened: the same message with a stronger hook.",
    DirectorMode.FULL_REWRITE: "A new script with a shot list, for a reshoot.",
}
# Modes whose output includes a script that can be voiced.
SCRIPTED_MODES = (DirectorMode.SCRIPT_REWRITE, DirectorMode.FULL_REWRITE)
PACE_WINDOW_S = 5.0
DEFAULT_ROW_S = 15.0


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def cost_text(cost_usd: float | None) -> str:
    if not cost_usd:
        return "$0.00"
    return f"${cost_usd:.4f}" if cost_usd < 0.01 else f"${cost_usd:.2f}"


def version_label(result: DirectorResult) -> str:
    return f"{result.provider} · {result.model} · prompt {result.prompt_version}"


# --- seeking --------------------------------------------------------------------------


def seek_time(points: Sequence[Mapping] | None) -> float | None:
    """The start time carried in `customdata[0]` of the first clicked chart point."""
    for point in points or ():
        data = point.get("customdata")
        if isinstance(data, (list, tuple)) and data:
            data = data[0]
        if isinstance(data, (int, float)):
            return float(data)
    return None


# --- pace -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PaceWindow:
    start_s: float
    end_s: float
    words: int

    @property
    def words_per_minute(self) -> float:
        span = self.end_s - self.start_s
        return self.words * 60.0 / span if span > 0 else 0.0


def _word_times(transcript: Transcript) -> list[float]:
    """When each word starts; segments without word timing spread their words evenly."""
    times: list[float] = []
    for segment in transcript.segments:
        if segment.words:
            times.extend(w.start for w in segment.words)
            continue
        count = len(segment.text.split())
        step = (segment.end - segment.start) / count if count else 0.0
        times.extend(segment.start + i * step for i in range(count))
    return times


def pace_series(transcript: Transcript, duration_s: float, window_s: float = PACE_WINDOW_S) -> list[PaceWindow]:
    """Words per window across the whole video (silent windows count as 0)."""
    if duration_s <= 0 or window_s <= 0:
        return []
    count = max(1, int(-(-duration_s // window_s)))
    tally = [0] * count
    for t in _word_times(transcript):
        tally[min(count - 1, max(0, int(t // window_s)))] += 1
    return [
        PaceWindow(i * window_s, min(duration_s, (i + 1) * window_s), tally[i]) for i in range(count)
    ]


# --- script diff ----------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "removed" or "added"
    text: str


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text.strip())
    return [p.strip() for p in parts if p.strip()]


def original_lines(result: DirectorResult, transcript: Transcript | None) -> list[str]:
    if result.original_script:
        return _sentences(result.original_script)
    if transcript is not None:
        return [s.text.strip() for s in transcript.segments if s.text.strip()]
    return []


def script_diff(original: list[str], rewritten: list[str]) -> list[DiffLine]:
    """Line diff of the original script against the rewrite, in reading order."""
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=original, b=rewritten, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", t) for t in original[a0:a1]]
            continue
        lines += [DiffLine("removed", t) for t in original[a0:a1]]
        lines += [DiffLine("added", t) for t in rewritten[b0:b1]]
    return lines


_DIFF_STYLE = {
    "same": ("  ", "inherit", "transparent"),
    "removed": ("− ", "#ff9b9b", "rgba(255,80,80,0.12)"),
    "added": ("+ ", "#8fe3a5", "rgba(80,200,120,0.12)"),
}


def diff_html(lines: Iterable[DiffLine]) -> str:
    """Coloured diff lines as HTML; every piece of script text is escaped."""
    rows = []
    for line in lines:
        sign, colour, background = _DIFF_STYLE[line.kind]
        rows.append(
            f'<div class="fp-diff-{line.kind}" style="color:{colour};background:{background};'
            f'padding:2px 6px;border-radius:4px;margin:1px 0;white-space:pre-wrap">'
            f"{sign}{html.escape(line.text)}</div>"
        )
    return '<div class="fp-diff" style="font-size:0.9rem;line-height:1.45">' + "".join(rows) + "</div>"


# --- notes on the timeline ------------------------------------------------------------


@dataclass
class AlignedRow:
    """One stretch of the video with each mode's notes that start inside it."""

    start_s: float
    end_s: float
    label: str
    notes: dict[DirectorMode, list[DirectorNote]] = field(default_factory=dict)


def _spans(shots: Sequence[Shot], duration_s: float) -> list[tuple[float, float, str]]:
    if shots:
        return [
            (s.start_s, s.end_s, f"Shot {s.index + 1}" + (f" · {s.scale.value}" if s.scale else ""))
            for s in sorted(shots, key=lambda s: s.start_s)
        ]
    end = max(duration_s, DEFAULT_ROW_S)
    count = int(-(-end // DEFAULT_ROW_S))
    return [(i * DEFAULT_ROW_S, min(end, (i + 1) * DEFAULT_ROW_S), "") for i in range(count)]


def align_notes(
    results: Mapping[DirectorMode, DirectorResult | None], shots: Sequence[Shot], duration_s: float
) -> list[AlignedRow]:
    """Rows by shot (or 15 s stretch when there are no shots), notes sorted by time; empty rows dropped."""
    spans = _spans(shots, duration_s)
    rows = [AlignedRow(a, b, label, {m: [] for m in results}) for a, b, label in spans]
    for mode, result in results.items():
        for note in sorted(result.notes if result else [], key=lambda n: (n.start_s, n.end_s)):
            row = next((r for r in rows if r.start_s <= note.start_s < r.end_s), None)
            if row is None:
                row = rows[0] if note.start_s < rows[0].start_s else rows[-1]
            row.notes[mode].append(note)
    return [r for r in rows if any(r.notes.values())]


# --- shots ----------------------------------------------------------------------------


def shot_heading(shot: Shot) -> str:
    scale = shot.scale.value if shot.scale else "?"
    return f"Shot {shot.index + 1} · {time_range(shot.start_s, shot.end_s)} · {scale} · {shot.movement.value}"


def shot_facts(shot: Shot) -> list[str]:
    """A shot's measurements as short readable phrases (only those that were measured)."""
    facts = [f"{shot.duration_s:.1f} s long"]
    if shot.words_per_minute is not None:
        facts.append(f"{shot.words_per_minute:.0f} words/min")
    if shot.loudness_lufs is not None:
        facts.append(f"{shot.loudness_lufs:.1f} LUFS")
    exposure, comp = shot.exposure, shot.composition
    if exposure is not None:
        facts.append(f"brightness {exposure.brightness:.2f}, contrast {exposure.contrast:.2f}")
        if exposure.highlights_clipped > 0.01:
            facts.append(f"{exposure.highlights_clipped:.0%} highlights clipped")
        if exposure.shadows_crushed > 0.01:
            facts.append(f"{exposure.shadows_crushed:.0%} shadows crushed")
        if exposure.colour_temperature_k:
            facts.append(f"about {exposure.colour_temperature_k:.0f} K")
    if comp.face_height is not None:
        facts.append(f"face {comp.face_height:.0%} of frame height")
    if comp.headroom is not None:
        facts.append(f"headroom {comp.headroom:.0%}")
    facts += [f"{label}: {value}" for label, value in (
        ("setting", shot.setting), ("lighting", shot.lighting), ("wardrobe", shot.wardrobe)) if value]
    if shot.props:
        facts.append("props: " + ", ".join(shot.props))
    return facts


def shot_words(shot: Shot) -> list[str]:
    """A shot's measurements as everyday words a creator can act on; the numbers themselves
    (`shot_facts`) go in a tooltip."""
    words = [f"{shot.duration_s:.0f} s long" if shot.duration_s >= 1 else "under a second"]
    if shot.words_per_minute is not None:
        low, high = 130, 170  # comfortable talk-to-camera pace (charts.PACE_BAND)
        words.append("slow speech" if shot.words_per_minute < low else
                     "fast speech" if shot.words_per_minute > high else "a comfortable pace")
    if shot.loudness_lufs is not None:
        words.append("quiet: turn the sound up" if shot.loudness_lufs < -20 else
                     "very loud: turn the sound down" if shot.loudness_lufs > -9 else "sound at a good level")
    exposure = shot.exposure
    if exposure is not None:
        words.append("dark picture" if exposure.brightness < 0.3 else
                     "very bright picture" if exposure.brightness > 0.75 else "well exposed")
        if exposure.highlights_clipped > 0.01:
            words.append("some highlights blown out")
        if exposure.shadows_crushed > 0.01:
            words.append("some shadows lost")
        kelvin = exposure.colour_temperature_k
        if kelvin:
            words.append("warm light" if kelvin < 4000 else "cool light" if kelvin > 6500 else "neutral light")
    headroom = shot.composition.headroom
    if headroom is not None:
        words.append("little room above the head" if headroom < 0.05 else
                     "a lot of room above the head" if headroom > 0.25 else "good headroom")
    return words
def voice_choice(transcript: Transcript, openai_voice: str) -> tuple[bool, str]:
    """Which voice reads this video's scripts: (the local voice can, the sentence that says so).
    The local voice reads English only; it refuses rather than read Turkish with an English voice."""
    from framepilot.providers.local.voice import VOICE_NAME, refusal

    refused = refusal("", transcript.language)
    if refused is None:
        return True, (f"Voices: local “{VOICE_NAME}” (hibari, English) or openai “{openai_voice}”.")
    return False, f"{refused} The openai voice is “{openai_voice}”."
