"""Upload clips (or the sample), choose what to run, and watch each job live."""

from pathlib import Path

import streamlit as st

import framepilot
from framepilot.models import DirectorMode, JobStatus, VideoStatus
from framepilot.models.languages import AUTO, WHISPER_LANGUAGES, parse_language
from framepilot.providers.registry import available_providers
from framepilot.services.ingest import (
    ALLOWED_SUFFIXES,
    AnalysisRequest,
    NotAVideo,
    UploadFailed,
    UploadRejected,
    ingest,
)
from framepilot.services.quotas import QuotaExceeded
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from framepilot.ui.review import MODE_BLURBS, MODE_TITLES
from framepilot.ui.safe_text import escape_markdown
from pages.common import database, job_row, release_uploads, require_user

# Beside the package's code, not this file: an installed FramePilot serves a copy of pages/.
SAMPLE_CLIP = Path(framepilot.__file__).resolve().parent / "assets" / "sample.mp4"
JOBS_KEY = "upload_jobs"  # [{"job": id, "video": id, "name": filename}] submitted in this session
NOTICES_KEY = "upload_notices"

user = require_user()
db, settings = database(), get_settings()
st.session_state.setdefault(JOBS_KEY, [])
st.session_state.setdefault(NOTICES_KEY, [])
st.session_state.setdefault("upload_generation", 0)

st.title(":material/upload: Upload")
st.write("Drop one or more talk-to-camera clips. FramePilot finds the shots, transcribes the "
         "speech and writes director notes.")

files = st.file_uploader(
    "Video files",
    type=sorted(suffix.lstrip(".") for suffix in ALLOWED_SUFFIXES),
    accept_multiple_files=True,
    max_upload_size=settings.max_upload_mb,
    key=f"upload_files_{st.session_state.upload_generation}",
)
st.caption(f"Up to {settings.max_upload_mb} MB per file · MP4, MOV, MKV, WebM and other common formats.")

mode_col, provider_col, language_col, voice_col = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
modes = mode_col.multiselect(
    "Director modes", list(DirectorMode), default=list(DirectorMode), key="upload_modes",
    format_func=lambda m: MODE_TITLES[m],
    help="\n\n".join(f"**{MODE_TITLES[m]}**: {MODE_BLURBS[m]}" for m in DirectorMode),
)
provider = provider_col.selectbox("AI provider", available_providers(settings), key="upload_provider",
                                  help="local runs on this machine at no cost.")
language = language_col.selectbox(
    "Spoken language", [AUTO, *WHISPER_LANGUAGES], key="upload_language",
    format_func=lambda code: "Detect" if code == AUTO else WHISPER_LANGUAGES[code],
    help="Detect lets Whisper guess from the first 30 s; naming the language is more reliable on short or "
         "accented speech. The notes are written in English or Turkish.")
voice = voice_col.checkbox("Voice the rewrite", key="upload_voice",
                           help="Records a voiceover of the rewritten script and a preview video with it.")

with st.container(horizontal=True):
    analyse = st.button("Analyse", type="primary", icon=":material/play_arrow:", key="upload_submit",
                        disabled=not files)
    sample = st.button("Try the sample clip", icon=":material/movie:", key="upload_sample")


def _start(name: str, stream) -> None:  # noqa: ANN001 - a binary file object
    """Store, check and queue one file (the same `ingest` as `POST /api/videos`), or point at
    the stored one when it is a duplicate. A refused file gets its own message; the batch goes on."""
    request = AnalysisRequest(modes=tuple(modes), provider=provider, voice=voice, language=parse_language(language))
    try:
        ingestion = ingest(db, settings, user, name, stream, request)
    except NotAVideo as exc:  # its message names the file already, as the API's 422 does
        st.session_state[NOTICES_KEY].append(("error", str(exc), None))
        return
    except (UploadRejected, UploadFailed, QuotaExceeded) as exc:
        st.session_state[NOTICES_KEY].append(("error", f"“{name}”: {exc}", None))
        return
    video = ingestion.video
    if ingestion.duplicate and ingestion.submission.reused and video.status == VideoStatus.READY:
        st.session_state[NOTICES_KEY].append(
            ("info", f"“{video.filename}” was already analysed, so nothing was charged again.", video.id))
        return
    tracked = [j["job"] for j in st.session_state[JOBS_KEY]]
    if ingestion.submission.job.id not in tracked:
        st.session_state[JOBS_KEY].insert(0, {"job": ingestion.submission.job.id, "video": video.id,
                                              "name": video.filename})


if analyse or sample:
    st.session_state[NOTICES_KEY] = []
    if not modes:
        st.warning("Choose at least one director mode.", icon=":material/warning:")
        st.stop()
    if sample and not SAMPLE_CLIP.exists():
        st.session_state[NOTICES_KEY].append(("error", "The sample clip is not installed.", None))
    elif sample:
        with open(SAMPLE_CLIP, "rb") as sample_file:
            _start(SAMPLE_CLIP.name, sample_file)
    for upload in (files or []) if analyse else []:
        _start(upload.name, upload)
    if analyse:
        release_uploads(files or [])
        st.session_state.upload_generation += 1
        st.rerun()

for kind, message, video_id in st.session_state[NOTICES_KEY]:
    if kind == "error":
        st.error(escape_markdown(message), icon=":material/error:")
    else:
        st.info(escape_markdown(message), icon=":material/task_alt:")
        st.page_link("pages/review.py", label="Open its review", icon=":material/movie:",
                     query_params={"video": video_id})


@st.fragment(run_every=1)
def live_progress() -> None:
    """Each submitted job's stage and progress, refreshed every second."""
    for entry in st.session_state[JOBS_KEY]:
        try:
            job = repo.get_job(db, user, entry["job"])
        except repo.NotFound:
            continue
        with st.container(border=True):
            job_row(job, entry["name"], key="upload")
            if job.status == JobStatus.COMPLETED:
                st.page_link("pages/review.py", label="Open the review", icon=":material/movie:",
                             query_params={"video": entry["video"]})


if st.session_state[JOBS_KEY]:
    st.subheader("Progress")
    live_progress()
