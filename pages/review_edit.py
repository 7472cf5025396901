"""The Edit tab of the Review page: the suggested cuts on a timeline, a switch per cut, the new
duration, the tightened preview (rendered as a job) and timeline downloads for editors.
UI only: the cut list, exports and rendering live in framepilot.edit."""

from pathlib import Path

import streamlit as st

from framepilot.edit.timeline import TimelineError, TimelineFormat
from framepilot.errors import FramePilotError
from framepilot.models import JobStatus, JobType, User, Video
from framepilot.services import edit as video_edit
from framepilot.services import transcript_edit
from framepilot.services.jobs import submit_render
from framepilot.settings import get_settings
from framepilot.store import Database
from framepilot.store import repository as repo
from framepilot.ui.edit_view import cut_label, cut_timeline, summarise_edit
from framepilot.ui.errors import error_text
from framepilot.ui.finish_view import finish_section
from framepilot.ui.job_display import progress_text
from framepilot.ui.review import duration_text
from framepilot.ui.safe_text import escape_markdown
from pages.common import render_download


def _render_job(db: Database, user: User, video: Video):  # noqa: ANN202 - Job | None
    jobs = repo.list_jobs(db, user, statuses=[JobStatus.QUEUED, JobStatus.RUNNING], video_id=video.id)
    return next((j for j in jobs if j.type == JobType.RENDER_EDIT), None)


def _render_under_way(db: Database, user: User, job_id: str) -> None:
    """Live progress while the preview renders; the page redraws itself when it is done."""
    job = repo.get_job(db, user, job_id)
    if job.status.finished:
        st.rerun(scope="app")
    st.info(f"Rendering the tightened preview: {progress_text(job)}.", icon=":material/progress_activity:")


def _switch(db: Database, user: User, video: Video, cut_id: str) -> None:
    """Through the transcript edit, so the Transcript tab's Undo puts a switch back too."""
    transcript_edit.switch_cut(db, user, video.id, cut_id, st.session_state[f"review_cut_{cut_id}"])


def edit_panel(db: Database, user: User, video: Video) -> None:
    cut_list = video_edit.load_cut_list(db, user, video.id)
    if cut_list is None or not cut_list.cuts:
        st.info("No cuts to suggest: there are no long pauses, fillers, false starts or retakes in the "
                "transcript.", icon=":material/content_cut:")
        finish_section(db, user, video)
        return
    summary = summarise_edit(cut_list)
    a, b, c = st.columns(3)
    a.metric("Original", duration_text(summary.original_s))
    b.metric("Edited", duration_text(summary.edited_s), delta=f"-{summary.removed_s:.1f} s", delta_color="off")
    c.metric("Cuts on", f"{summary.cuts_on} of {summary.cuts_total}")
    st.plotly_chart(cut_timeline(cut_list), key="review_cut_timeline", config={"displayModeBar": False})

    for cut in cut_list.cuts:
        switch, text = st.columns([1, 5], vertical_alignment="center")
        switch.toggle(cut_label(cut), value=cut.enabled, key=f"review_cut_{cut.id}",
                      on_change=_switch, args=(db, user, video, cut.id))
        text.markdown(f"{escape_markdown(cut.reason)}  \n:gray[{escape_markdown(cut.evidence)}]")

    st.subheader("The result")
    preview = video_edit.rendered_preview(get_settings(), db, user, video.id, cut_list)
    job = _render_job(db, user, video)
    if preview is not None:
        st.video(preview)
        render_download(preview, f"{Path(video.filename).stem or 'video'}-tightened.mp4", "review_preview_download",
                        label="Download the tightened video")
    elif job is not None:
        st.fragment(run_every=1)(_render_under_way)(db, user, job.id)
    elif st.button("Render the tightened preview", icon=":material/movie_edit:", key="review_render"):
        try:
            submit_render(db, get_settings(), user, video.id)
            st.rerun()
        except FramePilotError as exc:  # the same refusals as POST /api/videos/{id}/render
            st.error(error_text(exc), icon=":material/error:")

    stem = Path(video.filename).stem or "video"
    columns = st.columns(len(TimelineFormat))
    for column, fmt in zip(columns, TimelineFormat):
        try:
            exported = video_edit.export_timeline(db, get_settings(), user, video.id, fmt)
        except TimelineError as exc:
            column.caption(str(exc))
            continue
        column.download_button(exported.label, exported.text, exported.file_name, exported.mime_type,
                               icon=":material/download:", key=f"review_edit_{fmt.value}", on_click="ignore",
                               help=f"The edit as a timeline for your editor ({escape_markdown(stem)})")

    finish_section(db, user, video)
