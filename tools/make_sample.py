"""Build the project's sample clip, framepilot/assets/sample.mp4, and its description sample.json.

Three GRID corpus clips (one speaker each, talking to camera, CC BY 4.0) are cut into five
shots joined by hard cuts: two clips get a punch-in to a close-up mid-sentence, the way a
talking-head editor varies the framing within one take. Each clip keeps its own sound, so
the speech is real and in sync. Run from the project root:

    .venv/bin/python tools/make_sample.py [--media ../shared/media]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import imageio_ffmpeg

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "framepilot" / "assets"
DEFAULT_MEDIA = Path(os.environ.get("FRAMEPILOT_SHARED_MEDIA", ROOT.parent / "shared" / "media"))

FPS = 25
CLIP_FRAMES = 75  # every GRID clip is 3 s at 25 fps
WIDTH, HEIGHT = 640, 480
# GRID frames are 360x288. "full" keeps the whole height (a medium close-up, the face about
# half the frame); "close" is a 240x180 window on the face (a close-up, face ~0.75 of the height).
FULL_CROP = (360, 270, 0, 9)
CLOSE_SIZE = (240, 180)
# Top-left of the close-up window: centred on each speaker's face (mediapipe face box).
CLOSE_ORIGIN = {"grid_bbaf2n.mpg": (37, 93), "grid_brbk7n.mpg": (47, 103), "grid_lbax4n.mpg": (69, 80)}
SCALES = {"full": "MCU", "close": "CU"}


@dataclass(frozen=True)
class SampleShot:
    source: str
    first: int  # first frame in the source clip
    last: int  # last frame in the source clip, inclusive
    framing: str


SHOTS = [
    SampleShot("grid_bbaf2n.mpg", 0, 39, "full"),
    SampleShot("grid_bbaf2n.mpg", 40, 74, "close"),
    SampleShot("grid_brbk7n.mpg", 0, 74, "full"),
    SampleShot("grid_lbax4n.mpg", 0, 37, "close"),
    SampleShot("grid_lbax4n.mpg", 38, 74, "full"),
]
TRANSCRIPTS = {
    "grid_bbaf2n.mpg": "bin blue at f two now",
    "grid_brbk7n.mpg": "bin red by k seven now",
    "grid_lbax4n.mpg": "lay blue at x four now",
}


def _crop(shot: SampleShot) -> str:
    w, h, x, y = FULL_CROP if shot.framing == "full" else (*CLOSE_SIZE, *CLOSE_ORIGIN[shot.source])
    return f"crop={w}:{h}:{x}:{y}"


def build(media: Path, out: Path) -> dict:
    """Encode the sample to `out` and return its description (also written next to it)."""
    sources = list(dict.fromkeys(s.source for s in SHOTS))
    inputs: list[str] = []
    for name in sources:
        path = media / "talking" / name
        if not path.exists():
            raise SystemExit(f"missing {path}: the sample is built from ../shared/media/talking")
        inputs += ["-i", str(path)]
    parts, video_labels, audio_labels = [], [], []
    for i, shot in enumerate(SHOTS):
        src = sources.index(shot.source)
        parts.append(
            f"[{src}:v]trim=start_frame={shot.first}:end_frame={shot.last + 1},setpts=PTS-STARTPTS,"
            f"{_crop(shot)},scale={WIDTH}:{HEIGHT}:flags=lanczos,setsar=1,fps={FPS}[v{i}]"
        )
        video_labels.append(f"[v{i}]")
    for src, _name in enumerate(sources):
        seconds = CLIP_FRAMES / FPS
        parts.append(f"[{src}:a]aresample=44100,atrim=0:{seconds},asetpts=PTS-STARTPTS,"
                     f"apad=whole_dur={seconds}[a{src}]")
        audio_labels.append(f"[a{src}]")
    parts.append(f"{''.join(video_labels)}concat=n={len(SHOTS)}:v=1:a=0,format=yuv420p[v]")
    parts.append(f"{''.join(audio_labels)}concat=n={len(sources)}:v=0:a=1[a]")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.stem}.part.mp4")
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", *inputs,
           "-filter_complex", ";".join(parts), "-map", "[v]", "-map", "[a]",
           "-c:v", "libx264", "-preset", "slow", "-crf", "24", "-profile:v", "main", "-g", str(2 * FPS),
           "-c:a", "aac", "-b:a", "64k", "-ac", "1", "-movflags", "+faststart",
           "-metadata", "title=FramePilot sample (GRID corpus, CC BY 4.0)", str(partial)]
    subprocess.run(cmd, check=True)
    os.replace(partial, out)

    shots, frame = [], 0
    for i, shot in enumerate(SHOTS):
        length = shot.last - shot.first + 1
        shots.append({"index": i, "start_frame": frame, "end_frame": frame + length - 1,
                      "start_s": round(frame / FPS, 3), "end_s": round((frame + length) / FPS, 3),
                      "scale": SCALES[shot.framing], "transition_in": "start" if i == 0 else "cut", **asdict(shot)})
        frame += length
    description = {
        "file": out.name,
        "fps": FPS,
        "frames": frame,
        "duration_s": frame / FPS,
        "width": WIDTH,
        "height": HEIGHT,
        "shots": shots,
        "cut_frames": [s["start_frame"] for s in shots[1:]],
        "transcript": " ".join(TRANSCRIPTS[name] for name in sources),
        # Words the packaged Whisper base model hears reliably (it writes "f two" as "F2").
        "expected_words": ["bin", "blue", "red", "lay", "now"],
        "licence": "GRID audio-visual speech corpus, CC BY 4.0; see README.md",
    }
    (out.parent / "sample.json").write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
    return description


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--media", type=Path, default=DEFAULT_MEDIA, help="the shared media folder")
    parser.add_argument("--out", type=Path, default=ASSETS / "sample.mp4")
    args = parser.parse_args(argv)
    description = build(args.media, args.out)
    size_kb = args.out.stat().st_size / 1024
    print(f"wrote {args.out} ({size_kb:.0f} KB, {description['duration_s']:.1f} s, "
          f"{len(description['shots'])} shots, cuts at frames {description['cut_frames']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
