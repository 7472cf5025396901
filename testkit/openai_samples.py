"""Small generated inputs for the openai provider tests and the cost benchmark: director
inputs, speech-like audio and keyframes (no media files are committed)."""

from __future__ import annotations

import wave
from pathlib import Path

import cv2
import numpy as np

from framepilot.models import (
    Composition,
    DirectorInputs,
    Exposure,
    Segment,
    Shot,
    ShotScale,
    Transcript,
    VideoProbe,
    Word,
)

SCRIPT = [
    "Um, so, hi everyone, today I want to talk about lighting.",
    "Basically you need one big soft light near the camera.",
    "Like, a window works, you know, if it faces you.",
    "Then add a small light behind you to separate you from the wall.",
]


def probe(duration_s: float = 20.0) -> VideoProbe:
    return VideoProbe(
        duration_s=duration_s, fps=30.0, width=1280, height=720, display_width=1280,
        display_height=720, video_codec="h264", audio_codec="aac", has_audio=True,
        frame_count=int(duration_s * 30), size_bytes=2_000_000, container="mp4",
    )


def transcript(lines: list[str] = SCRIPT, seconds_per_line: float = 5.0, language: str = "en") -> Transcript:
    segments = []
    for i, line in enumerate(lines):
        start = i * seconds_per_line
        words = line.split()
        step = (seconds_per_line - 0.5) / len(words)
        segments.append(Segment(
            start=start, end=start + seconds_per_line - 0.5, text=line,
            words=[Word(word=w, start=start + j * step, end=start + (j + 1) * step) for j, w in enumerate(words)],
        ))
    return Transcript(language=language, text=" ".join(lines), segments=segments, provider="local", model="base")


def shots(count: int = 2, duration_s: float = 20.0, keyframes: list[Path] | None = None) -> list[Shot]:
    length = duration_s / count
    return [
        Shot(
            index=i, start_s=i * length, end_s=(i + 1) * length, start_frame=int(i * length * 30),
            end_frame=int((i + 1) * length * 30) - 1, keyframe_path=str(keyframes[i]) if keyframes else None,
            scale=ShotScale.MCU, scale_method="face", words_per_minute=152.0, loudness_lufs=-19.5,
            exposure=Exposure(brightness=0.42, contrast=0.21, highlights_clipped=0.031, shadows_crushed=0.01,
                              colour_temperature_k=5400, sharpness=180.0, face_brightness=0.55),
            composition=Composition(subject_x=0.52, subject_y=0.38, face_height=0.22, headroom=0.04,
                                    thirds_offset=0.05),
            motion={"dx": 0.1, "dy": 0.0, "zoom": 0.0, "shake": 0.2},
            issues=["highlights clipped on 3.1% of pixels"],
        )
        for i in range(count)
    ]


def director_inputs(transcript_: Transcript | None = None, duration_s: float = 20.0) -> DirectorInputs:
    return DirectorInputs(probe=probe(duration_s), shots=shots(2, duration_s), transcript=transcript_ or transcript())


def write_speechlike_wav(path: Path, seconds: float, rate: int = 16_000, silent: bool = False) -> Path:
    """Tone bursts 1.2 s on, 0.8 s off: loud where "words" are, quiet between phrases."""
    t = np.arange(int(seconds * rate)) / rate
    samples = 0.3 * np.sin(2 * np.pi * 200 * t) * ((t % 2.0) < 1.2)
    if silent:
        samples = np.zeros_like(t)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def write_keyframe(path: Path, shade: int, width: int = 1280, height: int = 720) -> Path:
    """A frame with a lit "person" shape on a plain background."""
    image = np.full((height, width, 3), shade, np.uint8)
    cv2.ellipse(image, (width // 2, height // 3), (width // 12, height // 6), 0, 0, 360, (170, 190, 220), -1)
    cv2.rectangle(image, (width // 3, height // 2), (2 * width // 3, height), (90, 60, 40), -1)
    cv2.imwrite(str(path), image)
    return path
