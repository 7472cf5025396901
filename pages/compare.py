"""The three director modes side by side, aligned on the timeline, with re-run and voice actions."""

import streamlit as st

from framepilot.models import DirectorMode, JobStatus, JobType
from framepilot.providers.registry import available_providers
from framepilot.services.jobs import submit_director_notes, submit_tts
from framepilot.services.media import browser_source
from framepilot.services.quotas import QuotaExceeded
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from framepilot.ui.review import (
    MODE_BLURBS,
    MODE_TITLES,
    SCRIPTED_MODES,
    align_notes,
    diff_html,
    original_lines,
    script_diff,
    time_range,
    version_label,
)
from framepilot.ui.safe_text import escape_markdown
from pages.common import chosen_video, database, job_row, require_user

SEVERITY_COLOURS = {"warning": "orange", "suggestion": "blue", "info": "gray"}

user = require_user()
db, settings = database(), get_settings()
st.title(":material/view_column: Compare modes")
video = chosen_video(db, user)
st.caption(escape_markdown(video.filename))
results = repo.list_director_results(db, user, video.id)
if not results:
    st.info("There are no director notes for this video yet. They appear here when its analysis "
            "finishes.", icon=":material/hourglass_empty:")
    st.page_link("pages/jobs.py", label="See its jobs", icon=":material/work_history:")
    st.stop()
shots = repo.get_shots(db, user, video.id)
transcript = repo.get_transcript(db, user, video.id)
voiceovers = repo.list_voiceovers(db, user, video.id)
provider = st.columns([1, 3])[0].selectbox("Provider for new runs", available_providers(settings),
                                          key="compare_provider")


def queue_rerun(mode: DirectorMode) -> None:
    try:
        sub = submit_director_notes(db, settings, user, video.id, modes=[mode], provider=provider)
    except QuotaExceeded as exc:
        st.toast(str(exc), icon=":material/block:")
        return
    st.toast("Already running; follow it below." if sub.reused else "Queued. The notes update when it is done.",
             icon=":material/schedule:")


def queue_voice(mode: DirectorMode) -> None:
    try:
        sub = submit_tts(db, settings, user, video.id, mode=mode, provider=provider)
    except QuotaExceeded as exc:
        st.toast(str(exc), icon=":material/block:")
        return
    st.toast("A voiceover is already being recorded." if sub.reused else "Voiceover queued.",
             icon=":material/record_voice_over:")


def latest_job(mode: DirectorMode):  # noqa: ANN201 - Job | None
    """The newest notes or voice job for this mode, shown while it runs or when it failed."""
    for job in repo.list_jobs(db, user, video_id=video.id, limit=20):
        if job.type != JobType.VIDEO_ANALYSIS and mode in job.params.director_modes:
            return job if job.status in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED) else None
    return None


def mode_activity(mode: DirectorMode) -> None:
    """This mode's running job, live; a finished one refreshes the page to show its result."""
    job, waiting_key = latest_job(mode), f"compare_waiting_{mode.value}"
    running = job is not None and not job.status.finished
    if st.session_state.get(waiting_key) and not running:
        st.session_state[waiting_key] = False
        st.session_state[f"compare_autoplay_{mode.value}"] = True
        st.rerun(scope="app")
    st.session_state[waiting_key] = running
    if job is not None:
        job_row(job, None, key=f"compare_{mode.value}")


chosen = {}
for mode, column in zip(DirectorMode, st.columns(3, border=True)):
    with column:
        st.subheader(MODE_TITLES[mode])
        st.caption(MODE_BLURBS[mode])
        stored = [r for r in results if r.mode == mode]
        chosen[mode] = st.selectbox("Version", stored, format_func=version_label,
                                    key=f"compare_version_{mode.value}") if stored else None
        if chosen[mode] is None:
            st.info("Not run yet for this video.", icon=":material/hourglass_empty:")
        elif chosen[mode].unreadable:
            st.warning(chosen[mode].unreadable, icon=":material/lock:")
        elif chosen[mode].summary:
            st.text(chosen[mode].summary)
        st.button("Re-run this mode", icon=":material/replay:", key=f"compare_rerun_{mode.value}",
                  on_click=queue_rerun, args=(mode,))
        if mode in SCRIPTED_MODES:
            st.button("Voice this script", icon=":material/record_voice_over:", key=f"compare_voice_{mode.value}",
                      on_click=queue_voice, args=(mode,), disabled=not (chosen[mode] and chosen[mode].script))
            voice = next((v for v in voiceovers if v.mode == mode), None)
            voice_source = browser_source(settings, voice.audio_path) if voice else None
            if voice_source:
                st.audio(voice_source, autoplay=st.session_state.pop(f"compare_autoplay_{mode.value}", False))
        active = latest_job(mode)
        st.fragment(run_every=1 if active and not active.status.finished else None)(mode_activity)(mode)

st.subheader(":material/timeline: Notes along the timeline")
rows = align_notes(chosen, shots, video.probe.duration_s if video.probe else 0.0)
if not rows:
    st.caption("No timed notes in the versions shown.")
for row in rows:
    st.markdown(f"**{row.label or 'Section'}** · {time_range(row.start_s, row.end_s)}")
    for mode, column in zip(DirectorMode, st.columns(3)):
        for note in row.notes.get(mode, []):
            colour = SEVERITY_COLOURS.get(note.severity, "gray")
            column.markdown(f":{colour}-badge[{time_range(note.start_s, note.end_s)}] "
                            f"**{escape_markdown(note.category)}** · {escape_markdown(note.note)}")

st.subheader(":material/difference: Scripts")
for mode, column in zip(DirectorMode, st.columns(3)):
    result = chosen[mode]
    if result is None or result.unreadable:
        continue
    if result.script:
        diff = script_diff(original_lines(result, transcript), result.script)
        changed = any(line.kind != "same" for line in diff)
        column.caption("Original (red) against the rewrite (green)" if changed else "The rewrite keeps every line.")
        column.html(diff_html(diff))
    else:
        column.caption("This mode keeps your script and directs the footage.")
    if result.shot_list:
        column.markdown("**Shot list**")
        for item in result.shot_list:
            column.markdown(f"{item.number}\\. **{item.scale.value}** · {item.duration_s:.1f} s · "
                            f"{escape_markdown(item.line or '—')}")
            column.caption(escape_markdown(item.framing))
