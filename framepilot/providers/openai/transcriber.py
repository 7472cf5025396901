"""The openai transcriber: the audio in pieces under the upload cap, each sent with
verbose_json and segment + word timestamps, stitched back onto one timeline.

Billing: each piece is one `llm_calls` row whose audio_seconds is the duration the API
reports (verbose_json `duration`), or the piece's own duration when a server omits it.
Digitally silent pieces are not sent at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from framepilot.models import Segment, Transcript, Word
from framepilot.providers.base import ProviderError
from framepilot.providers.openai.audio_chunks import (
    AudioChunk,
    AudioDecodeError,
    split_audio,
)
from framepilot.providers.openai.client import PROVIDER, OpenAIClient
from framepilot.providers.openai.retry import RetryPolicy
from framepilot.settings import Settings
from framepilot.usage.metering import CallContext

# whisper-1 names the language ("english"); the rest of the app uses ISO 639-1 codes.
LANGUAGE_CODES = {
    "arabic": "ar", "bengali": "bn", "bulgarian": "bg", "catalan": "ca", "chinese": "zh",
    "croatian": "hr", "czech": "cs", "danish": "da", "dutch": "nl", "english": "en",
    "estonian": "et", "finnish": "fi", "french": "fr", "german": "de", "greek": "el",
    "hebrew": "he", "hindi": "hi", "hungarian": "hu", "indonesian": "id", "italian": "it",
    "japanese": "ja", "korean": "ko", "latvian": "lv", "lithuanian": "lt", "malay": "ms",
    "norwegian": "no", "persian": "fa", "polish": "pl", "portuguese": "pt", "romanian": "ro",
    "russian": "ru", "serbian": "sr", "slovak": "sk", "slovenian": "sl", "spanish": "es",
    "swahili": "sw", "swedish": "sv", "tagalog": "tl", "tamil": "ta", "thai": "th",
    "turkish": "tr", "ukrainian": "uk", "urdu": "ur", "vietnamese": "vi", "welsh": "cy",
}


def language_code(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    return LANGUAGE_CODES.get(name, name)


def stitch(response: dict, chunk: AudioChunk) -> list[Segment]:
    """One piece's segments and words moved onto the whole file's timeline."""
    offset = chunk.start_s

    def at(t: float) -> float:
        return round(min(max(float(t), 0.0) + offset, chunk.end_s), 3)

    raw_segments = response.get("segments") or []
    if not raw_segments and (response.get("text") or "").strip():
        raw_segments = [{"start": 0.0, "end": chunk.duration_s, "text": response["text"]}]
    segments = [
        Segment(start=at(s["start"]), end=at(s["end"]), text=s["text"].strip())
        for s in raw_segments if (s.get("text") or "").strip()
    ]
    for w in response.get("words") or []:
        text = (w.get("word") or "").strip()
        if not text or not segments:
            continue
        word = Word(word=text, start=at(w["start"]), end=at(w["end"]))
        middle = (word.start + word.end) / 2
        home = next((s for s in segments if s.start <= middle <= s.end), None)
        home = home or min(segments, key=lambda s: min(abs(s.start - middle), abs(s.end - middle)))
        home.words.append(word)
    return segments


class OpenAITranscriber:
    provider = PROVIDER

    def __init__(self, settings: Settings, policy: RetryPolicy | None = None,
                 max_chunk_s: float = 600.0) -> None:
        self.settings = settings
        self.client = OpenAIClient(settings, policy)
        self.max_chunk_s = max_chunk_s

    def transcribe(self, audio_path: Path | None, ctx: CallContext,
                   progress: Callable[[float], None] | None = None, language: str | None = None) -> Transcript:
        model = self.settings.openai_transcribe_model
        if audio_path is None:
            return Transcript(no_speech=True, no_speech_reason="The video has no audio track.",
                              provider=PROVIDER, model=model)
        try:
            chunks = split_audio(Path(audio_path), self.max_chunk_s)
        except AudioDecodeError as exc:
            raise ProviderError(f"The audio could not be decoded for transcription: {exc}") from exc
        segments: list[Segment] = []
        wanted = language
        for i, chunk in enumerate(chunks):
            if not chunk.silent:
                response = self.client.transcribe_chunk(
                    ctx, model=model, audio=chunk.wav, filename=f"audio_{i:03d}.wav",
                    duration_s=chunk.duration_s, language=wanted,
                )
                found = stitch(response, chunk)
                if found and language is None:
                    language = language_code(response.get("language"))
                segments.extend(found)
            if progress is not None:
                progress((i + 1) / len(chunks))
        text = " ".join(s.text for s in segments).strip()
        if not text:
            silent = all(c.silent for c in chunks)
            return Transcript(
                no_speech=True,
                no_speech_reason="The audio is silent." if silent else "No speech was found in the audio.",
                provider=PROVIDER, model=model,
            )
        return Transcript(language=language, language_source="set" if wanted else "detected", text=text,
                          segments=segments, provider=PROVIDER, model=model)
