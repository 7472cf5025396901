"""What bounding Whisper's temperature fallback costs in accuracy, and saves in time.

Whisper re-decodes a 30 s window at rising temperatures while its text looks like a
hallucination (too repetitive or too unlikely). Each decoding option below transcribes the
labelled files of ../shared/media (speech/ and talking/grid_*), a minute of varied talk in the
local voice (reference: its script) and the looped sample (one sentence over and over, the
case that triggers the fallback; no reference, so its word count is shown). All seeded, beam 1,
VAD on, as the product transcribes.

    .venv/bin/python -m bench.eval_whisper_fallback
"""

from __future__ import annotations

import time
from pathlib import Path

import ctranslate2
import jiwer
import numpy as np

from bench.bench_pipeline import SEED, TALK, make_clip, make_talk_audio
from framepilot.pipeline.audio import SAMPLE_RATE, read_pcm
from framepilot.providers.local.whisper_model import load_whisper_model
from framepilot.settings import get_settings
from testkit.evalsets.transcribe import MEDIA, labelled_speech, normalise

OPTIONS = {
    "default (0.0-1.0, six tries)": {},
    "bounded (0.0, 0.2)": {"temperature": (0.0, 0.2)},
    "no fallback (0.0)": {"temperature": 0.0},
    "no previous text": {"condition_on_previous_text": False},
    "no previous text, (0.0, 0.2)": {"condition_on_previous_text": False, "temperature": (0.0, 0.2)},
}


def _samples(path: Path) -> np.ndarray:
    return read_pcm(path, rate=SAMPLE_RATE)[0].astype(np.float32) / 32768.0


def main() -> None:
    if not (MEDIA / "ground_truth.json").is_file():
        print(f"skipped: no shared media at {MEDIA}")
        return
    model = load_whisper_model(get_settings().models_dir)
    labelled = [(normalise(e.get("transcript_normalized") or e["transcript"]), _samples(MEDIA / e["path"]))
                for e in labelled_speech(MEDIA)]
    talk, looped = _samples(make_talk_audio(60)), _samples(make_clip(60, 1280, 720))

    def run(audio: np.ndarray, options: dict) -> tuple[str, float]:
        ctranslate2.set_random_seed(SEED)
        started = time.process_time()
        segments, _ = model.transcribe(audio, beam_size=1, word_timestamps=True, vad_filter=True, **options)
        text = " ".join(s.text.strip() for s in segments)
        return text, time.process_time() - started

    for name, options in OPTIONS.items():
        wers = [jiwer.wer(ref, normalise(run(audio, options)[0]) or "-") for ref, audio in labelled]
        talk_text, talk_cpu = run(talk, options)
        loop_text, loop_cpu = run(looped, options)
        print(f"{name:30} labelled mean WER {np.mean(wers):.3f} | talk WER {jiwer.wer(normalise(TALK), normalise(talk_text)):.3f}"
              f" {talk_cpu:5.1f} s CPU | looped {len(loop_text.split()):3} words {loop_cpu:5.1f} s CPU", flush=True)


if __name__ == "__main__":
    main()
