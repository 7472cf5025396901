"""The director's notes as the Review page lists them beside the player: each with its time
range, its moment (where a click plays from and where the timeline marks it), its severity in
words, and the creator's done/ignored mark. Pure functions of the domain models (no Streamlit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from framepilot.director.timecode import clock, clock_range
from framepilot.models import DirectorMode, DirectorNote, NoteMark
from framepilot.services.note_marks import note_keys

# Severity as a creator reads it: what to do about the note, not the rule engine's word.
SEVERITY_WORDS: dict[str, tuple[str, str, str]] = {  # severity -> (words, colour, icon)
    "warning": ("Fix this", "red", ":material/priority_high:"),
    "suggestion": ("Worth trying", "orange", ":material/lightbulb:"),
    "info": ("Good to know", "blue", ":material/info:"),
}
MARK_WORDS: dict[NoteMark, str] = {NoteMark.DONE: "Done", NoteMark.IGNORED: "Ignored"}
CATEGORY_WORDS: dict[str, str] = {
    "hook": "Opening", "pacing": "Pace", "filler": "Filler words", "cut": "Cutting", "scale": "Framing",
    "exposure": "Light", "framing": "Framing", "audio": "Sound", "delivery": "Delivery",
    "structure": "Structure", "script": "Script", "silence": "Pauses", "colour": "Colour",
}


@dataclass(frozen=True)
class NoteItem:
    key: str
    at_s: float
    when: str
    severity: str
    severity_colour: str
    severity_icon: str
    topic: str
    text: str
    evidence: str
    mark: NoteMark | None

    @property
    def open(self) -> bool:
        return self.mark is None


def note_moment(note: DirectorNote) -> float:
    """Where the note is about: its own moment when it names one inside its range (a cut point
    in a long take), else its start."""
    return note.at_s if note.at_s is not None else note.start_s


def note_items(notes: Sequence[DirectorNote], marks: Mapping[str, NoteMark]) -> list[NoteItem]:
    """The notes in time order, open ones first among equals, with their marks."""
    items = []
    for key, note in zip(note_keys(notes), notes):
        words, colour, icon = SEVERITY_WORDS.get(note.severity, SEVERITY_WORDS["suggestion"])
        at = note_moment(note)
        when = clock(at) if note.end_s - note.start_s < 0.05 else clock_range(note.start_s, note.end_s)
        if note.at_s is not None and note.end_s - note.start_s >= 0.05:
            when = f"{clock(at)} (in {clock_range(note.start_s, note.end_s)})"
        items.append(NoteItem(key=key, at_s=at, when=when, severity=words, severity_colour=colour,
                              severity_icon=icon, topic=CATEGORY_WORDS.get(note.category, note.category.title()),
                              text=note.note, evidence=note.evidence, mark=marks.get(key)))
    return sorted(items, key=lambda i: (i.mark is not None, i.at_s))


def notes_heading(items: Sequence[NoteItem], mode: DirectorMode) -> str:
    """'3 notes to work on · 1 done' in words."""
    open_count = sum(i.open for i in items)
    done = len(items) - open_count
    head = f"{open_count} note{'s' if open_count != 1 else ''} to work on" if open_count else "Nothing left to work on"
    return head + (f" · {done} marked" if done else "")
