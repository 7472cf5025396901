"""Orchestration: run the pipeline stages in order for one stored video.

Each stage's result is persisted as soon as it is done and marked in `analysis_stages`,
so a re-run (a retried or re-queued job) skips what is stored: a crash after
transcription never pays for transcription again.

Stages: probe -> audio -> shots -> transcribe -> cinematic -> direct -> voice.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from framepilot.exports import to_json
from framepilot.edit.cutlist import cut_list_of
from framepilot.logs import get_logger, log_stage
from framepilot.models import (
    AnalysisResult,
    DirectorInputs,
    DirectorMode,
    DirectorResult,
    Shot,
    ShotDetection,
    Stage,
    Transcript,
    User,
    VideoProbe,
    VideoStatus,
    Voiceover,
)
from framepilot.progress import Cancelled, ProgressFn, ProgressTracker
from framepilot.providers.base import ProviderError, Providers
from framepilot.providers.registry import get_providers
from framepilot.settings import Settings
from framepilot.store import Database
from framepilot.store import repository as repo
from framepilot.usage import BudgetExceeded, CallContext

ALL_MODES = tuple(DirectorMode)


class AnalysisFailed(RuntimeError):
    """The analysis cannot go on; the message is for the user."""


def work_dir(settings: Settings, user_id: int, video_id: str) -> Path:
    """Where a video's derived files live (audio, samples, keyframes, voiceovers)."""
    return settings.video_artifacts_dir(user_id, video_id)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class _Run:
    """One analysis run of one video: shared state for the stage methods."""

    def __init__(self, db: Database, settings: Settings, user: User, video_id: str,
                 providers: Providers | None, job_id: str | None, tracker: ProgressTracker) -> None:
        self.db, self.settings, self.user = db, settings, user
        self.video = repo.get_video(db, user, video_id)
        self.providers = providers
        self.ctx = CallContext(db=db, user_id=user.id, video_id=video_id, job_id=job_id)
        self.tracker = tracker
        self.work_dir = settings.video_artifacts_dir(user.id, video_id)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.done = repo.completed_stages(db, user, video_id)
        self.log = get_logger(user_id=user.id, video_id=video_id, job_id=job_id)

    def stage(self, stage: Stage, compute: Callable[[], object], load: Callable[[], object],
              is_stored: bool = True) -> object:
        """Load a stored stage result, or compute it, persist it and mark it done."""
        if stage.value in self.done and is_stored:
            self.log.info("stage.skipped", stage=stage.value, reason="stored")
            self.tracker.finish(stage)
            return load()
        with self.running(stage):
            return compute()

    @contextmanager
    def running(self, stage: Stage, **context: object) -> Iterator[None]:
        """Progress, timing and logging around computing a stage; marks it done on success."""
        self.tracker.start(stage)
        started = time.perf_counter()
        with log_stage(self.log, stage.value, **context):
            yield
        repo.mark_stage_done(self.db, self.user, self.video.id, stage.value, time.perf_counter() - started)
        self.tracker.finish(stage)

    # --- stages ----------------------------------------------------------------------

    @contextmanager
    def named_for_user(self) -> Iterator[None]:
        """Media errors name the user's file, not our stored copy."""
        from framepilot.pipeline.probe import InvalidVideo

        try:
            yield
        except InvalidVideo as exc:
            raise InvalidVideo(self.video.filename, exc.reason) from None

    def probe(self):  # noqa: ANN201 - VideoProbe
        from framepilot.pipeline.probe import probe_video

        def compute():
            with self.named_for_user():
                probe = probe_video(Path(self.video.stored_path), self.settings.max_duration_s)
            repo.save_probe(self.db, self.user, self.video.id, probe)
            return probe

        stored = repo.get_video(self.db, self.user, self.video.id).probe
        # A probe stored before demuxers were recorded is taken again: later stages force its demuxer.
        return self.stage(Stage.PROBE, compute, lambda: stored,
                          is_stored=stored is not None and stored.demuxer is not None)

    def audio(self, probe) -> Path | None:  # noqa: ANN001
        from framepilot.pipeline.audio import extract_audio

        wav = self.work_dir / "audio.wav"

        def compute() -> Path | None:
            with self.named_for_user():
                return extract_audio(Path(self.video.stored_path), wav, probe, self.settings.max_duration_s)

        return self.stage(Stage.AUDIO, compute, lambda: wav if probe.has_audio else None,
                          is_stored=(wav.exists() or not probe.has_audio))

    def shots(self, probe) -> ShotDetection:  # noqa: ANN001
        from framepilot.pipeline.shots import detect_shots

        path = self.work_dir / "detection.json"

        def compute() -> ShotDetection:
            with self.named_for_user():
                detection = detect_shots(Path(self.video.stored_path), probe, self.work_dir,
                                         progress=self.tracker.within(Stage.SHOTS),
                                         max_duration_s=self.settings.max_duration_s)
            _atomic_write(path, detection.model_dump_json())
            repo.save_shots(self.db, self.user, self.video.id,
                            [Shot(**span.model_dump()) for span in detection.spans])
            return detection

        return self.stage(Stage.SHOTS, compute,
                          lambda: ShotDetection.model_validate_json(path.read_text()), is_stored=path.exists())

    def transcribe(self, audio_path: Path | None) -> Transcript:
        def compute() -> Transcript:
            transcript = self.providers.transcriber.transcribe(
                audio_path, self.ctx, progress=self.tracker.within(Stage.TRANSCRIBE)
            )
            repo.save_transcript(self.db, self.user, self.video.id, transcript)
            return transcript

        return self.stage(Stage.TRANSCRIBE, compute,
                          lambda: repo.get_transcript(self.db, self.user, self.video.id))

    def cinematic(self, probe, detection: ShotDetection, transcript: Transcript,  # noqa: ANN001
                  audio_path: Path | None) -> list[Shot]:
        def compute() -> list[Shot]:
            shots = self.providers.shot_analyser.analyse(probe, detection, transcript, audio_path, self.ctx)
            repo.save_shots(self.db, self.user, self.video.id, shots)
            return shots

        return self.stage(Stage.CINEMATIC, compute, lambda: repo.get_shots(self.db, self.user, self.video.id))

    def direct(self, probe, shots: list[Shot], transcript: Transcript,  # noqa: ANN001
               modes: list[DirectorMode], force: bool) -> dict[str, DirectorResult]:
        inputs = DirectorInputs(probe=probe, shots=shots, transcript=transcript)
        results: dict[str, DirectorResult] = {}
        with self.running(Stage.DIRECT, modes=[m.value for m in modes]):
            for i, mode in enumerate(modes):
                stored = None if force else repo.latest_director_result(
                    self.db, self.user, self.video.id, mode, provider=self.providers.name)
                if stored is None:
                    stored = self.providers.director.direct(mode, inputs, self.ctx)
                    repo.save_director_result(self.db, self.user, self.video.id, stored)
                results[mode.value] = stored
                self.tracker.update(Stage.DIRECT, (i + 1) / len(modes))
        return results

    def voice(self, mode: DirectorMode) -> Voiceover:
        from framepilot.pipeline.preview import render_preview

        text = script_to_voice(self.db, self.user, self.video.id, mode)
        if text is None:
            raise AnalysisFailed(f"There is no {mode.value} script to voice yet; run that mode first.")
        probe = self.probe()
        with self.running(Stage.VOICE, mode=mode.value):
            stem = f"voice_{mode.value}_{self.providers.name}"
            clip = self.providers.voice.synthesise(text, self.work_dir / f"{stem}.wav", self.ctx)
            self.tracker.update(Stage.VOICE, 0.6)
            preview = render_preview(Path(self.video.stored_path), probe, clip.path, self.work_dir / f"{stem}.mp4")
            voiceover = repo.save_voiceover(self.db, self.user, Voiceover(
                video_id=self.video.id, mode=mode, provider=self.providers.name, voice=clip.voice,
                audio_path=str(clip.path), preview_path=str(preview), characters=clip.characters,
                duration_s=clip.duration_s,
            ))
        return voiceover


