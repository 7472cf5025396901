"""Audible fillers: recall and precision of the filler cuts on the labelled set of
testkit/evalsets/fillers.py, per split and filler language, on the product path.

Each item is transcribed by `LocalTranscriber` (Whisper base, beam 1, VAD: the app's settings),
then `mark_fillers` reads the audio and `suggest_cuts` makes the cut list. A planted filler is
found when a `filler` cut overlaps it by 50 ms or more; a filler cut that overlaps no planted
filler is a false one (on a clean reading, on a trap word such as "umbrella", or on speech).
The CPU time of `mark_fillers` is reported per audio second and as a share of a 60 s clip's
local analysis (36.5 s CPU, README).

    .venv/bin/python -m bench.eval_fillers             # report (builds the set once, ~10 min)
    .venv/bin/python -m bench.eval_fillers --fit       # refit the model on the TUNING split only
    .venv/bin/python -m bench.eval_fillers --prompt    # also: Whisper with a disfluent prompt

The set and its transcripts are cached in FILLER_SET_DIR (default /tmp/framepilot-filler-set).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from framepilot.edit.cutlist import suggest_cuts
from framepilot.models import CutKind, Transcript
from framepilot.pipeline import filled_pauses
from framepilot.pipeline.fillers import mark_fillers
from framepilot.providers.local.transcriber import LocalTranscriber
from framepilot.settings import get_settings
from framepilot.usage.metering import CallContext
from testkit.evalsets.fillers import Item, build_set, load_audio, load_set

SET_DIR = Path(os.environ.get("FILLER_SET_DIR", "/tmp/framepilot-filler-set"))
FPS = 25
MATCH_S = 0.05
ANALYSIS_CPU_60S = 36.5  # README: a 60 s clip's full local analysis, CPU seconds
DISFLUENT_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking. Uh, so, erm, ah."
WRITTEN = {"um", "umm", "uh", "uhh", "erm", "er", "hmm", "mm", "ah", "huh"}


def transcripts(items: list[Item], folder: Path, name: str, transcriber: LocalTranscriber) -> dict[str, Transcript]:
    cache = folder / f"transcripts_{name}.json"
    done = {k: Transcript.model_validate(v) for k, v in json.loads(cache.read_text()).items()} if cache.is_file() else {}
    for item in items:
        if item.name not in done:
            done[item.name] = transcriber.transcribe(Path(item.wav), CallContext())
            cache.write_text(json.dumps({k: v.model_dump(mode="json") for k, v in done.items()}))
    return done


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def score_items(items: list[Item], ranges: dict[str, list[tuple[float, float]]]) -> dict:
    """Planted fillers found, false ranges (and those on clean readings / traps), per language."""
    out: dict[str, dict[str, int]] = {}
    for item in items:
        row = out.setdefault(item.language, {"found": 0, "missed": 0, "false": 0, "clean": 0, "trap": 0})
        found = ranges[item.name]
        used: set[int] = set()
        for plant in item.fillers:
            hits = [k for k, (a, b) in enumerate(found) if _overlap(a, b, plant.start, plant.end) >= MATCH_S]
            row["found" if hits else "missed"] += 1
            used.update(hits)
        for k, (a, b) in enumerate(found):
            if k in used:
                continue
            row["false"] += 1
            row["clean"] += item.name.endswith("_clean")
            row["trap"] += any(_overlap(a, b, p.start, p.end) >= MATCH_S for p in item.plants if not p.filler)
    return out


def summary(rows: dict[str, dict[str, int]]) -> str:
    lines = []
    total = {k: sum(r[k] for r in rows.values()) for k in ("found", "missed", "false", "clean", "trap")}
    for lang, r in [*sorted(rows.items()), ("all", total)]:
        recall = r["found"] / max(1, r["found"] + r["missed"])
        precision = r["found"] / max(1, r["found"] + r["false"])
        lines.append(f"  {lang:4} fillers {r['found'] + r['missed']:3}  recall {recall:.3f}  precision {precision:.3f}  "
                     f"false {r['false']} (on clean readings {r['clean']}, on trap words {r['trap']})")
    return "\n".join(lines)


def filler_cuts(items: list[Item], heard: dict[str, Transcript]) -> dict[str, list[tuple[float, float]]]:
    out = {}
    for item in items:
        cut_list = suggest_cuts(heard[item.name], FPS, int(item.duration_s * FPS))
        out[item.name] = [(c.start_s, c.end_s) for c in cut_list.cuts if c.kind == CutKind.FILLER]
    return out


def fit(items: list[Item], plain: dict[str, Transcript]) -> None:
    """Fit the logistic model on the tuning items' candidate runs; print the constants."""
    xs, ys = [], []
    for item in items:
        words = [filled_pauses.TimedWord(w.word, w.start, w.end) for w in plain[item.name].words]
        for x, info in filled_pauses.candidates(load_audio(Path(item.wav)), words):
            xs.append(x)
            ys.append(float(any(_overlap(info["start"], info["end"], p.start, p.end) > MATCH_S for p in item.fillers)))
    x, y = np.array(xs), np.array(ys)
    means, scales = x.mean(0), x.std(0) + 1e-6
    z = (x - means) / scales
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(3000):  # plain gradient descent, L2 0.1: small data, no library needed
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= 0.1 * (z.T @ (p - y) / len(y) + 0.1 * w)
        b -= 0.1 * float(np.mean(p - y))
    print(f"# {len(y)} candidate runs of {len(items)} tuning items, {int(y.sum())} of them fillers.")
    for name, values in (("MEANS", means), ("SCALES", scales), ("WEIGHTS", w)):
        print(f"{name} = np.array({np.round(values, 4).tolist()})")
    print(f"BIAS = {round(b, 4)}")


