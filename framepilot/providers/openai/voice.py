"""The openai voice: text to speech in pieces under the API's 4096-character limit, joined
into one file written atomically; its duration is measured by decoding the file."""

from __future__ import annotations

import io
import os
import re
import wave
from pathlib import Path

import av
import numpy as np

from framepilot.pipeline.audio import read_pcm
from framepilot.providers.base import ProviderError, VoiceClip
from framepilot.providers.openai.client import PROVIDER, OpenAIClient
from framepilot.providers.openai.retry import RetryPolicy
from framepilot.settings import Settings
from framepilot.usage.metering import CallContext

MAX_INPUT_CHARS = 4096
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def split_text(text: str, limit: int = MAX_INPUT_CHARS) -> list[str]:
    """Pieces of at most `limit` characters, cut between sentences (or words, if one is huge)."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text.strip()):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return [p for p in pieces if p]


def decode_audio(data: bytes | Path, fmt: str, rate: int | None = None) -> tuple[np.ndarray, int]:
    """Mono 16-bit samples and their rate (the file's own rate unless `rate` is given) of audio
    in the format `fmt` (the response format asked of the API, or the one we wrote)."""
    decoded = read_pcm(data, rate=rate, fmt=fmt)
    if decoded is None:
        raise ValueError("the audio has no sound track")
    return decoded


def audio_duration(path: Path) -> float:
    samples, rate = decode_audio(path, _format_of(path))
    return len(samples) / rate


def _format_of(path: Path) -> str:
    return "mp3" if Path(path).suffix.lower() == ".mp3" else "wav"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _wav(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def _mp3(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.astype(np.int16).reshape(1, -1), format="s16", layout="mono")
        frame.rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return buffer.getvalue()


class OpenAIVoice:
    provider = PROVIDER

    def __init__(self, settings: Settings, policy: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.client = OpenAIClient(settings, policy)

    def synthesise(self, text: str, out_path: Path, ctx: CallContext, language: str | None = None) -> VoiceClip:
        """A WAV (or, for a .mp3 path, an MP3) of `text` at `out_path`."""
        pieces = split_text(text)
        if not pieces:
            raise ProviderError("There is no text to voice.")
        out_path = Path(out_path)
        fmt = _format_of(out_path)
        audio = [
            self.client.speech(ctx, model=self.settings.openai_tts_model, voice=self.settings.openai_tts_voice,
                               text=piece, response_format=fmt)
            for piece in pieces
        ]
        try:
            if fmt == "mp3" and len(audio) == 1:
                data = audio[0]
            else:
                # Decoding and re-writing joins the pieces (MP3 pieces carry their own headers)
                # and repairs streamed WAV headers that give no data size.
                first, rate = decode_audio(audio[0], fmt)
                joined = np.concatenate([first, *(decode_audio(a, fmt, rate)[0] for a in audio[1:])])
                data = _mp3(joined, rate) if fmt == "mp3" else _wav(joined, rate)
        except (av.error.FFmpegError, IndexError, ValueError) as exc:
            raise ProviderError("The speech service sent audio that could not be decoded.") from exc
        _write_atomically(out_path, data)
        return VoiceClip(path=out_path, duration_s=round(audio_duration(out_path), 3),
                         characters=sum(len(p) for p in pieces), voice=self.settings.openai_tts_voice)
