"""The notes beside the player on the Review page: one mode's director notes, each with its time,
severity and evidence in words, a play button that starts the player at the note, and done /
ignore marks that are stored (framepilot.services.note_marks). UI only."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from framepilot.models import DirectorMode, DirectorResult, NoteMark, User, Video
from framepilot.services import note_marks
from framepilot.store import Database
from framepilot.ui.notes_view import MARK_WORDS, NoteItem, note_items, notes_heading
from framepilot.ui.review import MODE_TITLES
from framepilot.ui.safe_text import escape_markdown

MODE_KEY = "review_notes_mode"


def chosen_mode(results: dict[str, DirectorResult]) -> DirectorMode:
    modes = [m for m in DirectorMode if m.value in results] or [DirectorMode.SCENE_DIRECTOR]
    picked = st.segmented_control("Notes from", modes, format_func=lambda m: MODE_TITLES[m], key=MODE_KEY,
                                  default=modes[0], label_visibility="collapsed")
    return picked or modes[0]


def _mark(db: Database, user: User, video: Video, mode: DirectorMode, key: str, mark: NoteMark | None) -> None:
    note_marks.mark_note(db, user, video.id, mode, key, mark)


def _note(item: NoteItem, index: int, seek: Callable[[float], None], on_mark: Callable) -> None:
    with st.container(border=True, key=f"review_note_{index}"):
        st.markdown(f":{item.severity_colour}-badge[{item.severity_icon} {item.severity}] "
                    f"**{escape_markdown(item.topic)}** · {item.when}"
                    + (f" · :gray-badge[{MARK_WORDS[item.mark]}]" if item.mark else ""))
        text = escape_markdown(item.text)
        st.markdown(text if item.open else f":gray[{text}]")
        if item.evidence:
            st.caption(escape_markdown(item.evidence))
        play, done, ignore = st.columns(3)
        play.button("Play", icon=":material/play_arrow:", key=f"review_note_play_{index}",
                    on_click=seek, args=(item.at_s,), help=f"Play from {item.when}", width="stretch")
        if item.open:
            done.button("Done", icon=":material/check:", key=f"review_note_done_{index}", width="stretch",
                        on_click=on_mark, args=(item.key, NoteMark.DONE))
            ignore.button("Ignore", icon=":material/visibility_off:", key=f"review_note_ignore_{index}",
                          width="stretch", on_click=on_mark, args=(item.key, NoteMark.IGNORED))
        else:
            done.button("Reopen", icon=":material/undo:", key=f"review_note_reopen_{index}", width="stretch",
                        on_click=on_mark, args=(item.key, None))


def notes_panel(db: Database, user: User, video: Video, results: dict[str, DirectorResult],
                seek: Callable[[float], None]) -> DirectorMode:
    """The chosen mode's notes, newest marks kept; returns the mode (the timeline marks its notes)."""
    mode = chosen_mode(results)
    result = results.get(mode.value)
    notes = result.notes if result is not None else []
    items = note_items(notes, note_marks.marks(db, user, video.id, mode))
    st.markdown(f"**{notes_heading(items, mode)}**")
    if result is not None and result.unreadable:
        st.warning(result.unreadable, icon=":material/lock:")
    if not items:
        st.caption("No notes from this mode.")
    with st.container(key="review_notes"):
        for index, item in enumerate(items):
            _note(item, index, seek, lambda key, mark: _mark(db, user, video, mode, key, mark))
    return mode