def prompt_check(items: list[Item], folder: Path) -> None:
    """Whisper told to keep fillers by a disfluent initial prompt: what it writes as a filler."""
    from faster_whisper import WhisperModel

    from framepilot.providers.local.whisper_model import ensure_model_dir

    model = WhisperModel(str(ensure_model_dir(get_settings().models_dir)), device="cpu", compute_type="int8",
                         cpu_threads=2)
    ranges = {}
    for item in items:
        segments, _ = model.transcribe(load_audio(Path(item.wav)), word_timestamps=True, vad_filter=True,
                                       beam_size=1, initial_prompt=DISFLUENT_PROMPT, language="en")
        ranges[item.name] = [(w.start, w.end) for s in segments for w in s.words
                             if re.sub(r"[^a-z]", "", w.word.lower()) in WRITTEN]
    print("Whisper with a disfluent initial_prompt (the filler words it writes):")
    print(summary(score_items(items, ranges)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the filler model on the tuning split and print it")
    parser.add_argument("--prompt", action="store_true", help="also measure Whisper with a disfluent prompt")
    args = parser.parse_args(argv)
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        print("skipped: the set needs espeak-ng and sox (apt-get install espeak-ng sox)")
        return 0
    settings = get_settings()
    transcriber = LocalTranscriber(settings)
    items = load_set(SET_DIR) if (SET_DIR / "items.json").is_file() else build_set(SET_DIR, transcriber)
    if not items:
        print("skipped: no shared media")
        return 0
    plain = transcripts(items, SET_DIR, "plain", transcriber)
    tuning = [i for i in items if i.split == "tuning"]
    held_out = [i for i in items if i.split == "held_out"]
    if args.fit:
        fit(tuning, plain)
        return 0
    load = os.getloadavg()
    print(f"# bench.eval_fillers ({time.strftime('%Y-%m-%d %H:%M')}, load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f}; Whisper base beam 1; threshold {filled_pauses.THRESHOLD})")
    heard: dict[str, Transcript] = {}
    cpu = audio_s = 0.0
    for item in items:
        samples = load_audio(Path(item.wav))
        started = time.process_time()
        heard[item.name] = mark_fillers(plain[item.name], samples)
        cpu += time.process_time() - started
        audio_s += len(samples) / 16_000
    for name, picked in (("tuning", tuning), ("held-out", held_out)):
        print(f"\n{name}: {len(picked)} items, {sum(len(i.fillers) for i in picked)} planted fillers, "
              f"{sum(i.name.endswith('_clean') for i in picked)} clean readings")
        print("Whisper alone (the filler words it writes):")
        written = {i.name: [(w.start, w.end) for w in plain[i.name].words
                            if re.sub(r"[^a-z]", "", w.word.lower()) in WRITTEN] for i in picked}
        print(summary(score_items(picked, written)))
        print("filler cuts (Whisper's words + the filled pauses heard in the audio):")
        print(summary(score_items(picked, filler_cuts(picked, heard))))
    per_s = cpu / max(audio_s, 1e-9)
    print(f"\nCPU of mark_fillers: {per_s * 1000:.1f} ms per audio second = {per_s * 60:.2f} s for a 60 s clip "
          f"= {per_s * 60 / ANALYSIS_CPU_60S:.1%} of its analysis ({ANALYSIS_CPU_60S} s CPU)")
    if args.prompt:
        prompt_check([i for i in tuning if re.search(r"_clean$|_en[0-3]$", i.name)], SET_DIR)
    return 0


if __name__ == "__main__":
    sys.exit(main())
