"""What a person reads about a job: its title, the stage in plain words, and its status line."""

from __future__ import annotations

from framepilot.models import Job, JobStatus, JobType, Stage

STAGE_LABELS: dict[str, str] = {
    Stage.PROBE.value: "Reading the file",
    Stage.AUDIO.value: "Extracting the audio",
    Stage.SHOTS.value: "Finding the shots",
    Stage.TRANSCRIBE.value: "Transcribing the speech",
    Stage.CINEMATIC.value: "Reading each shot",
    Stage.DIRECT.value: "Writing director notes",
    Stage.VOICE.value: "Recording the voiceover",
    Stage.RENDER.value: "Rendering the tightened preview",
    Stage.FINISH.value: "Finishing: framing, sound, captions, then the review",
}
JOB_TITLES: dict[JobType, str] = {
    JobType.VIDEO_ANALYSIS: "Analysis",
    JobType.DIRECTOR_NOTES: "Director notes",
    JobType.TTS: "Voiceover",
    JobType.RENDER_EDIT: "Tightened preview",
    JobType.FINISH: "Finish",
}
STATUS_ICONS: dict[JobStatus, str] = {
    JobStatus.QUEUED: ":material/schedule:",
    JobStatus.RUNNING: ":material/progress_activity:",
    JobStatus.COMPLETED: ":material/check_circle:",
    JobStatus.FAILED: ":material/error:",
    JobStatus.CANCELLED: ":material/cancel:",
}


def stage_label(stage: str | None) -> str:
    if not stage:
        return "Waiting to start"
    return STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize())


def job_title(job: Job, filename: str | None = None) -> str:
    title = JOB_TITLES.get(job.type, job.type.value)
    modes = ", ".join(m.value.replace("_", " ") for m in job.params.director_modes)
    if job.type != JobType.VIDEO_ANALYSIS and modes:
        title += f" ({modes})"
    return f"{title} · {filename}" if filename else title


def progress_text(job: Job) -> str:
    """The line under a progress bar: what is happening now, in words."""
    if job.status == JobStatus.QUEUED:
        return "Queued — waiting for a free worker"
    if job.status == JobStatus.RUNNING:
        cancelling = " (cancelling…)" if job.cancel_requested else ""
        return f"{stage_label(job.stage)} · {job.progress}%{cancelling}"
    if job.status == JobStatus.COMPLETED:
        return "Done · 100%"
    if job.status == JobStatus.CANCELLED:
        return "Cancelled"
    return "Failed"


def attempts_text(job: Job) -> str:
    return f"attempt {job.attempts}" if job.attempts else "not started"


def status_line(job: Job) -> str:
    """Status, attempts, when it was queued and (once finished) how long it ran."""
    parts = [job.status.value, attempts_text(job), f"queued {job.created_at:%Y-%m-%d %H:%M}"]
    if job.status.finished and job.started_at and job.finished_at:
        parts.append(f"took {(job.finished_at - job.started_at).total_seconds():.1f} s")
    return " · ".join(parts)
