"""A labelled set of audible fillers planted in real readings (issue 20).

Each item is one real reading (../shared/media/speech, the talking clips with speech) with 0-3
filled pauses spliced in at word boundaries, each padded with the clip's own room tone, spoken
by a synthetic voice (espeak-ng variants, or the product's local voice, hibari "heart") with
varied pitch, length and loudness. Some items carry a real word that sounds like a filler
("umbrella", "ahead", "hum") as a trap, labelled as not a filler. Clean items have no plants.

Split rules (in code, decided before any measurement): a voice is held out when it is in
HELD_OUT_VOICES; a source clip is held out when it is in HELD_OUT_SOURCES. The tuning split is
tuning voices on tuning sources; the held-out split is held-out voices on held-out sources.
Mixed pairs are not used. The filler model in framepilot/pipeline/filled_pauses.py was fitted,
and its threshold chosen, on the tuning split only.

Limits: the fillers are synthetic (espeak-ng is robotic; hibari is one voice), spliced into other
people's readings, and the Turkish fillers are planted in English readings (no real Turkish
reading ships here). A third of the filler sides have no pause, so a filler is often said
straight against a word.

    .venv/bin/python -m testkit.evalsets.fillers OUT_DIR   # writes the WAVs and items.json
"""

from __future__ import annotations

import json
import random
import subprocess
import tempfile
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from framepilot.providers.local.transcriber import LocalTranscriber
from framepilot.usage.metering import CallContext
from testkit.evalsets.shots import MEDIA

RATE = 16_000
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SEED = 20

# Source clips: real human readings. grid_* are 3 s command sentences, LJ* audiobook reading,
# jfk a speech, LDC93S1 a TIMIT sentence, liveportrait_* short talking-head clips.
SOURCES = [
    "speech/jfk.flac", "speech/LJ001-0001.wav", "speech/LJ001-0003.wav", "speech/LJ001-0007.wav",
    "speech/LDC93S1.wav", "talking/grid_bbaf2n.mpg", "talking/grid_brbk7n.mpg", "talking/grid_lbax4n.mpg",
]
# liveportrait_s13 is Mandarin and d12/s18 hold no full sentence, so they are not readings.
HELD_OUT_SOURCES = {"speech/jfk.flac", "speech/LJ001-0003.wav", "talking/grid_brbk7n.mpg"}

# (engine, voice). espeak-ng variants span male/female/odd timbres; hibari is the product voice.
VOICES_EN = [
    ("espeak", "en-us"), ("espeak", "en-us+m3"), ("espeak", "en-us+f2"), ("espeak", "en+f4"),
    ("espeak", "en-gb-scotland+m7"), ("espeak", "en-029+f3"), ("espeak", "en+croak"),
    ("espeak", "en-us+klatt"), ("espeak", "en+m1"), ("espeak", "en+f5"), ("hibari", "heart"),
]
VOICES_TR = [("espeak", "tr"), ("espeak", "tr+m3"), ("espeak", "tr+f2"), ("espeak", "tr+f4"),
             ("espeak", "tr+m7"), ("espeak", "tr+klatt")]
HELD_OUT_VOICES = {("espeak", "en+f4"), ("espeak", "en-gb-scotland+m7"), ("espeak", "en+croak"),
                   ("hibari", "heart"), ("espeak", "tr+f4"), ("espeak", "tr+m7")}

# Filled pauses as phonemes (espeak-ng [[...]] input / hibari IPA), and their label.
FILLERS_EN = {"um": ("Vm", "ʌm"), "uh": ("V", "ʌ"), "erm": ("3:m", "ɜːm"), "ah": ("A:", "ɑː"),
              "hmm": ("h@m", "hmm")}
FILLERS_TR = {"ııı": ("@@", "ɯː"), "eee": ("ee", "eː"), "hımm": ("h@mm", "hɯmm")}
# Real words that sound like fillers: planted as traps, never to be cut.
TRAPS_EN = ["umbrella", "ahead", "hum", "aha", "uhura", "ember", "oh"]


@dataclass
class Plant:
    label: str  # filler label, or "word:<text>" for a trap
    start: float
    end: float
    voice: str
    filler: bool


@dataclass
class Item:
    name: str
    source: str
    language: str  # the filler language
    split: str  # "tuning" or "held_out"
    plants: list[Plant] = field(default_factory=list)
    wav: str = ""
    duration_s: float = 0.0

    @property
    def fillers(self) -> list[Plant]:
        return [p for p in self.plants if p.filler]


def load_audio(path: Path) -> np.ndarray:
    """Any media file as 16 kHz mono float samples."""
    out = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-ac", "1", "-ar", str(RATE), "-f", "s16le", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(out, np.int16).astype(np.float32) / 32768.0


def save_wav(path: Path, audio: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2) + 1e-12))


