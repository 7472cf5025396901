"""Inputs for the finish tests: the sample clip with its analysis (as the pipeline stores it,
written out here so no test pays for Whisper twice), and short landscape talking clips."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from framepilot.edit.cutlist import suggest_cuts
from framepilot.models import Composition, Shot, Transcript
from framepilot.pipeline.probe import probe_video
from testkit import media_factory as make
from tests.support.transcripts import transcript

SAMPLE = Path(__file__).resolve().parents[2] / "framepilot" / "assets" / "sample.mp4"
SAMPLE_INFO = json.loads(SAMPLE.with_suffix(".json").read_text())
# What Whisper base hears in the sample (word timings as the transcriber returns them).
SAMPLE_WORDS = [("Bin", 0.59, 1.3), ("blue", 1.3, 1.81), ("now.", 1.81, 2.13), ("Bin", 3.55, 3.9), ("red", 3.9, 4.2),
                ("K7", 4.2, 4.65), ("now.", 4.65, 4.97), ("Lay", 6.01, 6.65), ("blue", 6.65, 6.95),
                ("at", 6.95, 7.15), ("X4", 7.15, 7.61), ("now.", 7.61, 7.91)]


def words_transcript(words: list[tuple[str, float, float]], language: str = "en") -> Transcript:
    from framepilot.models import Segment, Word

    segment = Segment(start=words[0][1], end=words[-1][2], text=" " + " ".join(w for w, _, _ in words),
                      words=[Word(word=" " + w, start=a, end=b) for w, a, b in words])
    return transcript(segment, language=language)


def sample_shots() -> list[Shot]:
    return [Shot(index=s["index"], start_s=s["start_s"], end_s=s["end_s"], start_frame=s["start_frame"],
                 end_frame=s["end_frame"], transition_in=s["transition_in"],
                 composition=Composition(subject_x=0.5)) for s in SAMPLE_INFO["shots"]]


@pytest.fixture(scope="session")
def sample_analysis():
    """(path, probe, shots, transcript, cut list) of the project's sample clip."""
    probe = probe_video(SAMPLE)
    words = words_transcript(SAMPLE_WORDS)
    return SAMPLE, probe, sample_shots(), words, suggest_cuts(words, probe.fps, SAMPLE_INFO["frames"])


def trimmed(source: Path, out: Path, seconds: float, *extra: str) -> Path:
    subprocess.run([make.FFMPEG, "-nostdin", "-v", "error", "-y", "-i", str(source), "-t", str(seconds), *extra,
                    "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(out)], check=True)
    return out
