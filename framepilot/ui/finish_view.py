"""The Edit tab's "Finish" section: a preset, one switch per fix (each saying what it does),
the finish job's progress, then the finished video beside the original with its own review.

The page calls `finish_section` once; everything the section does goes through
`framepilot.services` (submit, read the latest finish and its report). `report_rows` is a pure
function of the report, for the table and for tests.
"""

from __future__ import annotations

import streamlit as st

from framepilot.finish.plan import SWITCHES
from framepilot.finish.presets import PRESETS
from framepilot.finish.report import FinishReport
from framepilot.models import (
    CaptionStyle,
    FinishOptions,
    JobStatus,
    JobType,
    PresetName,
    Stabilise,
    User,
    Video,
)
from framepilot.services import finish as finishing
from framepilot.services import media
from framepilot.services.jobs import submit_finish
from framepilot.settings import get_settings
from framepilot.store import Database
from framepilot.store import repository as repo
from framepilot.ui.job_display import progress_text

CHECK_LABELS = {
    "loudness": "Loudness (LUFS)",
    "framing": "Face in frame (share)",
    "captions": "Captions read back (share)",
    "shake": "Shake (px)",
    "visible_jumps": "Visible jumps per minute",
    "head_and_tail": "Slow start / run-on left",
}
_VERDICT = {True: "passed", False: "failed", None: "—"}


def report_rows(report: FinishReport) -> list[dict[str, str]]:
    """One row per fix: what it is, whether it was applied, before, after, target and verdict."""
    def figure(value: float | None) -> str:
        return "—" if value is None else f"{value:.3g}"

    return [{"Fix": CHECK_LABELS.get(c.name, c.name), "Applied": "yes" if c.applied else "no",
             "Before": figure(c.before), "After": figure(c.after), "Target": c.target or "—",
             "Check": _VERDICT[c.passed], "Detail": c.detail} for c in report.checks]


def _finish_job(db: Database, user: User, video: Video):
    jobs = repo.list_jobs(db, user, statuses=[JobStatus.QUEUED, JobStatus.RUNNING], video_id=video.id)
    return next((j for j in jobs if j.type == JobType.FINISH), None)


def _under_way(db: Database, user: User, job_id: str) -> None:
    job = repo.get_job(db, user, job_id)
    if job.status.finished:
        st.rerun(scope="app")
    st.info(f"Finishing: {progress_text(job)}.", icon=":material/progress_activity:")


def _options() -> FinishOptions:
    names = list(PresetName)
    preset = st.selectbox("Where is it going?", names, format_func=lambda n: PRESETS[n].label,
                          key="review_finish_preset")
    left, right = st.columns(2)
    switches = {}
    for column, name in zip([left, right] * 4, ("trim", "loudness", "reframe", "captions", "punch_ins", "denoise")):
        switches[name] = column.toggle(name.replace("_", "-").capitalize(), value=name != "denoise",
                                       key=f"review_finish_{name}", help=SWITCHES[name])
    stabilise = left.radio("Stabilise", list(Stabilise), horizontal=True, key="review_finish_stabilise",
                           help=SWITCHES["stabilise"])
    style = right.radio("Caption style", list(CaptionStyle), horizontal=True, key="review_finish_style",
                        help=SWITCHES["caption_style"])
    upscale = st.checkbox("Enlarge a source smaller than the preset", value=True, key="review_finish_upscale",
                          help=SWITCHES["allow_upscale"])
    return FinishOptions(preset=preset, stabilise=stabilise, caption_style=style, allow_upscale=upscale, **switches)


def finish_section(db: Database, user: User, video: Video) -> None:
    """The whole section; call it once from the Edit tab."""
    settings = get_settings()
    st.subheader("Finish")
    st.caption("A finished video for the platform it is going to: the cuts above, the framing, the sound and "
               "burned-in captions, then a review of the output against each fix.")
    options = _options()
    job = _finish_job(db, user, video)
    if job is not None:
        st.fragment(run_every=1)(_under_way)(db, user, job.id)
    elif st.button("Finish the video", icon=":material/auto_awesome:", key="review_finish_go"):
        try:
            submit_finish(db, settings, user, video.id, options)
        except finishing.FinishNotReady as exc:
            st.warning(str(exc))
            return
        st.rerun()

    made = finishing.latest_finish(db, settings, user, video.id)
    if made is None:
        return
    report = finishing.read_report(settings, made)
    before, after = st.columns(2)
    before.caption("Original")
    before.video(media.browser_source(settings, video.stored_path))
    after.caption(f"Finished · review {'passed' if report.passed else 'has failures'}")
    after.video(media.browser_source(settings, made.video))
    st.dataframe(report_rows(report), hide_index=True, key="review_finish_report")
    for note in report.notes:
        st.caption(note)
    files = [("MP4", made.video, "video/mp4"), ("SRT", made.srt, "application/x-subrip"),
             ("VTT", made.vtt, "text/vtt")]
    columns = st.columns(len(files))
    for column, (label, key, mime) in zip(columns, files):
        if key is None:
            continue
        source = media.browser_source(settings, key)
        if source and not source.startswith("http"):
            with open(source, "rb") as fh:
                column.download_button(f"Download {label}", fh.read(), key.rsplit("/", 1)[-1], mime,
                                       icon=":material/download:", key=f"review_finish_dl_{label}",
                                       on_click="ignore")
        elif source:
            column.link_button(f"Download {label}", source, icon=":material/download:")
