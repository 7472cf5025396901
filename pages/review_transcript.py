"""The Transcript tab of the Review page, which is also the edit: pick words (a click also plays
from that word), then cut them or bring them back; cut a stretch of time by its ends, trim your
own cuts, and undo. Words a cut removes are struck through. UI only: every change goes through
framepilot.services.transcript_edit into the one cut list the preview, exports and API read."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from framepilot.errors import user_message
from framepilot.models import CutKind, Transcript, User, Video
from framepilot.services import transcript_edit
from framepilot.services.edit import load_cut_list
from framepilot.store import Database
from framepilot.ui.review import mmss
from framepilot.ui.safe_text import escape_markdown
from framepilot.ui.transcript_view import picked_runs, word_label

PICKED = "review_words_{}"  # one multi-select of word indexes per transcript line
PREVIOUS = "review_words_prev_{}"


def _lines(transcript: Transcript) -> list[list[int]]:
    """Word indexes (into transcript.words) of each line."""
    lines, index = [], 0
    for segment in transcript.segments:
        lines.append(list(range(index, index + len(segment.words))))
        index += len(segment.words)
    return lines


def _picked_word(line: int, transcript: Transcript, seek: Callable[[float], None]) -> None:
    """A newly picked word also plays from its start, to the hundredth of a second."""
    now = set(st.session_state.get(PICKED.format(line)) or [])
    added = now - set(st.session_state.get(PREVIOUS.format(line)) or [])
    st.session_state[PREVIOUS.format(line)] = sorted(now)
    if added:
        seek(transcript.words[max(added)].start)


def _apply(db: Database, user: User, video: Video, transcript: Transcript, lines: list[list[int]], cut: bool) -> None:
    picked = sorted(i for n in range(len(lines)) for i in st.session_state.get(PICKED.format(n)) or [])
    words = transcript.words
    try:
        for first, last in picked_runs(picked):
            if cut:
                transcript_edit.cut_words(db, user, video.id, first, last)
            else:
                transcript_edit.restore_range(db, user, video.id, words[first].start, words[last].end)
    except transcript_edit.CutRangeError as exc:
        st.toast(user_message(exc), icon=":material/error:")
    for n in range(len(lines)):
        st.session_state[PICKED.format(n)] = []
        st.session_state[PREVIOUS.format(n)] = []


def _undo(db: Database, user: User, video: Video) -> None:
    if not transcript_edit.undo(db, user, video.id):
        st.toast("Nothing to undo.", icon=":material/info:")


def _cut_stretch(db: Database, user: User, video: Video) -> None:
    start, end = st.session_state["review_stretch"]
    try:
        transcript_edit.cut_range(db, user, video.id, start, end)
    except transcript_edit.CutRangeError as exc:
        st.toast(user_message(exc), icon=":material/error:")


def _trim(db: Database, user: User, video: Video, cut_id: str, key: str) -> None:
    start, end = st.session_state[key]
    try:
        transcript_edit.trim_cut(db, user, video.id, cut_id, start, end)
    except transcript_edit.CutRangeError as exc:
        st.toast(user_message(exc), icon=":material/error:")


def transcript_panel(db: Database, user: User, video: Video, transcript: Transcript,
                     seek: Callable[[float], None]) -> None:
    if transcript.unreadable:
        st.warning(transcript.unreadable, icon=":material/lock:")
        return
    if transcript.no_speech or not transcript.segments:
        st.info(escape_markdown(transcript.no_speech_reason or "No speech was found in this video."),
                icon=":material/mic_off:")
        return
    cut_list = load_cut_list(db, user, video.id)
    lines = _lines(transcript)
    st.caption("Click words to play from them and pick them; then cut them, or bring back words a cut "
               "removed (struck through).")
    cut, restore, undo = st.columns(3)
    cut.button("Cut picked words", icon=":material/content_cut:", key="review_cut_words", width="stretch",
               on_click=_apply, args=(db, user, video, transcript, lines, True))
    restore.button("Restore picked words", icon=":material/restore:", key="review_restore_words", width="stretch",
                   on_click=_apply, args=(db, user, video, transcript, lines, False))
    undo.button("Undo", icon=":material/undo:", key="review_undo", width="stretch", on_click=_undo,
                args=(db, user, video), disabled=not transcript_edit.can_undo(db, user, video.id))
    words = transcript.words
    for n, (segment, indexes) in enumerate(zip(transcript.segments, lines)):
        when, text = st.columns([1, 8], vertical_alignment="center")
        when.button(mmss(segment.start), key=f"review_line_{n}", on_click=seek, args=(segment.start,),
                    icon=":material/play_arrow:", help="Play from here")
        if not indexes:
            text.text(segment.text)
            continue
        text.pills("Words", indexes, selection_mode="multi", key=PICKED.format(n), label_visibility="collapsed",
                   format_func=lambda i: word_label(words[i], cut_list), on_change=_picked_word,
                   args=(n, transcript, seek))

    with st.expander("Cut a stretch of time, or trim your cuts", icon=":material/timeline:"):
        duration = round(cut_list.duration_s, 2) if cut_list else 0.0
        if duration > 0:
            st.slider("From, to (seconds)", 0.0, duration, (0.0, min(1.0, duration)), step=0.05,
                      key="review_stretch")
            st.button("Cut this stretch", icon=":material/content_cut:", key="review_cut_stretch",
                      on_click=_cut_stretch, args=(db, user, video))
        for own in [c for c in (cut_list.cuts if cut_list else []) if c.kind == CutKind.USER]:
            key = f"review_trim_{own.id}_{own.start_frame}_{own.end_frame}"  # new after an undo
            st.slider(f"Your cut at {mmss(own.start_s)}: {escape_markdown(own.evidence)}", 0.0, duration,
                      (own.start_s, own.end_s), step=0.05, key=key, on_change=_trim, args=(db, user, video, own.id, key))
