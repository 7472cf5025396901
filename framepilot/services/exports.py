"""Downloads: subtitles (SRT, WebVTT), the full analysis as JSON, director notes as Markdown.

Exports leave the server with the user: they name files by their file name only, never by
a path on the server (the data folder, the stored upload).

Subtitle cues follow the usual broadcast limits: at most two lines of MAX_LINE_CHARS and
MAX_CUE_S on screen. Long segments are split at word timings (or in proportion to their text
when there are none), and cue times never go backwards or overlap.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

from framepilot.core.markdown_escape import escape_markdown
from framepilot.director.timecode import clock, clock_range
from framepilot.models import AnalysisResult, DirectorMode, DirectorResult, Transcript

MAX_LINE_CHARS = 42
MAX_LINES = 2
MAX_CUE_S = 7.0
MIN_CUE_S = 0.5
# A sentence end closes a cue once it holds this many characters (cues read better whole).
SENTENCE_BREAK_MIN_CHARS = 24

MODE_TITLES = {
    DirectorMode.SCENE_DIRECTOR: "Scene director",
    DirectorMode.SCRIPT_REWRITE: "Script rewrite",
    DirectorMode.FULL_REWRITE: "Full rewrite",
}


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]


# --- subtitles ------------------------------------------------------------------------


def wrap_lines(text: str, width: int = MAX_LINE_CHARS) -> list[str]:
    """One line if it fits; else the most balanced two-line split; else greedy lines."""
    text = " ".join(text.split())
    if len(text) <= width:
        return [text] if text else []
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    best = min(spaces, key=lambda i: max(i, len(text) - i - 1), default=None)
    if best is not None and max(best, len(text) - best - 1) <= width:
        return [text[:best], text[best + 1:]]
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)


def _fits(text: str) -> bool:
    return len(wrap_lines(text)) <= MAX_LINES


def subtitle_cues(transcript: Transcript) -> list[Cue]:
    timed: list[tuple[float, float, str]] = []
    for segment in transcript.segments:
        text = " ".join(segment.text.split())
        if not text:
            continue
        if _fits(text) and segment.end - segment.start <= MAX_CUE_S:
            timed.append((segment.start, segment.end, text))
        elif segment.words:
            # Fillers only heard in the audio are not in the segment's text: captions leave them out.
            words = [(w.word.strip(), w.start, w.end) for w in segment.words if w.word.strip() and not w.heard]
            timed.extend(_split_by_words(words))
        else:
            timed.extend(_split_by_text(text, segment.start, segment.end))
    cues: list[Cue] = []
    previous_end = 0.0
    for start, end, text in sorted(timed, key=lambda c: c[0]):
        start = max(start, previous_end)
        end = max(end, start + MIN_CUE_S)
        cues.append(Cue(start, end, tuple(wrap_lines(_safe(text)))))
        previous_end = end
    return cues


def _split_by_words(words: list[tuple[str, float, float]]) -> list[tuple[float, float, str]]:
    chunks: list[tuple[float, float, str]] = []
    current: list[tuple[str, float, float]] = []
    for word in words:
        if current:
            text = " ".join(w for w, _, _ in current + [word])
            if not _fits(text) or word[2] - current[0][1] > MAX_CUE_S:
                # Close the cue at the last clause break in its second half, if there is one.
                breaks = [i for i, (w, _, _) in enumerate(current)
                          if w.endswith((",", ";", ":")) and i >= len(current) // 2]
                cut = breaks[-1] + 1 if breaks else len(current)
                chunks.append(_chunk(current[:cut]))
                current = current[cut:]
        current.append(word)
        so_far = " ".join(w for w, _, _ in current)
        if word[0].endswith((".", "?", "!")) and len(so_far) >= SENTENCE_BREAK_MIN_CHARS:
            chunks.append(_chunk(current))
            current = []
    if current:
        chunks.append(_chunk(current))
    return chunks


def _chunk(words: list[tuple[str, float, float]]) -> tuple[float, float, str]:
    return words[0][1], words[-1][2], " ".join(w for w, _, _ in words)


def _split_by_text(text: str, start: float, end: float) -> list[tuple[float, float, str]]:
    """No word timings: fill cues greedily and share the segment's time by characters."""
    parts: list[str] = []
    for word in text.split():
        if parts and _fits(f"{parts[-1]} {word}"):
            parts[-1] = f"{parts[-1]} {word}"
        else:
            parts.append(word)
    total = sum(len(p) for p in parts) or 1
    chunks, t = [], start
    for part in parts:
        step = (end - start) * len(part) / total
        chunks.append((t, t + step, part))
        t += step
    return chunks


def _safe(text: str) -> str:
    """A cue's text must never contain the timing arrow."""
    return text.replace("-->", "->")


