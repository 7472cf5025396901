"""One video's review: the player with the director's notes beside it (under it on a phone), the
clickable timeline, then shots, the transcript (the edit), charts, voiceover, exports and the edit."""

import streamlit as st

from framepilot.core.wording import plural
from framepilot.models import JobStatus, VideoStatus
from framepilot.services import exports
from framepilot.services.analysis import load_analysis
from framepilot.services.media import review_media
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from framepilot.ui import charts
from framepilot.ui.job_display import progress_text
from framepilot.ui.player import PLAYER_KEY, player_style, seek_script
from framepilot.ui.review import (
    cost_text,
    duration_text,
    mmss,
    pace_series,
    seek_time,
    shot_facts,
    shot_heading,
    shot_words,
    voice_choice,
)
from framepilot.ui.safe_text import escape_markdown
from framepilot.ui.stage import stage_columns
from pages.common import chosen_video, database, render_download, require_user
from pages.review_edit import edit_panel
from pages.review_notes import notes_panel
from pages.review_transcript import transcript_panel

START_KEY = "review_start"  # {"video": id, "t": seconds}: where the player starts

user = require_user()
db = database()
st.title(":material/movie: Review")
video = chosen_video(db, user)
if video.unreadable:
    st.warning(video.unreadable, icon=":material/lock:")
result = load_analysis(db, user, video.id)

def analysis_under_way() -> None:
    """Live progress while the analysis runs; the page redraws itself when it is done."""
    jobs = repo.list_jobs(db, user, video_id=video.id, limit=1)
    if not jobs or jobs[0].status.finished:
        st.rerun(scope="app")
    st.info(f"The analysis is under way: {progress_text(jobs[0])}.", icon=":material/progress_activity:")
    st.progress(jobs[0].progress / 100)


if result is None or not result.shots:
    st.subheader(escape_markdown(video.filename))
    latest = repo.list_jobs(db, user, video_id=video.id, limit=1)
    if video.status == VideoStatus.FAILED:
        st.error(escape_markdown(video.error or "The analysis failed."), icon=":material/error:")
    elif latest and not latest[0].status.finished:
        st.fragment(run_every=1)(analysis_under_way)()
    else:
        st.info("This video has not been analysed yet.", icon=":material/hourglass_empty:")
    st.page_link("pages/jobs.py", label="See its jobs", icon=":material/work_history:")
    st.stop()


SEEKS_KEY = "review_seeks"  # how many seeks so far: makes each exact-seek script new


def seek(seconds: float) -> None:
    st.session_state[START_KEY] = {"video": video.id, "t": float(seconds)}
    st.session_state[SEEKS_KEY] = st.session_state.get(SEEKS_KEY, 0) + 1


def seek_to_clicked_point() -> None:
    seconds = seek_time(st.session_state["review_timeline"].selection.points)
    if seconds is not None:
        seek(seconds)


media = review_media(get_settings(), video, result.shots, result.voiceover)
state = st.session_state.get(START_KEY) or {}
start = state.get("t", 0.0) if state.get("video") == video.id else 0.0
transcript, probe = result.transcript, result.video

player, notes = st.columns(stage_columns(probe.display_width, probe.display_height))
with player, st.container(key=PLAYER_KEY):
    if media.video:
        st.html(player_style(probe.display_width, probe.display_height))
        subtitles = {"Off": "", "Transcript": exports.to_vtt(transcript)} if transcript.segments else None
        st.video(media.video, start_time=int(start), subtitles=subtitles)
        if st.session_state.get(SEEKS_KEY):
            st.html(seek_script(start, st.session_state[SEEKS_KEY]), unsafe_allow_javascript=True)
        st.caption(f"Playing from {mmss(start)}. Click a note, a word or the timeline to play from there.")
    else:
        st.warning("The video file is no longer stored.", icon=":material/warning:")
with notes:
    st.markdown(f"### {escape_markdown(video.filename)}",
                help=f"{duration_text(probe.duration_s)} · {plural(len(result.shots), 'shot')} · "
                     f"analysis cost {cost_text(video.cost_usd)}")
    mode = notes_panel(db, user, video, result.director, seek)
chosen = result.director.get(mode.value)