def frame_rms(x: np.ndarray, hop: int = 160, win: int = 400) -> np.ndarray:
    n = max(1, 1 + (len(x) - win) // hop)
    idx = np.arange(win)[None, :] + hop * np.arange(n)[:, None]
    return np.sqrt(np.mean(x[np.minimum(idx, len(x) - 1)] ** 2, axis=1) + 1e-12)


def trim(x: np.ndarray, rel_db: float = -35) -> np.ndarray:
    r = frame_rms(x)
    keep = np.flatnonzero(20 * np.log10(r / r.max()) > rel_db)
    if not len(keep):
        return x
    return x[keep[0] * 160: min(len(x), keep[-1] * 160 + 400)]


def _sox(args: list[str], audio: np.ndarray) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a.wav", Path(tmp) / "b.wav"
        save_wav(a, audio)
        subprocess.run(["sox", str(a), str(b), *args], check=True, capture_output=True)
        return load_audio(b)


def speak_espeak(voice: str, phonemes: str | None, text: str | None, pitch: int, speed: int) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "s.wav"
        said = f"[[{phonemes}]]" if phonemes else text
        subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "-w", str(wav), said],
                       check=True, capture_output=True)
        return trim(load_audio(wav))


_hibari = None


def speak_hibari(ipa: str | None, text: str | None, seed: int) -> np.ndarray:
    global _hibari
    if _hibari is None:
        from hibari import Hibari
        _hibari = Hibari(voice="heart", threads=2)
    ids = _hibari.ids(ipa) if ipa else _hibari.ids(_hibari.phonemize(text)[0])
    audio = _hibari.from_ids(ids, 1.0, np.random.default_rng(seed)).astype(np.float32)
    n = int(len(audio) * RATE / _hibari.sample_rate)
    resampled = np.interp(np.linspace(0, len(audio) - 1, n), np.arange(len(audio)), audio).astype(np.float32)
    return trim(resampled)


