"""The local voice: hibari-tts with its bundled "heart" voice, offline, 24 kHz mono WAV.

hibari splits text into sentences and over-long sentences at clause punctuation, but a
run-on without punctuation (script lines joined without full stops) stays one piece of any
length; such pieces are cut again at word boundaries so each model call stays within the
size hibari is designed for. Pieces are written to a temp file as they are made, then the
file is renamed into place. The whole script is one metered call.
"""

from __future__ import annotations

import os
import tempfile
import threading
import wave
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from framepilot.models import Operation
from framepilot.models.languages import WHISPER_LANGUAGES
from framepilot.providers.base import ProviderError, VoiceClip
from framepilot.settings import Settings
from framepilot.usage.metering import CallContext, metered

if TYPE_CHECKING:
    from hibari import Hibari

PROVIDER = "local"
MODEL_NAME = "hibari-tts-0.2.1"
VOICE_NAME = "heart"  # the only voice inside the package; the others download at first use
MAX_PHONEMES = 400  # hibari.tts.MAX_PHONEMES: its own cap for one model call
TTS_THREADS = 2
SEED = 0  # fixes hibari's noise component so the same script gives the same file

_engine: Hibari | None = None
_engine_lock = threading.Lock()


def _tts_engine() -> Hibari:
    """The hibari model, loaded once per process."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from hibari import Hibari

            _engine = Hibari(voice=VOICE_NAME, threads=TTS_THREADS)
        return _engine


# Letters only Turkish (of the languages the director writes) uses: a script with them is Turkish
# even when its language is not given.
_TURKISH_LETTERS = frozenset("ğĞışŞİ")


def speaks(text: str, language: str | None) -> bool:
    """The bundled voice reads English only: hibari's other voices download at first use, and
    no Turkish voice ships in a package (searched: antalia-mini, ema-lightning and seslen-tts
    fetch their weights from a hub; espeak-ng is a system package, not a pip dependency)."""
    if language is not None and not language.lower().startswith("en"):
        return False
    return not any(ch in _TURKISH_LETTERS for ch in text)


def refusal(text: str, language: str | None) -> str | None:
    """Why the local voice will not read `text`, or None when it will."""
    if speaks(text, language):
        return None
    turkish = (language or "").lower().startswith("tr") or language is None
    name = "Turkish" if turkish else WHISPER_LANGUAGES.get((language or "").lower(), language)
    return f"No local {name} voice; use the openai provider to voice this script."


def split_phonemes(phonemes: str, limit: int = MAX_PHONEMES) -> list[str]:
    """Cut a phoneme string at spaces (word boundaries) into pieces of at most `limit`."""
    pieces: list[str] = []
    current = ""
    for word in phonemes.split(" "):
        if current and len(current) + 1 + len(word) > limit:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def _to_pcm(audio: np.ndarray) -> bytes:
    return (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


class LocalVoice:
    provider = PROVIDER

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def synthesise(self, text: str, out_path: Path, ctx: CallContext, language: str | None = None) -> VoiceClip:
        """A 16-bit mono 24 kHz WAV of `text` at `out_path` (always WAV, whatever the suffix).
        Refuses a script in another language than English (see `refusal`)."""
        if not text or not text.strip():
            raise ProviderError("There is no text to voice.")
        refused = refusal(text, language)
        if refused:
            raise ProviderError(refused)
        out_path = Path(out_path)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tts = _tts_engine()
        with metered(ctx, provider=PROVIDER, model=MODEL_NAME, operation=Operation.SYNTHESISE) as meter:
            meter.characters = len(text)
            with _engine_lock:  # hibari's G2P keeps state; one synthesis at a time per process
                frames = self._write_wav(tts, text, out_path)
        if frames == 0:
            out_path.unlink(missing_ok=True)
            raise ProviderError("The script has no speakable words.")
        return VoiceClip(path=out_path, duration_s=round(frames / tts.sample_rate, 3),
                         characters=len(text), voice=VOICE_NAME)

    @staticmethod
    def _write_wav(tts: Hibari, text: str, out_path: Path) -> int:
        """Synthesise piece by piece into a temp file beside `out_path`, then rename it into place."""
        rng = np.random.default_rng(SEED)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
        os.close(fd)
        frames = 0
        try:
            with wave.open(tmp_name, "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(tts.sample_rate)  # 24 kHz
                for sentence in tts.phonemize(text):
                    for piece in split_phonemes(sentence):
                        audio = tts.from_ids(tts.ids(piece), 1.0, rng)
                        out.writeframes(_to_pcm(audio))
                        frames += len(audio)
            os.replace(tmp_name, out_path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return frames
