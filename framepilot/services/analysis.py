"""Orchestration: run the pipeline stages in order for one stored video.

Each stage's result is persisted as soon as it is done and marked in `analysis_stages`,
so a re-run (a retried or re-queued job) skips what is stored: a crash after
transcription never pays for transcription again. A run reads the upload through the
scratch cache and writes its files into a workspace that publishes them to media storage
(keyframes, audio, voiceovers, previews), so a job resumes on any machine.

Stages: probe -> (audio -> transcribe, beside shots) -> cinematic -> direct -> voice.

The speech pass (audio extraction and transcription) runs on a helper thread beside the
video pass (shots, keyframes, motion, jump cuts): on 2 cores Whisper and the decoder each
get one, and the wait is the longer pass instead of their sum. Each stage is still stored
and marked on its own, so a resumed run skips whichever of the two was done.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import cached_property
from pathlib import Path

from framepilot.core.logs import get_logger, log_stage
from framepilot.core.stage_progress import Cancelled, ProgressFn, ProgressTracker
from framepilot.edit.cutlist import cut_list_of
from framepilot.errors import FramePilotError, user_message
from framepilot.media_storage import ObjectNotFound, storage_for
from framepilot.media_storage.keys import artifacts_prefix
from framepilot.media_storage.workspace import DISK_FULL_MESSAGE, Workspace, out_of_space
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
from framepilot.pipeline.fillers import hear_fillers
from framepilot.providers.base import ProviderError, Providers
from framepilot.providers.registry import get_providers
from framepilot.services import media
from framepilot.services.exports import to_json
from framepilot.settings import Settings
from framepilot.store import Database, StoreUnavailable
from framepilot.store import repository as repo
from framepilot.usage.metering import CallContext

ALL_MODES = tuple(DirectorMode)


class AnalysisFailed(FramePilotError, RuntimeError):
    """The analysis cannot go on; the message is for the user."""

    user_facing = True


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _language_matches(transcript: Transcript, wanted: str | None) -> bool:
    """A stored transcript answers the video's language setting: detected when none is named,
    made in the named one otherwise (transcripts stored before the setting count as detected)."""
    if wanted is None:
        return transcript.language_source != "set"
    return transcript.language_source == "set" and transcript.language == wanted


class _Run:
    """One analysis run of one video: shared state for the stage methods."""

    def __init__(self, db: Database, settings: Settings, user: User, video_id: str,
                 providers: Providers | None, job_id: str | None, tracker: ProgressTracker) -> None:
        self.db, self.settings, self.user = db, settings, user
        self.video = repo.get_video(db, user, video_id)
        self.providers = providers
        self.ctx = CallContext(db=db, user_id=user.id, video_id=video_id, job_id=job_id)
        self.tracker = tracker
        self.done = repo.completed_stages(db, user, video_id)
        self.log = get_logger(user_id=user.id, video_id=video_id, job_id=job_id)
        self.language_changed = False
        self._held = ExitStack()
        self._source: Path | None = None
        self._source_lock = threading.Lock()  # the two passes may both ask for it first
        self._published: dict[str, str] = {}  # local file of this run -> its storage key

    @cached_property
    def files(self) -> Workspace:
        """This run's artifacts: a local folder, published under the video's storage prefix."""
        workspace = Workspace(storage_for(self.settings), self.settings.work_dir,
                              artifacts_prefix(self.user.id, self.video.id))
        self._held.callback(workspace.close)
        return workspace

    def source(self) -> Path:
        """The uploaded video as a local file, held until the run ends."""
        with self._source_lock:
            if self._source is None:
                try:
                    self._source = self._held.enter_context(media.local_copy(self.settings, self.video.stored_path))
                except ObjectNotFound:
                    raise AnalysisFailed(f"{self.video.filename}: the uploaded file is no longer stored; "
                                         "upload it again.") from None
            return self._source

    def close(self) -> None:
        """Release the upload's local copy and remove the run's local files."""
        self._held.close()

    def forget_other_language(self) -> bool:
        """When the stored transcript was made in another language than the video now names,
        it and what was read from it (shots' speech, notes) are made again; True then."""
        if Stage.TRANSCRIBE.value not in self.done:
            return False
        stored = repo.get_transcript(self.db, self.user, self.video.id)
        if stored is None or stored.no_speech or _language_matches(stored, self.video.language):
            return False
        for stage in (Stage.TRANSCRIBE, Stage.CINEMATIC, Stage.DIRECT):
            repo.forget_stage(self.db, self.user, self.video.id, stage.value)
            self.done.pop(stage.value, None)
        return True

    def needed(self, *later: Stage) -> bool:
        """True when one of the `later` stages still has to run (so it needs earlier files)."""
        return any(stage.value not in self.done for stage in later)

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
                probe = probe_video(self.source(), self.settings.max_duration_s)
            repo.save_probe(self.db, self.user, self.video.id, probe)
            return probe

        stored = repo.get_video(self.db, self.user, self.video.id).probe
        # A probe stored before demuxers were recorded is taken again: later stages force its demuxer.
        return self.stage(Stage.PROBE, compute, lambda: stored,
                          is_stored=stored is not None and stored.demuxer is not None)

    def beside(self, side: Callable[[], object], main: Callable[[], object]) -> tuple[object, object]:
        """Run `side` on a helper thread while `main` runs here; return both results.

        When either fails, the tracker is aborted so the other stops at its next progress
        report (a cancel raised there ends both the same way), and the first failure is raised.
        """
        _ = self.files  # the workspace is made once, here, not raced for by the two threads
        outcome: dict[str, object] = {}

        def run_side() -> None:
            try:
                outcome["result"] = side()
            except BaseException as exc:  # noqa: BLE001 - re-raised on the calling thread
                outcome["error"] = exc
                self.tracker.abort()

        helper = threading.Thread(target=run_side, name="speech-pass", daemon=True)
        helper.start()
        try:
            main_result = main()
        except BaseException as exc:
            self.tracker.abort()
            helper.join()
            if isinstance(exc, Cancelled) and "error" in outcome:
                raise outcome["error"] from None  # the speech pass failed first and stopped this one
            raise
        helper.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"], main_result

    def speech(self, probe) -> tuple[Path | None, Transcript]:  # noqa: ANN001
        """The speech pass: the soundtrack, then its transcript."""
        audio_path = self.audio(probe)
        return audio_path, self.transcribe(audio_path)

    def audio(self, probe) -> Path | None:  # noqa: ANN001
        """The soundtrack as a local WAV (None without sound, or when no later stage needs it)."""
        from framepilot.pipeline.audio import extract_audio

        name = "audio.wav"
        wanted = probe.has_audio and self.needed(Stage.TRANSCRIBE, Stage.CINEMATIC)

        def compute() -> Path | None:
            with self.named_for_user():
                wav = extract_audio(self.source(), self.files.path(name), probe, self.settings.max_duration_s)
            if wav is not None:
                self.files.publish(name)
            return wav

        return self.stage(Stage.AUDIO, compute, lambda: self.files.fetch(name) if wanted else None,
                          is_stored=not wanted or self.files.is_published(name))

    def shots(self, probe) -> ShotDetection | None:  # noqa: ANN001
        """Shots and their keyframes, stored; the detection itself (frame samples, motion) only
        when computed in this run: a later run that needs it decodes again (`detect`)."""
        return self.stage(Stage.SHOTS, lambda: self.detect(probe, Stage.SHOTS), lambda: None)

    def detect(self, probe, stage: Stage) -> ShotDetection:  # noqa: ANN001
        """One decode pass: shots with keyframes published and stored, frame samples kept locally."""
        from framepilot.pipeline.shots import detect_shots

        with self.named_for_user():
            detection = detect_shots(self.source(), probe, self.files.folder, progress=self.tracker.within(stage),
                                     max_duration_s=self.settings.max_duration_s)
        repo.save_shots(self.db, self.user, self.video.id, [self.stored_shot(Shot(**span.model_dump()))
                                                            for span in detection.spans])
        return detection

    def stored_shot(self, shot: Shot) -> Shot:
        """The shot as rows keep it: its keyframe (a file of this run) published, named by key."""
        local = shot.keyframe_path
        if local is None or not Path(local).is_relative_to(self.files.folder):
            return shot
        if local not in self._published:
            self._published[local] = self.files.publish(self.files.name_of(local))
        return shot.model_copy(update={"keyframe_path": self._published[local]})

    def transcribe(self, audio_path: Path | None) -> Transcript:
        def compute() -> Transcript:
            transcript = self.providers.transcriber.transcribe(
                audio_path, self.ctx, progress=self.tracker.within(Stage.TRANSCRIBE), language=self.video.language,
            )
            transcript = hear_fillers(transcript, audio_path)
            repo.save_transcript(self.db, self.user, self.video.id, transcript)
            return transcript

        return self.stage(Stage.TRANSCRIBE, compute,
                          lambda: repo.get_transcript(self.db, self.user, self.video.id))

    def cinematic(self, probe, detection: ShotDetection | None, transcript: Transcript,  # noqa: ANN001
                  audio_path: Path | None) -> list[Shot]:
        def compute() -> list[Shot]:
            found = detection or self.detect(probe, Stage.CINEMATIC)
            shots = self.providers.shot_analyser.analyse(probe, found, transcript, audio_path, self.ctx)
            shots = [self.stored_shot(shot) for shot in shots]
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
            transcript = repo.get_transcript(self.db, self.user, self.video.id)
            clip = self.providers.voice.synthesise(text, self.files.path(f"{stem}.wav"), self.ctx,
                                                   language=transcript.language if transcript else None)
            self.tracker.update(Stage.VOICE, 0.6)
            preview = render_preview(self.source(), probe, clip.path, self.files.path(f"{stem}.mp4"))
            voiceover = repo.save_voiceover(self.db, self.user, Voiceover(
                video_id=self.video.id, mode=mode, provider=self.providers.name, voice=clip.voice,
                audio_path=self.files.publish(self.files.name_of(clip.path)),
                preview_path=self.files.publish(self.files.name_of(preview)), characters=clip.characters,
                duration_s=clip.duration_s,
            ))
        return voiceover


def failure_message(exc: Exception) -> str:
    """The text a user sees for a failure: our own message, or a generic one naming the type."""
    return user_message(exc)


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
    run.language_changed = run.forget_other_language()
    repo.set_video_status(db, user, video_id, VideoStatus.PROCESSING)
    try:
        probe = run.probe()
        (audio_path, transcript), detection = run.beside(lambda: run.speech(probe), lambda: run.shots(probe))
        shots = run.cinematic(probe, detection, transcript, audio_path)
        if modes:
            run.direct(probe, shots, transcript, modes, force=run.language_changed)
        if voice:
            voice_mode = DirectorMode.SCRIPT_REWRITE if DirectorMode.SCRIPT_REWRITE in modes else modes[0]
            run.voice(voice_mode)
    except Cancelled:
        repo.set_video_status(db, user, video_id, VideoStatus.UPLOADED, "Analysis was cancelled.")
        raise
    except StoreUnavailable:
        raise  # transient: the job resumes once the store is back; the video stays processing
    except Exception as exc:
        full = out_of_space([settings.work_dir, settings.scratch_dir], exc)
        message = DISK_FULL_MESSAGE if full else failure_message(exc)
        repo.set_video_status(db, user, video_id, VideoStatus.FAILED, message)
        run.log.warning("analysis.failed", error_type=type(exc).__name__)
        run.log.debug("analysis.traceback", exc_info=exc)
        raise AnalysisFailed(message) from exc
    finally:
        run.close()
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
    try:
        return run.voice(mode)
    finally:
        run.close()


def probe_upload(db: Database, settings: Settings, user: User, video_id: str) -> VideoProbe:
    """Check a fresh upload now: the pipeline's probe stage, run and stored at once, so a
    file that is not a usable video is refused at upload and the job later skips the stage.

    Raises `InvalidVideo` with the reason, naming the user's file.
    """
    run = _Run(db, settings, user, video_id, providers=None, job_id=None,
               tracker=ProgressTracker([Stage.PROBE], None))
    try:
        return run.probe()
    finally:
        run.close()


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
