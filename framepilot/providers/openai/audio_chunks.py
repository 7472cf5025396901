"""Audio cut into pieces the transcription API accepts (25 MB per upload).

The audio is decoded once to 16 kHz mono PCM (pipeline.audio.read_pcm), cut at the quietest
moment near each window's end (so a cut rarely splits a word), and each piece becomes a
16-bit WAV in memory: 32 kB per second, so a 600 s piece is 19.2 MB.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from framepilot.errors import FramePilotError
from framepilot.pipeline.audio import SAMPLE_RATE, read_pcm

UPLOAD_CAP_BYTES = 25 * 1024 * 1024
WAV_HEADER_BYTES = 44
BYTES_PER_SECOND = SAMPLE_RATE * 2
# A piece whose peak stays under -60 dBFS is digital silence: not worth paying to transcribe.
SILENCE_PEAK = 10 ** (-60 / 20)
_QUIET_FRAME_S = 0.1


class AudioDecodeError(FramePilotError, RuntimeError):
    """The audio file could not be decoded."""


@dataclass(frozen=True)
class AudioChunk:
    start_s: float
    end_s: float
    wav: bytes
    silent: bool

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def decode_pcm(path: Path) -> np.ndarray:
    """Mono float32 samples in -1..1 at SAMPLE_RATE, from an allow-listed audio or video file."""
    try:
        decoded = read_pcm(path, rate=SAMPLE_RATE)
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        # strerror, not str(exc): libav's message ends with the server-side path
        raise AudioDecodeError(getattr(exc, "strerror", None) or str(exc)) from exc
    if decoded is None:
        raise AudioDecodeError("the file has no audio track")
    return decoded[0].astype(np.float32) / 32768.0


def wav_bytes(samples: np.ndarray) -> bytes:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm.tobytes())
    return buffer.getvalue()


def _quietest_point(samples: np.ndarray, lo: int, hi: int) -> int:
    """The centre of the quietest 0.1 s frame between sample indices lo and hi."""
    frame = int(_QUIET_FRAME_S * SAMPLE_RATE)
    count = (hi - lo) // frame
    if count < 2:
        return hi
    frames = samples[lo:lo + count * frame].reshape(count, frame)
    energy = np.sqrt(np.mean(frames**2, axis=1))
    return lo + int(np.argmin(energy)) * frame + frame // 2


def plan_cuts(samples: np.ndarray, max_chunk_s: float, search_s: float) -> list[int]:
    """Sample indices [0, cut1, ..., len]: pieces no longer than max_chunk_s, cut where quiet."""
    total, longest = len(samples), int(max_chunk_s * SAMPLE_RATE)
    cuts, position = [0], 0
    while total - position > longest:
        target = position + longest
        lo = max(position + longest // 2, target - int(search_s * SAMPLE_RATE))
        position = _quietest_point(samples, lo, target)
        cuts.append(position)
    cuts.append(total)
    return cuts


def split_audio(path: Path, max_chunk_s: float = 600.0, search_s: float = 30.0) -> list[AudioChunk]:
    """The file's audio as WAV pieces under the upload cap, with their place in the timeline."""
    if max_chunk_s * BYTES_PER_SECOND + WAV_HEADER_BYTES > UPLOAD_CAP_BYTES:
        raise ValueError(f"pieces of {max_chunk_s:g} s would exceed the 25 MB upload cap")
    samples = decode_pcm(path)
    cuts = plan_cuts(samples, max_chunk_s, min(search_s, max_chunk_s / 2))
    chunks = []
    for lo, hi in zip(cuts, cuts[1:]):
        piece = samples[lo:hi]
        if len(piece) == 0:
            continue
        chunks.append(AudioChunk(
            start_s=lo / SAMPLE_RATE,
            end_s=hi / SAMPLE_RATE,
            wav=wav_bytes(piece),
            silent=float(np.max(np.abs(piece))) < SILENCE_PEAK,
        ))
    return chunks
