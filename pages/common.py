"""Shared UI plumbing for pages: the database handle, the signed-in user, the video a page
is about, and one job's live progress row.

Sign-in is a session cookie (framepilot.auth.sessions) that the browser sends with every
page load, resolved against the store on every script run. Nothing about the user is
cached in session state, so a revoked session, a disabled account or a removed admin
right takes effect on the next run.

Every page calls `require_user()` itself, as well as `app.py` choosing the navigation by
it. That is defence in depth, and it is also what keeps AppTest honest on Streamlit 1.66+:
AppTest re-requests the page the last run ended on and, because the page files sit in a
folder named `pages/`, runs that file alone instead of `app.py`. A gate only in `app.py`
would then be skipped in tests (a real browser always runs `app.py` first).
"""

from __future__ import annotations

import json
from typing import NoReturn

import streamlit as st

from framepilot.auth import sessions
from framepilot.auth.oidc import OidcClaims, resolve_identity
from framepilot.auth.sessions import CODE_TTL, COOKIE_NAME, SessionPolicy
from framepilot.errors import FramePilotError
from framepilot.models import Job, JobStatus, User, Video
from framepilot.services.jobs import cancel_job, retry_job
from framepilot.settings import get_settings
from framepilot.store import Database, open_database
from framepilot.store import repository as repo
from framepilot.ui.errors import error_text
from framepilot.ui.job_display import (
    STATUS_ICONS,
    job_title,
    progress_text,
    status_line,
)
from framepilot.ui.safe_text import escape_markdown
from framepilot.web import SIGN_OUT_PATH, start_session_link

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


def oidc_user() -> User | None:
    """The local account for the identity-provider sign-in, matched on its subject."""
    if not oidc_configured() or not st.user.get("is_logged_in"):
        return None
    claims = OidcClaims.from_claims(st.user.to_dict())
    return resolve_identity(database(), claims) if claims else None


def _session_cookie() -> str | None:
    value = st.context.cookies.get(COOKIE_NAME)
    return value if isinstance(value, str) else None


def client_address() -> str:
    """The connecting address, for sign-in throttling ("local" for this machine)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "local"


def current_user() -> User | None:
    """The signed-in user, from the session cookie and the store, on every run."""
    active = sessions.resolve(database(), _session_cookie(), SessionPolicy.from_settings(get_settings()))
    return active.user if active else None


def _go_to(url: str, label: str, cookie: tuple[str, str, str] | None = None) -> NoReturn:
    """Send the browser to one of the web layer's routes (a link, in case scripts are off),
    first setting `cookie` = (name, value, path) in it for CODE_TTL (SameSite=Strict)."""
    script = f"window.location.replace({json.dumps(url)});"
    if cookie is not None:
        name, value, path = cookie
        attributes = f"; Max-Age={int(CODE_TTL.total_seconds())}; Path={path}; SameSite=Strict"
        script = (f"document.cookie = {json.dumps(f'{name}={value}{attributes}')}"
                  " + (location.protocol === 'https:' ? '; Secure' : '');" + script)
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
    st.link_button(label, url, icon=":material/arrow_forward:")
    st.stop()


def start_session(user: User, back_to: str = "/") -> NoReturn:
    """After the password (or identity provider) check: a one-time code bound to this browser
    by a short-lived cookie, then the cookie route, which sends the browser on to `back_to`
    (one of the app's own addresses)."""
    start = start_session_link(database(), user, back_to)
    _go_to(start.url, "Continue to FramePilot", cookie=start.cookie)


def sign_out() -> NoReturn:
    """End the session in the store at once, then let the web layer clear the cookie."""
    sessions.revoke(database(), _session_cookie())
    st.session_state.clear()
    if oidc_configured() and st.user.get("is_logged_in"):
        st.logout()  # Streamlit's own cookie goes too, and its route takes the browser home
        st.stop()
    _go_to(SIGN_OUT_PATH, "Signed out: back to the sign-in page")


def require_user() -> User:
    """The signed-in user, else the sign-in page. Draws the account corner of the sidebar."""
    user = current_user()
    if user is None:
        st.switch_page("pages/sign_in.py")
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as {escape_markdown(user.email)}")
        if st.button("Sign out", icon=":material/logout:", key="app_sign_out"):
            sign_out()
    return user


# --- uploads -------------------------------------------------------------------------


def release_uploads(files: list) -> None:
    """Drop Streamlit's in-memory copies of uploads once they are stored. Streamlit keeps them
    for the browser session's whole life otherwise, and the upload guard counts them against
    the session's cap (FRAMEPILOT_UPLOAD_SESSION_MB)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    remove = getattr(ctx.uploaded_file_mgr, "remove_file", None) if ctx else None
    for upload in files if remove else []:
        remove(session_id=ctx.session_id, file_id=upload.file_id)


# --- renders to take away ---------------------------------------------------------------


def render_download(source: str, file_name: str, key: str, label: str = "Download") -> None:
    """A download button for a rendered file: read from disk only when clicked, or a link to
    its presigned address when media is in S3."""
    if source.startswith(("http://", "https://")):
        st.link_button(label, source, icon=":material/download:")
        return
    st.download_button(label, data=lambda: open(source, "rb"), file_name=file_name, mime="video/mp4",  # noqa: SIM115
                       icon=":material/download:", key=key, on_click="ignore")


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
    user = current_user()
    if user is None:
        return
    try:
        cancel_job(database(), user, job_id)
    except FramePilotError as exc:  # it finished meanwhile (JobFinished), or went with its video
        st.toast(error_text(exc), icon=":material/info:")


def _retry(job_id: str) -> None:
    user = current_user()
    if user is None:
        return
    try:
        retry_job(database(), get_settings(), user, job_id)
    except FramePilotError as exc:  # retried meanwhile in another tab (NotRetryable)
        st.toast(error_text(exc), icon=":material/info:")


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
