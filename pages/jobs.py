"""Queued, running and recent jobs with live progress, cancel and retry."""

import streamlit as st

from framepilot.models import JobStatus
from framepilot.store import repository as repo
from pages.common import database, job_row, require_user

RECENT_LIMIT = 30

user = require_user()
db = database()
st.title(":material/work_history: Jobs")
st.caption("Analyses, director notes and voiceovers, newest first. This page updates by itself.")


@st.fragment(run_every=1)
def job_board() -> None:
    jobs = repo.list_jobs(db, user, limit=RECENT_LIMIT)
    names = {v.id: v.filename for v in repo.list_videos(db, user)}
    active = [j for j in jobs if j.status in (JobStatus.QUEUED, JobStatus.RUNNING)]
    recent = [j for j in jobs if j.status.finished]
    if not jobs:
        st.info("No jobs yet. Upload a video to start one.", icon=":material/inbox:")
        st.page_link("pages/upload.py", label="Upload a video", icon=":material/upload:")
        return
    st.subheader(f"In progress ({len(active)})")
    if not active:
        st.caption("Nothing is running.")
    for job in active:
        with st.container(border=True):
            job_row(job, names.get(job.video_id), key="jobs")
    st.subheader("Recent")
    for job in recent:
        with st.container(border=True):
            job_row(job, names.get(job.video_id), key="jobs")
            if job.status == JobStatus.COMPLETED and job.video_id in names:
                st.page_link("pages/review.py", label="Open the review", icon=":material/movie:",
                             query_params={"video": job.video_id})


job_board()
