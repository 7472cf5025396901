"""The local transcriber: faster-whisper with the packaged Whisper base model, offline.

Segments and word timestamps come from one `WhisperModel.transcribe` pass with the VAD
filter on. Silence, music and missing audio are results (`no_speech`), not errors. The whole
pass is one metered call whose audio_seconds is the audio's duration.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import av
import numpy as np

from framepilot.models import Operation, Segment, Transcript, Word
from framepilot.pipeline.audio import SAMPLE_RATE, read_pcm
from framepilot.providers.base import ProviderError, language_tag
from framepilot.providers.local.whisper_model import MODEL_NAME, load_whisper_model
from framepilot.settings import Settings
from framepilot.usage.metering import CallContext, metered

PROVIDER = "local"
NO_AUDIO_REASON = "The video has no audio track."
NO_SPEECH_REASON = "No speech was found: the audio is silent or music only."
# Beam 1 measured a lower WER than beam 5 on the shared speech clips (mean 9.8% vs 11.7%),
# the same (0%) on 106 s of synthetic speech, at two thirds of the time (RTF 0.086 vs 0.129);
# see testkit/evalsets/transcribe.py. So greedy decoding is the default.
DEFAULT_BEAM_SIZE = 1
# Whisper's own threshold: a segment this likely to be non-speech is what it hallucinates on
# music and noise (faster-whisper itself drops one only when it is also decoded with an average
# log-probability under -1). A transcript made only of such segments is reported as no speech.
# Low confidence alone is not silence: clear speech that Whisper reads badly (an accent, a
# synthetic voice, a language it knows little) comes back as words. On espeak-ng's Turkish it
# had no_speech_prob 0.08-0.39 with avg_logprob down to -2.2, and used to be "no speech".
NO_SPEECH_PROB = 0.6
# Whisper re-decodes a 30 s window at rising temperatures (0.2 ... 1.0) while its text looks
# like a hallucination (too repetitive, or too unlikely). On audio that really repeats, every
# window fails that test and is decoded six times: 28 s of CPU for a looped 60 s clip. One
# retry keeps the rescue for a window that truly went wrong and bounds the cost at two
# decodes (15 s); word error rate was the same with and without the bound on the shared
# speech, the grid clips and a minute of varied talk (bench/eval_transcribe.py).
FALLBACK_TEMPERATURES = (0.0, 0.2)


def _whisper_samples(path: Path) -> np.ndarray | None:
    """The audio as Whisper's 16 kHz mono float samples, decoded through media_input (Whisper
    would otherwise open the path itself, by content); None when the file has no audio track."""
    try:
        decoded = read_pcm(path, rate=SAMPLE_RATE)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise ProviderError("The audio could not be decoded for transcription.") from exc
    return None if decoded is None else decoded[0].astype(np.float32) / 32768.0


def _doubtful(segment: Any) -> bool:
    return segment.no_speech_prob > NO_SPEECH_PROB


def _to_segment(raw: Any, duration: float) -> Segment:
    def at(t: float) -> float:
        return round(min(max(float(t), 0.0), duration), 3)

    words = []
    for w in raw.words or []:
        text = w.word.strip()
        if text:
            start = at(w.start)
            words.append(Word(word=text, start=start, end=max(at(w.end), start),
                              probability=round(float(w.probability), 4)))
    start = at(raw.start)
    return Segment(start=start, end=max(at(raw.end), start), text=raw.text.strip(), words=words)


POLL_S = 0.25


def _decode_polling(decoding: Iterable[tuple[Any, Segment]], duration: float,
                    progress: Callable[[float], None] | None) -> list[tuple[Any, Segment]]:
    """Run Whisper's lazy decoding on a helper thread while this thread calls `progress` every
    `POLL_S`: Whisper yields only once per 30 s window, so a cancel raised by `progress` would
    otherwise wait for the window to end (measured 5-13 s on 2 busy cores). When `progress`
    raises, the helper finishes its current window, keeps nothing and stops."""
    if progress is None:
        return list(decoding)
    kept: list[tuple[Any, Segment]] = []
    failure: list[Exception] = []
    stop = threading.Event()

    def decode() -> None:
        try:
            for item in decoding:
                if stop.is_set():
                    return
                kept.append(item)
        except Exception as exc:  # noqa: BLE001 - re-raised on the calling thread
            failure.append(exc)

    helper = threading.Thread(target=decode, name="whisper-decode", daemon=True)
    helper.start()
    try:
        while helper.is_alive():
            helper.join(POLL_S)
            covered = float(kept[-1][0].end) / duration if kept and duration > 0 else 0.0
            progress(min(covered, 1.0))
    except BaseException:
        stop.set()
        raise
    if failure:
        raise failure[0]
    return kept


class LocalTranscriber:
    provider = PROVIDER

    def __init__(self, settings: Settings, beam_size: int = DEFAULT_BEAM_SIZE, language: str | None = None) -> None:
        """`language` (a code such as "tr") skips Whisper's language detection; None detects it."""
        self.settings = settings
        self.beam_size = beam_size
        self.language = language

    def transcribe(self, audio_path: Path | None, ctx: CallContext,
                   progress: Callable[[float], None] | None = None, language: str | None = None) -> Transcript:
        """Segments with word timestamps; `progress` gets the share of the audio covered so far
        and may raise to cancel (the exception propagates)."""
        if audio_path is None:
            return Transcript(no_speech=True, no_speech_reason=NO_AUDIO_REASON,
                              provider=PROVIDER, model=MODEL_NAME)
        audio_path = Path(audio_path)
        if not audio_path.is_file():
            raise ProviderError("The audio to transcribe is missing; re-run the analysis.")
        samples = _whisper_samples(audio_path)
        if samples is None:
            return Transcript(no_speech=True, no_speech_reason=NO_AUDIO_REASON,
                              provider=PROVIDER, model=MODEL_NAME)
        model = load_whisper_model(self.settings.models_dir)
        language = language or self.language
        with metered(ctx, provider=PROVIDER, model=MODEL_NAME, operation=Operation.TRANSCRIBE) as meter:
            meter.prompt_version = language_tag(language)
            try:
                raw_segments, info = model.transcribe(
                    samples, beam_size=self.beam_size, word_timestamps=True, vad_filter=True,
                    language=language, temperature=FALLBACK_TEMPERATURES,
                )
            except (av.FFmpegError, OSError, ValueError) as exc:
                raise ProviderError("The audio could not be decoded for transcription.") from exc
            duration = float(info.duration)
            meter.audio_seconds = duration
            decoding = ((raw, _to_segment(raw, duration)) for raw in raw_segments)  # lazy: Whisper decodes as it is read
            kept = _decode_polling(decoding, duration, progress)
        if progress is not None:
            progress(1.0)
        speech = [(raw, seg) for raw, seg in kept if seg.text]
        if not speech or all(_doubtful(raw) for raw, _ in speech):
            return Transcript(no_speech=True, no_speech_reason=NO_SPEECH_REASON,
                              provider=PROVIDER, model=MODEL_NAME)
        segments = [seg for _, seg in speech]
        return Transcript(
            language=info.language,
            language_probability=round(float(info.language_probability), 4),
            language_source="set" if language else "detected",
            text=" ".join(s.text for s in segments),
            segments=segments,
            provider=PROVIDER,
            model=MODEL_NAME,
        )