def failure_message(exc: Exception) -> str:
    """The text a user sees for a failure: our own message, or a generic one naming the type."""
    from framepilot.edit.video_edit import NotReady
    from framepilot.pipeline.preview import PreviewError
    from framepilot.pipeline.probe import InvalidVideo

    if isinstance(exc, (InvalidVideo, ProviderError, BudgetExceeded, AnalysisFailed, NotReady, PreviewError)):
        return str(exc)
    return f"Processing failed unexpectedly ({type(exc).__name__}). Retry, or try another file."


def _run(db: Database, settings: Settings, user: User, video_id: str, provider: str | None,
         job_id: str | None, stages: list[Stage], progress: ProgressFn | None) -> _Run:
    try:
        providers = get_providers(provider or settings.provider, settings)
    except ProviderError as exc:
        raise AnalysisFailed(str(exc)) from exc
    return _Run(db, settings, user, video_id, providers, job_id, ProgressTracker(stages, progress))


def analyse_video(
    db: Database, settings: Settings, user: User, video_id: str, *,
    modes: list[DirectorMode] | tuple[DirectorMode, ...] = ALL_MODES, voice: bool = False,
    provider: str | None = None, job_id: str | None = None, progress: ProgressFn | None = None,
) -> AnalysisResult:
    """The whole pipeline for a stored video, resuming from stored stage results."""
    modes = list(modes)
    stages = [Stage.PROBE, Stage.AUDIO, Stage.SHOTS, Stage.TRANSCRIBE, Stage.CINEMATIC]
    stages += [Stage.DIRECT] if modes else []
    stages += [Stage.VOICE] if voice else []
    run = _run(db, settings, user, video_id, provider, job_id, stages, progress)
    repo.set_video_status(db, user, video_id, VideoStatus.PROCESSING)
    try:
        probe = run.probe()
        audio_path = run.audio(probe)
        detection = run.shots(probe)
        transcript = run.transcribe(audio_path)
        shots = run.cinematic(probe, detection, transcript, audio_path)
        if modes:
            run.direct(probe, shots, transcript, modes, force=False)
        if voice:
            voice_mode = DirectorMode.SCRIPT_REWRITE if DirectorMode.SCRIPT_REWRITE in modes else modes[0]
            run.voice(voice_mode)
    except Cancelled:
        repo.set_video_status(db, user, video_id, VideoStatus.UPLOADED, "Analysis was cancelled.")
        raise
    except Exception as exc:
        message = failure_message(exc)
        repo.set_video_status(db, user, video_id, VideoStatus.FAILED, message)
        run.log.warning("analysis.failed", error_type=type(exc).__name__)
        run.log.debug("analysis.traceback", exc_info=exc)
        raise AnalysisFailed(message) from exc
    repo.set_video_status(db, user, video_id, VideoStatus.READY)
    return load_analysis(db, user, video_id)


