"""Shared UI plumbing for pages: the database handle, the signed-in user, the video a page
is about, and one job's live progress row."""

from __future__ import annotations

import streamlit as st

from framepilot.models import Job, JobStatus, User, Video
from framepilot.settings import get_settings
from framepilot.store import Database, open_database
from framepilot.store import repository as repo
from framepilot.ui.job_display import (
    STATUS_ICONS,
    job_title,
    progress_text,
    status_line,
)
from framepilot.ui.safe_text import escape_markdown
from jobs.submit import cancel_job, retry_job

USER_KEY = "auth_user"
VIDEO_KEY = "common_video"
NOT_FOUND = "That video was not found. It may have been deleted, or the link is wrong."


@st.cache_resource(show_spinner=False)
def _database(store_key: str) -> Database:
    return open_database(get_settings())


def database() -> Database:
    """One handle per data folder (keyed on the path, so a new folder gets a new handle)."""
    return _database(get_settings().store_key)


# --- accounts -------------------------------------------------------------------------


def oidc_configured() -> bool:
    """True when Streamlit's OIDC login is set up ([auth] in secrets)."""
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # no secrets file at all
        return False


def _oidc_user() -> User | None:
    """The local account for an OIDC identity; accounts are never created implicitly."""
    if not oidc_configured() or not st.user.get("is_logged_in"):
        return None
    found = repo.user_credentials(database(), str(st.user.get("email") or ""))
    return found[0] if found else None


def current_user() -> User | None:
    data = st.session_state.get(USER_KEY)
    if data:
        return User.model_validate(data)
    user = _oidc_user()
    if user is not None:
        sign_in(user)
    return user


def sign_in(user: User) -> None:
    st.session_state[USER_KEY] = user.model_dump()


def sign_out() -> None:
    st.session_state.clear()
    if oidc_configured() and st.user.get("is_logged_in"):
        st.logout()


def require_user() -> User:
    user = current_user()
    if user is None:
        st.switch_page("pages/sign_in.py")
        st.stop()
    return user


# --- the video a page is about --------------------------------------------------------


def remember_video(video_id: str) -> None:
    st.session_state[VIDEO_KEY] = video_id
    st.query_params["video"] = video_id


def chosen_video(db: Database, user: User) -> Video:
    """The video from ?video= (or the last one opened), else a picker; unknown ids stop the page."""
    video_id = st.query_params.get("video") or st.session_state.get(VIDEO_KEY)
    if not video_id:
        videos = repo.list_videos(db, user)
        if not videos:
            st.info("No videos yet. Upload a clip first.", icon=":material/upload:")
            st.page_link("pages/upload.py", label="Upload a video", icon=":material/upload:")
            st.stop()
        picked = st.selectbox("Video", videos, format_func=lambda v: v.filename, index=None,
                              placeholder="Choose a video", key="common_video_picker")
        if picked is None:
            st.stop()
        video_id = picked.id
    try:
        video = repo.get_video(db, user, video_id)
    except repo.NotFound:
        st.session_state.pop(VIDEO_KEY, None)
        st.error(NOT_FOUND, icon=":material/search_off:")
        st.page_link("pages/library.py", label="Back to the library", icon=":material/video_library:")
        st.stop()
    remember_video(video.id)
    return video


# --- jobs -----------------------------------------------------------------------------


def _cancel(job_id: str) -> None:
    cancel_job(database(), current_user(), job_id)


def _retry(job_id: str) -> None:
    try:
        retry_job(database(), get_settings(), current_user(), job_id)
    except ValueError:
        st.toast("That job is no longer failed or cancelled.", icon=":material/info:")


def job_row(job: Job, filename: str | None, key: str) -> None:
    """A job's title, live progress and status, with Cancel or Retry as fits its state."""
    st.markdown(f"{STATUS_ICONS[job.status]} **{escape_markdown(job_title(job, filename))}**")
    if job.status == JobStatus.FAILED:
        st.error(escape_markdown(job.error or "The job failed."), icon=":material/error:")
    else:
        st.progress(job.progress / 100, text=progress_text(job))
    st.caption(status_line(job))
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING) and not job.cancel_requested:
        st.button("Cancel", icon=":material/stop_circle:", key=f"{key}_cancel_{job.id}",
                  on_click=_cancel, args=(job.id,))
    elif job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
        st.button("Retry", icon=":material/refresh:", key=f"{key}_retry_{job.id}",
                  on_click=_retry, args=(job.id,))
