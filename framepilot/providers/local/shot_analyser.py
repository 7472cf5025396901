"""The local shot analyser: the cinematic reading of every shot, offline.

Per shot: scale from a few of its frames (mediapipe face + pose), composition, exposure and
focus on its keyframe, camera movement from detect_shots' motion samples, speech pace from the
transcript, and integrated loudness from one ffmpeg pass over the audio. The whole step is
one metered call.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from framepilot.cinematic.composition import composition_issues, read_composition
from framepilot.cinematic.exposure import exposure_issues, measure_exposure
from framepilot.cinematic.loudness import (
    LoudnessError,
    LoudnessTrack,
    loudness_issues,
    measure_loudness,
)
from framepilot.cinematic.movement import (
    classify_movement,
    samples_in_shot,
    sampling_interval,
)
from framepilot.cinematic.pace import pace_issues, words_in_shot, words_per_minute
from framepilot.cinematic.scale import (
    MEDIAPIPE_MODEL,
    classify_shot_scale,
    combine_scale_readings,
)
from framepilot.core.logs import get_logger
from framepilot.core.native_noise import native_noise_filtered
from framepilot.models import (
    FrameSample,
    Operation,
    Shot,
    ShotDetection,
    ShotSpan,
    Transcript,
    VideoProbe,
    Word,
)
from framepilot.settings import Settings
from framepilot.usage.metering import CallContext, metered

PROVIDER = "local"
# Frames read for the scale of one shot: the keyframe plus samples near a quarter and three
# quarters in. People walk in and out of shots; three frames out-voted that on the shared clips.
SCALE_FRAMES_PER_SHOT = 3


class LocalShotAnalyser:
    provider = PROVIDER

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def analyse(
        self,
        probe: VideoProbe,
        detection: ShotDetection,
        transcript: Transcript,
        audio_path: Path | None,
        ctx: CallContext,
    ) -> list[Shot]:
        with metered(ctx, provider=PROVIDER, model=MEDIAPIPE_MODEL, operation=Operation.ANALYSE_SHOTS):
            track = _loudness_track(audio_path)
            interval = sampling_interval(detection.motion)
            words = transcript.words
            # mediapipe's graph threads may log after a single call's filter has ended (seen under
            # load, mid-stage): the whole reading is one filtered block (re-entrant, nothing lost)
            with native_noise_filtered():
                shots = [analyse_span(span, detection, words, track, interval) for span in detection.spans]
        get_logger(component="shot_analyser", provider=PROVIDER).info(
            "analyse_shots.done",
            shots=len(shots),
            with_person=sum(1 for s in shots if s.scale_method in ("face", "pose")),
            with_audio=track is not None,
        )
        return shots


def analyse_span(
    span: ShotSpan,
    detection: ShotDetection,
    words: Sequence[Word],
    track: LoudnessTrack | None,
    interval_s: float,
) -> Shot:
    """The cinematic reading of one shot."""
    frames = _frames_for(span, detection.samples)
    readings = [classify_shot_scale(image) for image in frames]
    issues: list[str] = []
    fields: dict = {}

    if readings:
        combined = combine_scale_readings(readings)
        keyframe, keyframe_reading = frames[0], readings[0]
        # Composition is the keyframe's when it shows the person; else the shot's best reading.
        framing = keyframe_reading if keyframe_reading.method != "fallback" else combined
        composition = read_composition(framing)
        framing_for_issues = framing.model_copy(update={"scale": combined.scale})
        exposure = measure_exposure(keyframe, keyframe_reading.face)
        issues += composition_issues(framing_for_issues, composition)
        issues += exposure_issues(exposure)
        fields |= {
            "scale": combined.scale,
            "scale_method": combined.method if combined.scale is not None else None,
            "composition": composition,
            "exposure": exposure,
        }

    movement = classify_movement(samples_in_shot(detection.motion, span.start_s, span.end_s), interval_s)
    wpm = words_per_minute(words, span.start_s, span.end_s)
    lufs = track.integrated(span.start_s, span.end_s) if track is not None else None
    issues += pace_issues(wpm, len(words_in_shot(words, span.start_s, span.end_s)))
    issues += loudness_issues(lufs)

    return Shot(
        **span.model_dump(),
        **fields,
        movement=movement.movement,
        motion=movement.motion,
        words_per_minute=wpm,
        loudness_lufs=lufs,
        issues=list(dict.fromkeys(issues)),
    )


def _frames_for(span: ShotSpan, samples: Sequence[FrameSample]) -> list[np.ndarray]:
    """Keyframe first (or the sample nearest the middle), then samples near 1/4 and 3/4."""
    inside = [s for s in samples if span.start_s <= s.t < span.end_s]
    duration = max(span.end_s - span.start_s, 1e-6)
    paths: list[str] = []
    if span.keyframe_path:
        paths.append(span.keyframe_path)
    targets = [0.5, 0.25, 0.75] if not paths else [0.25, 0.75]
    for q in targets:
        if len(paths) >= SCALE_FRAMES_PER_SHOT or not inside:
            break
        t = span.start_s + q * duration
        nearest = min(inside, key=lambda s: abs(s.t - t))
        if nearest.path not in paths:
            paths.append(nearest.path)
    frames = []
    for path in paths:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR) if Path(path).exists() else None
        if image is not None and image.size:
            frames.append(image)
    return frames


def _loudness_track(audio_path: Path | None) -> LoudnessTrack | None:
    if audio_path is None:
        return None
    try:
        return measure_loudness(Path(audio_path))
    except (LoudnessError, OSError, subprocess.TimeoutExpired) as exc:
        get_logger(component="shot_analyser", provider=PROVIDER).warning(
            "analyse_shots.loudness_unavailable", error_type=type(exc).__name__
        )
        return None
