"""Turkish speech through the local transcriber: Whisper base word error rate on espeak-ng's
Turkish voice, and the cut list on what it hears.

espeak-ng is Debian's (`apt-get install espeak-ng`), not a project dependency; it is robotic,
so the WER is a floor check, not what a real Turkish speaker would get. Skips when it is
missing.

Fairness: the voice variant and rate are chosen on TUNING sentences only (the six the first
measurement used); the WER reported is on HELD_OUT sentences that played no part in that
choice. Audio goes through the product path: `LocalTranscriber` decodes espeak-ng's 22.05 kHz
WAV and resamples it to Whisper's 16 kHz mono with the same resampler as uploads. Each
held-out figure is given with language detection (what the app does) and with the language
set to Turkish (`LocalTranscriber(language="tr")`), per sentence and as one talk (all
held-out sentences in one file: language detection reads the first 30 s, not one 4 s line).

    .venv/bin/python -m bench.eval_turkish                 # choose on TUNING, report on HELD_OUT
    .venv/bin/python -m bench.eval_turkish --voice tr --rate 130   # report only, voice already chosen

Whisper's temperature fallback samples when greedy decoding looks bad (as it does on this
voice), so repeated runs differ by several WER points.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import jiwer

from framepilot.edit.cutlist import suggest_cuts
from framepilot.providers.local.transcriber import LocalTranscriber
from framepilot.settings import get_settings
from framepilot.usage.metering import CallContext

TUNING = [
    "Bugün size evde daha iyi ışık için üç ipucu vereceğim.",
    "İlk olarak pencereyi ana ışık kaynağı olarak kullanın.",
    "Kamerayı göz hizasına koyun ve doğrudan merceğe bakın.",
    "Mikrofonu ağzınıza yakın tutun ama görüntüye girmesin.",
    "Şey, yani en önemli şey sesin temiz olması.",
    "Videoyu beğendiyseniz abone olmayı unutmayın.",
]
# Written before any run and never used to choose a setting.
HELD_OUT = [
    "Telefonunuzu yatay değil dikey tutarsanız kısa videolar için kadraj çok daha doğal görünür.",
    ("Arka planda dağınık bir oda varsa izleyicinin gözü sürekli oraya kayar, bu yüzden çekimden önce "
     "biraz toplayın."),
    "Konuşurken kameranın arkasındaki bir noktaya değil, doğrudan merceğin içine bakmaya çalışın.",
    "Sesinizi kaydetmeden önce buzdolabını ve klimayı kapatırsanız uğultu büyük ölçüde kaybolur.",
    "Her cümleden sonra kısa bir nefes alırsanız kurguda kesme yapmak çok daha kolay olur.",
    "Güneş ışığı öğleden sonra sertleşir, o yüzden sabah saatlerinde çekim yapmayı deneyin.",
    "Videonun ilk üç saniyesinde izleyiciye neden izlemeye devam etmesi gerektiğini söyleyin.",
    "Aynı cümleyi iki kez söylediyseniz endişelenmeyin, kurgu sırasında kötü olanı silebilirsiniz.",
]
# (voice, words a minute): espeak-ng's Turkish voice at three rates, and a male and a female
# variant at the slow rate (a 2-core shared machine: a full grid took too long).
CONFIGS = [("tr", 130), ("tr", 150), ("tr", 170), ("tr+m3", 130), ("tr+f2", 130)]
TALK_GAP_MS = 600  # pause between sentences in the one-file talk


def normalise(text: str) -> str:
    text = text.replace("I", "ı").replace("İ", "i").lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def speak(espeak: str, text: str, voice: str, rate: int, wav: Path) -> None:
    subprocess.run([espeak, "-v", voice, "-s", str(rate), "-w", str(wav), text], check=True, capture_output=True)


def speak_talk(espeak: str, sentences: list[str], voice: str, rate: int, wav: Path) -> None:
    """The sentences one after another in one file, TALK_GAP_MS of silence between them
    (espeak-ng's own -g is a gap between words, not sentences)."""
    frames, params = [], None
    for i, sentence in enumerate(sentences):
        part = wav.with_name(f"{wav.stem}_{i}.wav")
        speak(espeak, sentence, voice, rate, part)
        with wave.open(str(part)) as w:
            params = w.getparams()
            frames.append(w.readframes(w.getnframes()))
    gap = b"\x00" * (params.sampwidth * params.nchannels * params.framerate * TALK_GAP_MS // 1000)
    with wave.open(str(wav), "wb") as out:
        out.setparams(params)
        out.writeframes(gap.join(frames))


def transcribe_each(espeak: str, transcriber: LocalTranscriber, sentences: list[str], voice: str, rate: int,
                    tmp: Path, show: bool = False) -> tuple[float, list[str]]:
    """WER over `sentences`, one file each, and what was detected per sentence."""
    hypotheses, detected = [], []
    for i, sentence in enumerate(sentences):
        wav = tmp / f"s{i}.wav"
        speak(espeak, sentence, voice, rate, wav)
        transcript = transcriber.transcribe(wav, CallContext())
        hypotheses.append(normalise(transcript.text))
        label = "no speech" if transcript.no_speech else f"{transcript.language} p={transcript.language_probability:.2f}"
        detected.append(label)
        if show:
            print(f"    [{label}] {transcript.text.strip()}", flush=True)
    return jiwer.wer([normalise(s) for s in sentences], hypotheses), detected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", help="espeak-ng voice chosen earlier on the tuning sentences (skips tuning)")
    parser.add_argument("--rate", type=int, default=130, help="words a minute, with --voice")
    parser.add_argument("--talk-only", action="store_true", help="only the one-file talk (with --voice)")
    args = parser.parse_args()
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        print("skipped: espeak-ng is not installed (apt-get install espeak-ng)")
        return 0
    settings = get_settings()
    detect = LocalTranscriber(settings)
    forced = LocalTranscriber(settings, language="tr")
    version = subprocess.run([espeak, "--version"], check=True, capture_output=True, text=True).stdout.split("  ")[0]
    print(f"# bench.eval_turkish ({time.strftime('%Y-%m-%d %H:%M')}, {version}, Whisper base beam 1, "
          f"VAD on; {len(TUNING)} tuning and {len(HELD_OUT)} held-out sentences)")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if args.voice:
            chosen = (args.voice, args.rate)
            print(f"\nvoice {chosen[0]}, {chosen[1]} wpm, as chosen earlier on the tuning sentences", flush=True)
        else:
            print("\n## Tuning sentences: voice and rate (WER with Turkish set)", flush=True)
            tuned = []
            for voice, rate in CONFIGS:
                wer_forced, _ = transcribe_each(espeak, forced, TUNING, voice, rate, tmp)
                tuned.append((wer_forced, voice, rate))
                print(f"  {voice:6} {rate} wpm: {wer_forced:6.1%}", flush=True)
            best = min(tuned)
            chosen = (best[1], best[2])
            print(f"chosen on the tuning sentences: voice {chosen[0]}, {chosen[1]} wpm")

        detected_wer = forced_wer = None
        if not args.talk_only:
            print("\n## Held-out sentences, one file each", flush=True)
            voice, rate = chosen
            print(f"  {voice} {rate} wpm, language detected:")
            detected_wer, _ = transcribe_each(espeak, detect, HELD_OUT, voice, rate, tmp, show=True)
            print(f"  {voice} {rate} wpm, language set to Turkish:")
            forced_wer, _ = transcribe_each(espeak, forced, HELD_OUT, voice, rate, tmp, show=True)

        print("\n## Held-out sentences as one talk (one file, language detected on it)", flush=True)
        talk = tmp / "talk.wav"
        speak_talk(espeak, HELD_OUT, chosen[0], chosen[1], talk)
        reference = normalise(" ".join(HELD_OUT))
        talk_detected = detect.transcribe(talk, CallContext())
        talk_forced = forced.transcribe(talk, CallContext())
        wer_talk = jiwer.wer(reference, normalise(talk_detected.text))
        wer_talk_forced = jiwer.wer(reference, normalise(talk_forced.text))
        print(f"  detected language: {talk_detected.language} p={talk_detected.language_probability or 0:.2f}")
        print(f"  heard: {talk_detected.text.strip()}")
        print(f"  talk WER: detected {wer_talk:.1%}, Turkish forced {wer_talk_forced:.1%}")
        duration = talk_forced.segments[-1].end + 1.0 if talk_forced.segments else 1.0
        cut_list = suggest_cuts(talk_forced, 25, int(duration * 25))
        print(f"  cut list on the talk (Turkish forced): {len(cut_list.cuts)} cuts: "
              + ", ".join(f"{c.kind.value} {c.end_s - c.start_s:.1f} s" for c in cut_list.cuts))

    if detected_wer is not None:
        print(f"\nTurkish WER (held out, {len(HELD_OUT)} sentences, espeak-ng {chosen[0]} {chosen[1]} wpm): "
              f"{detected_wer:.1%} with language detection, {forced_wer:.1%} with Turkish set")
    print(f"Turkish WER, held-out sentences as one talk: {wer_talk:.1%} with language detection "
          f"({talk_detected.language}), {wer_talk_forced:.1%} with Turkish set")
    return 0


if __name__ == "__main__":
    sys.exit(main())