st.plotly_chart(
    charts.scene_timeline(result.shots, transcript, probe.duration_s, chosen.notes if chosen else ()),
    on_select=seek_to_clicked_point, selection_mode="points", key="review_timeline",
    config={"displayModeBar": False},
)

shots_tab, transcript_tab, charts_tab, voice_tab, export_tab, edit_tab = st.tabs([
    ":material/photo_library: Shots", ":material/subtitles: Transcript", ":material/bar_chart: Charts",
    ":material/record_voice_over: Voiceover", ":material/download: Export", ":material/content_cut: Edit",
])

with shots_tab:
    columns = st.columns(3)
    for shot in result.shots:
        with columns[shot.index % 3].container(border=True):
            if shot.index in media.keyframes:
                st.image(media.keyframes[shot.index])
            st.markdown(f"**{shot_heading(shot)}**")
            st.markdown(":gray[" + escape_markdown(" · ".join(shot_words(shot))) + "]",
                        help=escape_markdown(" · ".join(shot_facts(shot))))
            for issue in shot.issues:
                st.markdown(f":orange[:material/warning:] {escape_markdown(issue)}")
            st.button(f"Play from {mmss(shot.start_s)}", icon=":material/play_arrow:",
                      key=f"review_shot_{shot.index}", on_click=seek, args=(shot.start_s,))

with transcript_tab:
    transcript_panel(db, user, video, transcript, seek)

with charts_tab:
    left, right = st.columns(2)
    left.markdown("**Shot scales**")
    left.plotly_chart(charts.scale_distribution(result.shots), key="review_scales")
    right.markdown("**Pace over time** (green band: a comfortable 130–170 words per minute)")
    right.plotly_chart(charts.pace_over_time(pace_series(transcript, result.video.duration_s)), key="review_pace")
    if result.timings:
        st.markdown("**Where the analysis time went**")
        st.plotly_chart(charts.stage_durations(result.timings), key="review_timings")

with voice_tab:
    local_ok, voices = voice_choice(transcript, get_settings().openai_tts_voice)
    (st.caption if local_ok else st.warning)(voices)
    voiceover = result.voiceover
    if voiceover is None:
        st.info("No voiceover yet. Voice a rewritten script on the Compare modes page.",
                icon=":material/record_voice_over:")
        st.page_link("pages/compare.py", label="Compare modes", icon=":material/view_column:")
    else:
        st.caption(f"{voiceover.mode.value.replace('_', ' ')} · {voiceover.provider} voice "
                   f"“{voiceover.voice}” · {duration_text(voiceover.duration_s)}")
        if media.voiceover_preview:
            st.video(media.voiceover_preview)
            render_download(media.voiceover_preview, f"{video.filename.rsplit('.', 1)[0]}-voiceover.mp4",
                            "review_voiceover_download", label="Download the voiced video")
        if media.voiceover_audio:
            st.audio(media.voiceover_audio)

with export_tab:
    downloads = [
        ("Subtitles (SRT)", exports.ExportFormat.SRT, ":material/subtitles:", "review_srt"),
        ("Subtitles (VTT)", exports.ExportFormat.VTT, ":material/subtitles:", "review_vtt"),
        ("Full analysis (JSON)", exports.ExportFormat.JSON, ":material/data_object:", "review_json"),
        ("Director notes (Markdown)", exports.ExportFormat.MD, ":material/description:", "review_markdown"),
    ]
    if not transcript.segments:  # no speech: an empty subtitle file helps nobody
        downloads = downloads[2:]
        st.caption("No speech was found, so there are no subtitles to download.")
    for column, (label, export_format, icon, key) in zip(st.columns(len(downloads)), downloads):
        file = exports.export_file(result, video.filename, export_format)
        column.download_button(label, file.text, file.filename, file.media_type, icon=icon, key=key,
                               on_click="ignore")
    active = repo.list_jobs(db, user, statuses=[JobStatus.QUEUED, JobStatus.RUNNING], video_id=video.id)
    if active:
        st.caption(f"A job for this video is running: {progress_text(active[0])}.")

# --- the edit (issue 13): its own module, so this page only places it ---------------------
with edit_tab:
    edit_panel(db, user, video)
