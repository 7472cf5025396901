"""The user's videos: thumbnail, duration, status, date and cost; each opens its review or is
deleted (after a confirmation) with everything stored for it."""

import streamlit as st

from framepilot.core.wording import plural
from framepilot.models import JobStatus, VideoStatus
from framepilot.services import library
from framepilot.services.media import browser_source
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from framepilot.ui.job_display import progress_text
from framepilot.ui.review import cost_text, duration_text
from framepilot.ui.safe_text import escape_markdown
from pages.common import database, require_user

STATUS_BADGES = {
    VideoStatus.UPLOADED: ("Uploaded", "gray", ":material/cloud_done:"),
    VideoStatus.PROCESSING: ("Analysing", "orange", ":material/progress_activity:"),
    VideoStatus.READY: ("Ready", "green", ":material/check_circle:"),
    VideoStatus.FAILED: ("Failed", "red", ":material/error:"),
}

CONFIRM = "library_confirm_delete"  # the id of the video whose deletion awaits a second click

user = require_user()
db = database()


def _ask(video_id: str | None) -> None:
    st.session_state[CONFIRM] = video_id


def _delete(video_id: str, filename: str) -> None:
    st.session_state[CONFIRM] = None
    try:
        library.delete_video(db, get_settings(), user, video_id)
    except repo.NotFound:
        return  # deleted meanwhile (another tab): the listing no longer shows it
    st.toast(f"Deleted {escape_markdown(filename)} and its analysis.", icon=":material/delete:")

st.title(":material/video_library: Library")
search = st.text_input("Search", placeholder="Search by file name", key="library_search",
                       label_visibility="collapsed")
videos = repo.list_videos(db, user, search=search or None)
active = {j.video_id: j for j in repo.list_jobs(db, user, statuses=[JobStatus.RUNNING, JobStatus.QUEUED])}

if not videos:
    if search:
        st.info(f"No video matches “{escape_markdown(search)}”.", icon=":material/search_off:")
    else:
        st.info("No videos yet. Upload a clip to get your first director notes.", icon=":material/upload:")
        st.page_link("pages/upload.py", label="Upload a video", icon=":material/upload:")

for video in videos:
    with st.container(border=True):
        thumb, info, action = st.columns([1, 3, 1], vertical_alignment="center")
        shots = repo.get_shots(db, user, video.id) if video.probe else []
        thumbnail = browser_source(get_settings(), next((s.keyframe_path for s in shots if s.keyframe_path), None))
        if thumbnail:
            thumb.image(thumbnail, width="stretch")
        else:
            thumb.markdown(":material/movie:")
        label, colour, icon = STATUS_BADGES[video.status]
        info.markdown(f"**{escape_markdown(video.filename)}**  \n:{colour}-badge[{icon} {label}]")
        if video.unreadable:
            info.warning(video.unreadable, icon=":material/lock:")
        info.caption(
            f"{duration_text(video.probe.duration_s if video.probe else None)} · "
            f"{video.created_at:%Y-%m-%d %H:%M} · {plural(len(shots), 'shot')} · cost {cost_text(video.cost_usd)}"
        )
        if video.id in active:
            info.caption(progress_text(active[video.id]))
        if video.status == VideoStatus.FAILED and video.error:
            info.caption(f":red[:material/error:] {escape_markdown(video.error)}")
        action.page_link("pages/review.py", label="Open review", icon=":material/arrow_forward:",
                         query_params={"video": video.id})
        if st.session_state.get(CONFIRM) == video.id:
            info.warning("Delete this video, its analysis, notes, voiceovers and edits? Past costs stay on the "
                         "Costs page. This can't be undone.", icon=":material/warning:")
            action.button("Delete for good", key=f"library_delete_confirm_{video.id}", type="primary",
                          icon=":material/delete_forever:", on_click=_delete, args=(video.id, video.filename))
            action.button("Keep it", key=f"library_delete_cancel_{video.id}", on_click=_ask, args=(None,))
        else:
            action.button("Delete", key=f"library_delete_{video.id}", icon=":material/delete:",
                          on_click=_ask, args=(video.id,))
