"""Word error rate and speed of the local transcriber on ../shared/media.

Every speech file and every talking/grid_* clip is transcribed with `LocalTranscriber`;
reference and hypothesis are normalised the same way (lowercase, no punctuation, digits
spelled out, `transcript_normalized` preferred when the truth has one) and scored with
jiwer. RTF is compute seconds per audio second, after one warm-up call that loads the model.

    python -m testkit.evalsets.transcribe            # beam 1 (the default) and beam 5
    python -m testkit.evalsets.transcribe 1          # just beam 1
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import jiwer

from framepilot.providers.local.transcriber import DEFAULT_BEAM_SIZE, LocalTranscriber
from framepilot.providers.local.voice import LocalVoice
from framepilot.settings import Settings, get_settings
from framepilot.usage.metering import CallContext

MEDIA = Path(os.environ.get("FRAMEPILOT_SHARED_MEDIA", Path(__file__).resolve().parents[3] / "shared" / "media"))
TARGET_WER = 0.10
# A talk-to-camera script read by hibari: long-form speed (short clips pay Whisper's fixed
# 30-second window and language detection, so their RTF overstates the cost of real videos).
LONG_SCRIPT = (
    "Welcome back to the channel. Today I will show you three simple ways to get better light "
    "in a small room. First, face the window, so that the daylight falls evenly on your face. "
    "Second, turn off the ceiling light, because it puts shadows under your eyes. Third, put a "
    "white sheet or a piece of card next to you to bounce some light back into the dark side. "
    "None of this costs any money, and you can try all of it this afternoon. "
)

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_hundred(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")


def _cardinal(n: int) -> str:
    if n < 100:
        return _below_hundred(n)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {_below_hundred(rest)}" if rest else "")
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        return f"{_cardinal(thousands)} thousand" + (f" {_cardinal(rest)}" if rest else "")
    return " ".join(_ONES[int(d)] for d in str(n))


def spoken_number(digits: str) -> str:
    """'42' -> 'forty two'; four-digit years the way they are read: '1455' -> 'fourteen fifty five'."""
    n = int(digits)
    if len(digits) == 4 and (1100 <= n <= 1999 or 2010 <= n <= 2099):
        high, low = divmod(n, 100)
        return f"{_below_hundred(high)} " + (_below_hundred(low) if low >= 10 else f"oh {_ONES[low]}" if low else "hundred")
    return _cardinal(n)


def normalise(text: str) -> str:
    """Lowercase words without punctuation; digits spelled out; letters split from digits ('f2')."""
    text = text.lower().replace("-", " ")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    text = re.sub(r"\d+", lambda m: f" {spoken_number(m.group())} ", text)
    text = re.sub(r"[^a-z' ]+", " ", text).replace("'", "")
    return " ".join(text.split())


def labelled_speech(media_dir: Path) -> list[dict]:
    """Ground-truth entries with a transcript: speech/* and talking/grid_*."""
    truth = json.loads((media_dir / "ground_truth.json").read_text())
    return [
        entry for entry in truth["files"]
        if entry.get("transcript") and (
            entry["kind"] == "speech" or Path(entry["path"]).name.startswith("grid_"))
        and (media_dir / entry["path"]).is_file()
    ]


def evaluate(media_dir: Path = MEDIA, beam_size: int = DEFAULT_BEAM_SIZE,
             settings: Settings | None = None) -> list[dict]:
    """One row per labelled file: WER, RTF and both normalised texts. Empty when media is missing."""
    media_dir = Path(media_dir)
    if not (media_dir / "ground_truth.json").is_file():
        return []
    entries = labelled_speech(media_dir)
    transcriber = LocalTranscriber(settings or get_settings(), beam_size=beam_size)
    if entries:  # warm-up: model join/verify and load are not transcription time
        transcriber.transcribe(media_dir / entries[0]["path"], CallContext())
    rows = []
    for entry in entries:
        ctx = CallContext()
        started = time.perf_counter()
        transcript = transcriber.transcribe(media_dir / entry["path"], ctx)
        wall = time.perf_counter() - started
        call = ctx.calls[-1]
        reference = normalise(entry.get("transcript_normalized") or entry["transcript"])
        hypothesis = normalise(transcript.text)
        rows.append({
            "file": entry["path"],
            "kind": entry["kind"],
            "audio_s": round(call.audio_seconds, 2),
            "wer": round(jiwer.wer(reference, hypothesis), 4) if hypothesis else 1.0,
            "rtf": round(wall / call.audio_seconds, 3) if call.audio_seconds else None,
            "cpu_rtf": round(call.compute_seconds / call.audio_seconds, 3) if call.audio_seconds else None,
            "language": transcript.language,
            "reference": reference,
            "hypothesis": hypothesis,
        })
    return rows


def long_form_speed(repeats: int = 4, beams: tuple[int, ...] = (1, 5)) -> list[dict]:
    """RTF and WER on about a minute of synthetic speech, per beam size (no shared media needed)."""
    settings = get_settings()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        clip = LocalVoice(settings).synthesise(LONG_SCRIPT * repeats, Path(tmp) / "long.wav", CallContext())
        reference = normalise(LONG_SCRIPT * repeats)
        for beam in beams:
            transcriber = LocalTranscriber(settings, beam_size=beam)
            transcriber.transcribe(clip.path, CallContext())  # warm-up
            ctx = CallContext()
            started = time.perf_counter()
            transcript = transcriber.transcribe(clip.path, ctx)
            wall = time.perf_counter() - started
            rows.append({"beam": beam, "audio_s": round(clip.duration_s, 1),
                         "wer": round(jiwer.wer(reference, normalise(transcript.text)), 4),
                         "rtf": round(wall / clip.duration_s, 3),
                         "cpu_rtf": round(ctx.calls[-1].compute_seconds / clip.duration_s, 3)})
    return rows


def summarise(rows: list[dict], kind: str | None = None) -> dict:
    picked = [r for r in rows if kind is None or r["kind"] == kind]
    if not picked:
        return {}
    audio = sum(r["audio_s"] for r in picked)
    return {
        "files": len(picked),
        "mean_wer": round(sum(r["wer"] for r in picked) / len(picked), 4),
        "corpus_wer": round(jiwer.wer([r["reference"] for r in picked], [r["hypothesis"] or "-" for r in picked]), 4),
        "rtf": round(sum(r["rtf"] * r["audio_s"] for r in picked) / audio, 3),
        "cpu_rtf": round(sum(r["cpu_rtf"] * r["audio_s"] for r in picked) / audio, 3),
    }


def main(argv: list[str] | None = None) -> None:
    beams = [int(a) for a in (sys.argv[1:] if argv is None else argv)] or [1, 5]
    if not (MEDIA / "ground_truth.json").is_file():
        print(f"skipped: no shared media at {MEDIA}")
        return
    print("long-form synthetic speech (hibari 'heart' voice)")
    for r in long_form_speed(beams=tuple(beams)):
        print(f"  beam_size={r['beam']} audio_s={r['audio_s']} WER={r['wer']:.1%} RTF={r['rtf']:.3f} "
              f"cpuRTF={r['cpu_rtf']:.3f}")
    print()
    for beam in beams:
        rows = evaluate(MEDIA, beam_size=beam)
        print(f"beam_size={beam}")
        print(f"{'file':28s} {'audio_s':>7s} {'WER':>6s} {'RTF':>6s} {'cpuRTF':>6s}  hypothesis")
        for r in rows:
            print(f"{r['file']:28s} {r['audio_s']:7.2f} {r['wer']:6.1%} {r['rtf']:6.3f} {r['cpu_rtf']:6.3f}  {r['hypothesis']}")
        for kind in ("speech", "talking", None):
            s = summarise(rows, kind)
            if s:
                verdict = "" if kind != "speech" else ("  (target <= 10%: met)" if s["mean_wer"] <= TARGET_WER
                                                      else "  (target <= 10%: MISSED)")
                print(f"  {kind or 'all':8s} files={s['files']} mean WER={s['mean_wer']:.1%} "
                      f"corpus WER={s['corpus_wer']:.1%} RTF={s['rtf']:.3f} cpuRTF={s['cpu_rtf']:.3f}{verdict}")
        print()


if __name__ == "__main__":
    main()
