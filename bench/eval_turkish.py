"""Turkish speech through the local pipeline: Whisper base word error rate on espeak-ng's
Turkish voice, and the cut list on what it hears (fillers, pauses).

espeak-ng is Debian's (`apt-get install espeak-ng`); it is robotic, so the WER is a floor
check, not what a real Turkish speaker would get. Skips when espeak-ng is missing.

    .venv/bin/python -m bench.eval_turkish
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import jiwer

from framepilot.edit.cutlist import suggest_cuts
from framepilot.providers.local.transcriber import LocalTranscriber
from framepilot.providers.local.whisper_model import load_whisper_model
from framepilot.settings import get_settings
from framepilot.usage import CallContext

SENTENCES = [
    "Bugün size evde daha iyi ışık için üç ipucu vereceğim.",
    "İlk olarak pencereyi ana ışık kaynağı olarak kullanın.",
    "Kamerayı göz hizasına koyun ve doğrudan merceğe bakın.",
    "Mikrofonu ağzınıza yakın tutun ama görüntüye girmesin.",
    "Şey, yani en önemli şey sesin temiz olması.",
    "Videoyu beğendiyseniz abone olmayı unutmayın.",
]


def _normalise(text: str) -> str:
    text = text.replace("I", "ı").replace("İ", "i").lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _forced_turkish(espeak: str) -> list[str]:
    """The same sentences with Whisper told the language (the transcriber detects it itself)."""
    model = load_whisper_model(get_settings().models_dir)
    heard = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, sentence in enumerate(SENTENCES):
            wav = Path(tmp) / f"tr{i}.wav"
            subprocess.run([espeak, "-v", "tr", "-s", "150", "-w", str(wav), sentence], check=True)
            segments, _info = model.transcribe(str(wav), language="tr", beam_size=1, vad_filter=True)
            text = " ".join(s.text for s in segments)
            heard.append(_normalise(text))
            print(f"  [tr forced] {text.strip()}")
    return heard


def main() -> int:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print("skipped: espeak-ng is not installed (apt-get install espeak-ng)")
        return 0
    transcriber = LocalTranscriber(get_settings())
    references, hypotheses = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i, sentence in enumerate(SENTENCES):
            wav = Path(tmp) / f"tr{i}.wav"
            subprocess.run([espeak, "-v", "tr", "-s", "150", "-w", str(wav), sentence], check=True)
            transcript = transcriber.transcribe(wav, CallContext())
            references.append(_normalise(sentence))
            hypotheses.append(_normalise(transcript.text))
            print(f"  [{transcript.language} p={transcript.language_probability or 0:.2f}] {transcript.text.strip()}")
        # One talk: the sentences with a pause, for the cut list.
        talk = Path(tmp) / "talk.wav"
        subprocess.run([espeak, "-v", "tr", "-s", "150", "-g", "20", "-w", str(talk), " ".join(SENTENCES)],
                       check=True)
        transcript = transcriber.transcribe(talk, CallContext())
        cut_list = suggest_cuts(transcript, 25, int((transcript.segments[-1].end + 1.0) * 25))
    wer = jiwer.wer(references, hypotheses)
    print(f"Turkish WER (Whisper base, language detected, espeak-ng voice, {len(SENTENCES)} sentences): {wer:.1%}")
    forced = _forced_turkish(espeak)
    print(f"Turkish WER with the language set to Turkish (not what the app does today): "
          f"{jiwer.wer(references, forced):.1%}")
    print(f"cut list on the talk: {len(cut_list.cuts)} cuts: "
          + ", ".join(f"{c.kind.value} {c.words or ''}" for c in cut_list.cuts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