def direct_video(
    db: Database, settings: Settings, user: User, video_id: str, *,
    modes: list[DirectorMode] | tuple[DirectorMode, ...] = ALL_MODES, provider: str | None = None,
    job_id: str | None = None, progress: ProgressFn | None = None,
) -> dict[str, DirectorResult]:
    """Re-run director modes on a stored analysis (e.g. after switching provider)."""
    run = _run(db, settings, user, video_id, provider, job_id, [Stage.DIRECT], progress)
    probe = repo.get_video(db, user, video_id).probe
    transcript = repo.get_transcript(db, user, video_id)
    shots = repo.get_shots(db, user, video_id)
    if probe is None or transcript is None or not shots or not is_analysed(db, user, video_id):
        raise AnalysisFailed("This video has not been analysed yet; analyse it first.")
    return run.direct(probe, shots, transcript, list(modes), force=True)


def is_analysed(db: Database, user: User, video_id: str) -> bool:
    """True once the last stage before the director (the cinematic reading) is stored."""
    return Stage.CINEMATIC.value in repo.completed_stages(db, user, video_id)


def script_to_voice(db: Database, user: User, video_id: str, mode: DirectorMode) -> str | None:
    """The text a voiceover of `mode` reads: its rewritten script (or shot list lines), if any."""
    result = repo.latest_director_result(db, user, video_id, mode)
    if result is None or not (result.script or result.shot_list):
        return None
    return " ".join(result.script) if result.script else " ".join(i.line for i in result.shot_list)


def voice_script(
    db: Database, settings: Settings, user: User, video_id: str, *,
    mode: DirectorMode = DirectorMode.SCRIPT_REWRITE, provider: str | None = None,
    job_id: str | None = None, progress: ProgressFn | None = None,
) -> Voiceover:
    """Voice a mode's rewritten script and render a preview of the video with it."""
    run = _run(db, settings, user, video_id, provider, job_id, [Stage.VOICE], progress)
    return run.voice(mode)


def probe_upload(db: Database, settings: Settings, user: User, video_id: str) -> VideoProbe:
    """Check a fresh upload now: the pipeline's probe stage, run and stored at once, so a
    file that is not a usable video is refused at upload and the job later skips the stage.

    Raises `InvalidVideo` with the reason, naming the user's file.
    """
    run = _Run(db, settings, user, video_id, providers=None, job_id=None,
               tracker=ProgressTracker([Stage.PROBE], None))
    return run.probe()


def load_analysis(db: Database, user: User, video_id: str) -> AnalysisResult | None:
    """Everything stored about a video's analysis, in the `analyze --json` structure."""
    video = repo.get_video(db, user, video_id)
    if video.probe is None:
        return None
    director: dict[str, DirectorResult] = {}
    for result in repo.list_director_results(db, user, video_id):
        if result.unreadable is None:
            director.setdefault(result.mode.value, result)
    voiceovers = repo.list_voiceovers(db, user, video_id)
    shots = repo.get_shots(db, user, video_id)
    transcript = repo.get_transcript(db, user, video_id)
    cuts = cut_list_of(video.probe, shots, transcript, repo.cut_choices(db, user, video_id)).cuts if transcript else []
    return AnalysisResult(
        video=video.probe,
        shots=shots,
        transcript=transcript or Transcript(),
        director=director,
        voiceover=voiceovers[0] if voiceovers else None,
        cuts=cuts,
        usage=repo.list_llm_calls(db, user, video_id=video_id),
        timings={k: round(v, 3) for k, v in repo.completed_stages(db, user, video_id).items()},
    )


def write_json(result: AnalysisResult, path: Path) -> None:
    """`framepilot analyze --json`: the same document as the review page's JSON download."""
    _atomic_write(path, to_json(result))