def make_sound(engine: str, voice: str, rng: random.Random, *, filler: tuple[str, str] | None = None,
               word: str | None = None, length_s: float | None = None) -> np.ndarray:
    """One filler (phonemes) or trap word, with pitch, length and a slight glide varied."""
    if engine == "espeak":
        x = speak_espeak(voice, filler[0] if filler else None, word, pitch=rng.randint(25, 75),
                         speed=rng.randint(110, 170))
    else:
        x = speak_hibari(filler[1] if filler else None, word, seed=rng.randint(0, 10_000))
    effects: list[str] = []
    if filler and length_s:
        # tempo (WSOLA) keeps the pitch while it sets the length
        effects += ["tempo", "-s", f"{max(0.3, min(3.0, len(x) / RATE / length_s)):.3f}"]
    if rng.random() < 0.6:
        cents = rng.choice([-1, 1]) * rng.randint(40, 250)
        final_s = length_s if (filler and length_s) else len(x) / RATE
        effects += ["bend", f"0.03,{cents},{max(0.05, final_s * 0.5):.2f}"]
    if effects:
        x = _sox(effects, x)
    fade = min(len(x) // 4, int(0.02 * RATE))
    if fade:
        ramp = np.linspace(0, 1, fade, dtype=np.float32)
        x[:fade] *= ramp
        x[-fade:] *= ramp[::-1]
    return x


@dataclass
class Source:
    path: str
    audio: np.ndarray
    words: list[tuple[str, float, float]]
    speech_rms: float
    noise: np.ndarray


def room_tone(audio: np.ndarray) -> np.ndarray:
    """The quietest 200 ms of the clip, to pad planted pauses with the clip's own noise."""
    r = frame_rms(audio)
    win = 20
    sums = np.convolve(r, np.ones(win), "valid")
    i = int(np.argmin(sums)) * 160
    return audio[i:i + win * 160].copy()


def tone(noise: np.ndarray, n: int, rng: random.Random) -> np.ndarray:
    if n <= 0:
        return np.zeros(0, np.float32)
    reps = np.tile(noise, n // len(noise) + 2)
    off = rng.randint(0, len(noise) - 1)
    return reps[off:off + n].astype(np.float32)


SEARCH_S = 0.15
ATTACHED = 0.33


def splice_points(src: Source) -> list[int]:
    """Sample indices between two words (the quietest 10 ms between them)."""
    points: list[int] = []
    r = frame_rms(src.audio)
    # Whisper's word edges are often 0.1-0.3 s off (a word can swallow the pause after it), so
    # the quietest frame within SEARCH_S of each boundary is the splice point.
    for (_, _, end), (_, start, _) in zip(src.words, src.words[1:]):
        a, b = int((min(end, start) - SEARCH_S) * 100), int((max(end, start) + SEARCH_S) * 100)
        a, b = max(a, 0), min(b, len(r) - 1)
        if b > a:
            point = (a + int(np.argmin(r[a:b]))) * 160 + 80
            if not points or point - points[-1] > 0.3 * RATE:
                points.append(point)
    return points


def build_item(src: Source, name: str, language: str, split: str, voices: list[tuple[str, str]],
               n_fillers: int, trap: bool, rng: random.Random, out_dir: Path) -> Item:
    fillers = FILLERS_EN if language == "en" else FILLERS_TR
    points = splice_points(src)
    n_plants = min(len(points), n_fillers + int(trap))
    chosen = sorted(rng.sample(points, n_plants)) if n_plants else []
    kinds = ["filler"] * n_fillers + (["trap"] if trap else [])
    rng.shuffle(kinds)
    item = Item(name=name, source=src.path, language=language, split=split)
    pieces, cursor, t_out = [], 0, 0.0
    for point, kind in zip(chosen, kinds):
        engine, voice = rng.choice(voices)
        pieces.append(src.audio[cursor:point])
        t_out += (point - cursor) / RATE
        cursor = point
        # A filler is often said straight after or before a word ("and uh the"), so a third of the
        # sides get no pause at all.
        pad_a, pad_b = (0.0 if rng.random() < ATTACHED else rng.uniform(0.08, 0.35) for _ in range(2))
        if kind == "filler":
            label = rng.choice(list(fillers))
            sound = make_sound(engine, voice, rng, filler=fillers[label], length_s=rng.uniform(0.25, 0.9))
        else:
            label = "word:" + rng.choice(TRAPS_EN)
            sound = make_sound(engine, voice, rng, word=label[5:])
        gain_db = rng.uniform(-10, 2)
        sound = sound * (src.speech_rms * 10 ** (gain_db / 20) / _rms(sound))
        sound = sound + tone(src.noise, len(sound), rng)
        a, b = tone(src.noise, int(pad_a * RATE), rng), tone(src.noise, int(pad_b * RATE), rng)
        start = t_out + len(a) / RATE
        end = start + len(sound) / RATE
        item.plants.append(Plant(label=label, start=round(start, 3), end=round(end, 3), voice=f"{engine}:{voice}",
                                 filler=kind == "filler"))
        pieces += [a, sound.astype(np.float32), b]
        t_out = end + len(b) / RATE
    pieces.append(src.audio[cursor:])
    audio = np.concatenate(pieces)
    wav = out_dir / f"{name}.wav"
    save_wav(wav, audio)
    item.wav, item.duration_s = str(wav), round(len(audio) / RATE, 3)
    return item


def load_source(path: str, transcriber: LocalTranscriber) -> Source | None:
    """A source clip with its words (from the product's transcriber); None without a sentence."""
    audio = load_audio(MEDIA / path)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "source.wav"
        save_wav(wav, audio)
        transcript = transcriber.transcribe(wav, CallContext())
    words = [(w.word, w.start, w.end) for w in transcript.words]
    if len(words) < 3:
        return None
    r = frame_rms(audio)
    loud = r[r > np.percentile(r, 60)]
    return Source(path=path, audio=audio, words=words, speech_rms=float(np.median(loud)), noise=room_tone(audio))


def build_set(out_dir: Path, transcriber: LocalTranscriber, items_per_source: int = 10, seed: int = SEED) -> list[Item]:
    """Write the set's WAVs and items.json under `out_dir`: per source clip, the clean reading,
    `items_per_source` items with English fillers and half as many with Turkish ones."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    items: list[Item] = []
    for path in SOURCES:
        if not (MEDIA / path).is_file():
            continue
        src = load_source(path, transcriber)
        if src is None:
            continue
        split = "held_out" if path in HELD_OUT_SOURCES else "tuning"
        stem = Path(path).stem
        clean = Item(name=f"{stem}_clean", source=path, language="en", split=split,
                     wav=str(out_dir / f"{stem}_clean.wav"), duration_s=round(len(src.audio) / RATE, 3))
        save_wav(Path(clean.wav), src.audio)
        items.append(clean)
        for language, voices_all in (("en", VOICES_EN), ("tr", VOICES_TR)):
            voices = [v for v in voices_all if (v in HELD_OUT_VOICES) == (split == "held_out")]
            for k in range(items_per_source if language == "en" else items_per_source // 2):
                n = rng.choice([1, 1, 2, 2, 3])
                trap = language == "en" and rng.random() < 0.35
                items.append(build_item(src, f"{stem}_{language}{k}", language, split, voices, n, trap, rng, out_dir))
    (out_dir / "items.json").write_text(json.dumps([asdict(i) for i in items], indent=1, ensure_ascii=False))
    return items


def load_set(out_dir: Path) -> list[Item]:
    items = []
    for raw in json.loads((Path(out_dir) / "items.json").read_text()):
        raw["plants"] = [Plant(**p) for p in raw["plants"]]
        items.append(Item(**raw))
    return items


if __name__ == "__main__":
    import sys

    from framepilot.settings import get_settings

    built = build_set(Path(sys.argv[1]), LocalTranscriber(get_settings()))
    for split in ("tuning", "held_out"):
        picked = [i for i in built if i.split == split]
        print(split, len(picked), "items", sum(len(i.fillers) for i in picked), "fillers",
              sum(len(i.plants) - len(i.fillers) for i in picked), "traps")
