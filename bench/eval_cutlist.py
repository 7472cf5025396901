"""Cut-list precision on talks with planted problems, and the edit of the sample clip.

Labelled set: short talks assembled from pieces whose times are known, each piece either
speech to keep or a problem to cut (a long pause, a slow start, a tail, a filler, a phrase
said twice, an abandoned sentence that is said again). Speech is the local voice (hibari),
transcribed by the local Whisper, so word timings are real. A suggested cut is correct when
it overlaps a planted problem and takes at most OVERLAP_TOLERANCE_S of speech to keep.

Sample: the seconds the suggested cuts remove from framepilot/assets/sample.mp4, and the
time to render its tightened preview against the clip's duration.

    .venv/bin/python -m bench.eval_cutlist
"""

from __future__ import annotations

import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

from framepilot.edit.cutlist import suggest_cuts
from framepilot.edit.render import render_edit
from framepilot.models import CutList
from framepilot.pipeline.audio import extract_audio
from framepilot.pipeline.fillers import hear_fillers
from framepilot.pipeline.probe import probe_video
from framepilot.providers.local.transcriber import LocalTranscriber
from framepilot.providers.local.voice import LocalVoice
from framepilot.settings import get_settings
from framepilot.usage.metering import CallContext

FPS = 25
OVERLAP_TOLERANCE_S = 0.15
SILENT_LEVEL = 300  # of 32767
SAMPLE = Path(__file__).resolve().parents[1] / "framepilot" / "assets" / "sample.mp4"

# (kind, text or seconds): "keep" speech, "pause" silence, and planted problems.
TALKS: list[list[tuple[str, str | float]]] = [
    [("pause", 1.6), ("keep", "Three tips for better light at home."), ("pause", 1.4),
     ("keep", "First, use a window as your key light."), ("retake", "The best light is."), ("pause", 0.4),
     ("keep", "The best light is soft and it is big."), ("pause", 2.0)],
    [("keep", "Most people get audio wrong."), ("pause", 1.8), ("keep", "Put the microphone close to you."),
     ("repeat", "and keep it"), ("keep", "and keep it out of the shot."), ("pause", 1.2),
     ("keep", "That is all it takes."), ("pause", 2.5)],
    [("pause", 2.2), ("keep", "Here is how I edit a talking video in ten minutes."),
     ("retake", "I start with the."), ("pause", 0.5), ("keep", "I start with the sound, not the picture."),
     ("pause", 1.5), ("keep", "Then I cut every pause longer than half a second.")],
    [("keep", "Lighting is the cheapest upgrade you can make."), ("filler", "Um,"),
     ("keep", "a lamp behind the camera is enough."), ("pause", 1.3), ("repeat", "you should"),
     ("keep", "you should try it tonight."), ("pause", 1.6)],
]
PROBLEMS = {"pause", "retake", "repeat", "filler"}


def _speak(voice: LocalVoice, text: str, folder: Path, n: int) -> tuple[np.ndarray, int]:
    """The spoken text without the voice's own lead-in and run-out silence, so every pause in a
    talk is a planted one (plus the short gaps between words)."""
    clip = voice.synthesise(text, folder / f"piece_{n}.wav", CallContext())
    with wave.open(str(clip.path)) as w:
        samples, rate = np.frombuffer(w.readframes(w.getnframes()), np.int16), w.getframerate()
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENT_LEVEL)
    margin = int(0.03 * rate)
    return samples[max(0, loud[0] - margin): loud[-1] + margin], rate


def build_talk(talk: list[tuple[str, str | float]], voice: LocalVoice, folder: Path, name: str):
    """The talk as a WAV, and each piece's (kind, start, end) in seconds."""
    audio, pieces, rate, t = [], [], 24_000, 0.0
    for n, (kind, what) in enumerate(talk):
        if kind == "pause":
            samples = np.zeros(int(float(what) * rate), np.int16)
        else:
            samples, rate = _speak(voice, str(what), folder, n)
        audio.append(samples)
        pieces.append((kind, t, t + len(samples) / rate))
        t += len(samples) / rate
    path = folder / f"{name}.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.concatenate(audio).tobytes())
    return path, pieces, t


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def score(cut_list: CutList, pieces: list[tuple[str, float, float]]) -> list[tuple[str, str, bool]]:
    rows = []
    for cut in cut_list.cuts:
        into_speech = sum(_overlap(cut.start_s, cut.end_s, a, b) for kind, a, b in pieces if kind == "keep")
        on_problem = any(_overlap(cut.start_s, cut.end_s, a, b) > 0 for kind, a, b in pieces if kind in PROBLEMS)
        rows.append((cut.kind.value, f"{cut.start_s:.2f}-{cut.end_s:.2f}", on_problem and into_speech
                     <= OVERLAP_TOLERANCE_S))
    return rows


def labelled_set() -> None:
    settings = get_settings()
    voice, transcriber = LocalVoice(settings), LocalTranscriber(settings)
    correct = total = planted = found = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, talk in enumerate(TALKS):
            path, pieces, seconds = build_talk(talk, voice, Path(tmp), f"talk{i}")
            transcript = hear_fillers(transcriber.transcribe(path, CallContext()), path)  # as the analysis does
            cut_list = suggest_cuts(transcript, FPS, int(seconds * FPS))
            rows = score(cut_list, pieces)
            correct += sum(ok for *_, ok in rows)
            total += len(rows)
            problems = [(a, b) for kind, a, b in pieces
                        if kind in ("retake", "repeat", "filler") or kind == "pause" and b - a > 0.7]
            planted += len(problems)
            found += sum(any(_overlap(c.start_s, c.end_s, a, b) > 0.5 * min(b - a, 0.5) for c in cut_list.cuts)
                         for a, b in problems)
            print(f"talk {i}: {transcript.text}")
            for kind, when, ok in rows:
                print(f"    {'ok ' if ok else 'BAD'} {kind:12} {when}")
    print(f"cut-list precision: {correct}/{total} = {correct / max(total, 1):.2f}; "
          f"planted problems found: {found}/{planted}")


def sample_edit() -> None:
    settings = get_settings()
    probe = probe_video(SAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        wav = extract_audio(SAMPLE, Path(tmp) / "audio.wav", probe)
        transcript = hear_fillers(LocalTranscriber(settings).transcribe(wav, CallContext()), wav)
        cut_list = suggest_cuts(transcript, probe.fps, probe.frame_count)
        for cut in cut_list.cuts:
            print(f"    {cut.kind.value:12} {cut.start_s:5.2f}-{cut.end_s:5.2f} s  {cut.reason}")
        removed = cut_list.duration_s - cut_list.kept_duration_s
        print(f"sample: {len(cut_list.cuts)} cuts remove {removed:.2f} s of {cut_list.duration_s:.2f} s "
              f"({removed / cut_list.duration_s:.0%})")
        started = time.perf_counter()
        rendered = render_edit(SAMPLE, cut_list, Path(tmp) / "edit.mp4", demuxer=probe.demuxer, has_audio=True,
                               height=probe.display_height)
        seconds = time.perf_counter() - started
        print(f"tightened preview: {rendered.duration_s:.2f} s rendered in {seconds:.2f} s = "
              f"{seconds / probe.duration_s:.2f}x the clip's {probe.duration_s:.1f} s")


def main() -> int:
    sample_edit()
    labelled_set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