def _timestamp(seconds: float, separator: str) -> str:
    ms = int(round(max(seconds, 0.0) * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


def to_srt(transcript: Transcript) -> str:
    blocks = [
        f"{n}\n{_timestamp(c.start, ',')} --> {_timestamp(c.end, ',')}\n" + "\n".join(c.lines)
        for n, c in enumerate(subtitle_cues(transcript), start=1)
    ]
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _vtt_escape(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(transcript: Transcript) -> str:
    blocks = [
        f"{n}\n{_timestamp(c.start, '.')} --> {_timestamp(c.end, '.')}\n"
        + "\n".join(_vtt_escape(line) for line in c.lines)
        for n, c in enumerate(subtitle_cues(transcript), start=1)
    ]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n" if blocks else "WEBVTT\n"


# --- analysis JSON --------------------------------------------------------------------


def to_json(result: AnalysisResult) -> str:
    """Exactly the `framepilot analyze --json` structure, without server paths."""
    return without_server_paths(result).model_dump_json(indent=2)


def without_server_paths(result: AnalysisResult) -> AnalysisResult:
    """A copy whose keyframe, voice and preview files are named by file name only."""
    shots = [s.model_copy(update={"keyframe_path": _file_name(s.keyframe_path)}) for s in result.shots]
    voiceover = result.voiceover and result.voiceover.model_copy(update={
        "audio_path": _file_name(result.voiceover.audio_path),
        "preview_path": _file_name(result.voiceover.preview_path),
    })
    return result.model_copy(update={"shots": shots, "voiceover": voiceover})


def _file_name(path: str | None) -> str | None:
    return PurePath(path).name if path else path


# --- director notes as Markdown -------------------------------------------------------


def _fence(lines: list[str]) -> str:
    longest = max((len(m) for line in lines for m in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def director_markdown(results: Iterable[DirectorResult] | Mapping[str, DirectorResult], title: str) -> str:
    """All modes of one video as one Markdown document: notes with mm:ss ranges, the script,
    the diff and the shot list. Accepts a list or the `AnalysisResult.director` mapping."""
    items = list(results.values()) if isinstance(results, Mapping) else list(results)
    order = list(DirectorMode)
    items.sort(key=lambda r: order.index(r.mode))
    out = [f"# Director notes: {escape_markdown(title)}", ""]
    if not items:
        out += ["No director notes yet.", ""]
    for result in items:
        out += _mode_section(result)
    return "\n".join(out).rstrip() + "\n"


def _mode_section(result: DirectorResult) -> list[str]:
    meta = [result.provider, result.model, result.prompt_version]
    if result.language:
        meta.append(f"language {result.language}")
    out = [f"## {MODE_TITLES[result.mode]}", "", f"*{' · '.join(escape_markdown(m) for m in meta)}*", ""]
    if result.summary:
        out += [escape_markdown(result.summary), ""]
    if result.notes:
        out += ["### Notes", ""]
        for n in sorted(result.notes, key=lambda n: (n.start_s, n.end_s)):
            out.append(f"- **{clock_range(n.start_s, n.end_s)}** · {escape_markdown(n.category)} · {escape_markdown(n.severity)}: "
                       f"{escape_markdown(n.note)}")
            if n.evidence:
                out.append(f"  *Evidence:* {escape_markdown(n.evidence)}")
        out.append("")
    if result.script:
        out += ["### Script", ""]
        out += [f"{i}. {escape_markdown(line)}" for i, line in enumerate(result.script, start=1)]
        out.append("")
    if result.diff:
        fence = _fence(result.diff)
        out += ["### Changes", "", f"{fence}diff", *result.diff, fence, ""]
    if result.shot_list:
        total = sum(item.duration_s for item in result.shot_list)
        out += ["### Shot list", "", "| # | Scale | Framing | Duration | Line |", "|---|---|---|---|---|"]
        out += [f"| {item.number} | {item.scale.value} | {escape_markdown(item.framing)} | {item.duration_s:.1f} s | "
                f"{escape_markdown(item.line) or '—'} |" for item in result.shot_list]
        out += ["", f"Total: {total:.1f} s ({clock(total)}).", ""]
    return out


# --- downloads --------------------------------------------------------------------------


class ExportFormat(StrEnum):
    SRT = "srt"
    VTT = "vtt"
    MD = "md"
    JSON = "json"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    text: str


def export_file(result: AnalysisResult, video_filename: str, export_format: ExportFormat | str) -> ExportFile:
    """One download of a video's analysis, named after the user's file (Review page and API)."""
    stem = PurePath(video_filename).stem or "video"
    match ExportFormat(export_format):
        case ExportFormat.SRT:
            return ExportFile(f"{stem}.srt", "text/plain", to_srt(result.transcript))
        case ExportFormat.VTT:
            return ExportFile(f"{stem}.vtt", "text/vtt", to_vtt(result.transcript))
        case ExportFormat.MD:
            return ExportFile(f"{stem}-director-notes.md", "text/markdown",
                              director_markdown(result.director, video_filename))
        case ExportFormat.JSON:
            return ExportFile(f"{stem}.json", "application/json", to_json(result))
