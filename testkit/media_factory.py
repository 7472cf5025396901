"""Small generated clips for pipeline tests, made with the imageio-ffmpeg binary.

Every function writes one file and returns its path (or what the test needs to know about
it, such as the frames where cuts were put). Clips are tiny (320x240, a few seconds) so a
whole test module builds its media in a few seconds; nothing is committed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SIZE = "320x240"
FPS = 25

# Distinct looks for consecutive shots: moving pattern, bars with grain, an animated fractal,
# and a flat colour with heavy grain (different colour, texture and motion each time).
SHOT_SOURCES = [
    "testsrc2=size={size}:rate={fps}",
    "smptebars=size={size}:rate={fps},noise=alls=12:allf=t",
    "mandelbrot=size={size}:rate={fps}",
    "color=c=0x8040a0:size={size}:rate={fps},noise=alls=30:allf=t",
]


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly; raise with its message when it fails."""
    done = subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-y", *map(str, args)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr.strip()[-500:]}")


def _h264(*extra: str) -> list[str]:
    return ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *extra]


def hard_cut_clip(out: Path, shot_seconds: tuple[float, ...] = (2.0, 1.6, 2.4, 2.0), fps: int = FPS,
                  size: str = SIZE, audio: bool = True) -> list[int]:
    """Consecutive shots from different sources joined by hard cuts; returns each shot's first frame."""
    inputs, labels, starts, frame = [], [], [], 0
    for i, seconds in enumerate(shot_seconds):
        frames = int(round(seconds * fps))
        source = SHOT_SOURCES[i % len(SHOT_SOURCES)].format(size=size, fps=fps)
        inputs += ["-f", "lavfi", "-i", f"{source},trim=end_frame={frames},setpts=PTS-STARTPTS"]
        labels.append(f"[{i}:v]")
        starts.append(frame)
        frame += frames
    graph = f"{''.join(labels)}concat=n={len(labels)}:v=1:a=0,format=yuv420p[v]"
    audio_args: list[str] = []
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency=330:duration={frame / fps}"]
        audio_args = ["-map", f"{len(shot_seconds)}:a", "-c:a", "aac", "-b:a", "48k"]
    ffmpeg(*inputs, "-filter_complex", graph, "-map", "[v]", *_h264(), *audio_args, "-shortest", out)
    return starts


def single_shot_clip(out: Path, seconds: float = 4.0, fps: int = FPS, size: str = SIZE, audio: bool = True,
                     tone_hz: int = 440) -> Path:
    """One continuous shot with moving parts and changing counters (testsrc2) and a tone
    (another `tone_hz` makes other content)."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency={tone_hz}:duration={seconds}", "-c:a", "aac", "-b:a", "48k"]
    ffmpeg(*args, *_h264(), "-shortest", out)
    return out


def fade_clip(out: Path, fps: int = FPS) -> dict[str, int]:
    """Shot A fades out to black, holds black, shot B fades in (0.6 s ramps, 0.4 s black).

    Returns the frames where the fade-out starts, black starts, and the fade-in starts.
    """
    a_s, ramp_s, black_s, b_s = 2.0, 0.6, 0.4, 2.0
    graph = (
        f"[0:v]trim=end_frame={int(a_s * fps)},setpts=PTS-STARTPTS,fade=t=out:st={a_s - ramp_s}:d={ramp_s}[a];"
        f"[1:v]trim=end_frame={int(black_s * fps)},setpts=PTS-STARTPTS[k];"
        f"[2:v]trim=end_frame={int(b_s * fps)},setpts=PTS-STARTPTS,fade=t=in:st=0:d={ramp_s}[b];"
        "[a][k][b]concat=n=3:v=1:a=0,format=yuv420p[v]"
    )
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={SIZE}:rate={fps}",
           "-f", "lavfi", "-i", f"color=c=black:size={SIZE}:rate={fps}",
           "-f", "lavfi", "-i", SHOT_SOURCES[1].format(size=SIZE, fps=fps),
           "-filter_complex", graph, "-map", "[v]", *_h264(), out)
    return {"fade_out": int((a_s - ramp_s) * fps), "black": int(a_s * fps), "fade_in": int((a_s + black_s) * fps)}


def dissolve_clip(out: Path, fps: int = FPS, seconds: float = 1.0) -> tuple[int, int]:
    """Two different shots cross-dissolving over `seconds`; returns (first, last) frame of the mix."""
    offset = 2.0
    graph = (f"[0:v]trim=duration={offset + seconds},setpts=PTS-STARTPTS[a];"
             f"[1:v]trim=duration={seconds + 1.0},setpts=PTS-STARTPTS[b];"
             f"[a][b]xfade=transition=fade:duration={seconds}:offset={offset},format=yuv420p[v]")
    ffmpeg("-f", "lavfi", "-i", SHOT_SOURCES[1].format(size=SIZE, fps=fps),
           "-f", "lavfi", "-i", f"testsrc2=size={SIZE}:rate={fps}",
           "-filter_complex", graph, "-map", "[v]", *_h264(), out)
    return int(offset * fps), int((offset + seconds) * fps) - 1


def texture(out: Path, width: int = 1600, height: int = 360, seed: int = 1) -> Path:
    """A still, non-repeating, multi-scale texture: trackable everywhere, no aliasing."""
    rng = np.random.default_rng(seed)
    layers = [
        cv2.resize(rng.random((max(2, height // s), max(2, width // s), 3)).astype(np.float32), (width, height),
                   interpolation=cv2.INTER_CUBIC) * weight
        for s, weight in ((48, 0.45), (12, 0.35), (3, 0.2))
    ]
    cv2.imwrite(str(out), np.clip(sum(layers) * 255, 0, 255).astype(np.uint8))
    return out


def pan_clip(out: Path, speed_px_s: float, seconds: float = 3.0, fps: int = FPS) -> Path:
    """A 320x240 window moving right across a still texture at `speed_px_s` (0 = locked-off camera)."""
    tex = texture(out.with_suffix(".png"))
    x = f"t*{speed_px_s}" if speed_px_s else "200"
    ffmpeg("-loop", "1", "-framerate", str(fps), "-i", tex, "-t", str(seconds),
           "-vf", f"crop=320:240:x='{x}':y=60", *_h264(), out)
    return out


def zoom_clip(out: Path, seconds: float = 3.0, fps: int = FPS, rate: float = 0.1) -> Path:
    """Punching in on a still texture: the picture grows by `rate` (10 %) each second."""
    tex = texture(out.with_suffix(".png"), 1280, 960)
    ffmpeg("-loop", "1", "-framerate", str(fps), "-i", tex, "-t", str(seconds),
           "-vf", f"zoompan=z='1+{rate}*in/{fps}':d=1:x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':s=320x240:fps={fps}",
           *_h264(), out)
    return out


def _presenter_frame(t: float, background: np.ndarray) -> np.ndarray:
    """A drawn presenter at time `t`: head and shoulders swaying slowly, the mouth moving, in
    front of a fixed textured wall (a talk-to-camera framing that never changes)."""
    frame = background.copy()
    x = int(round(160 + 24 * np.sin(2 * np.pi * t / 3.0)))  # sways 24 px either side every 3 s
    y = int(round(104 + 6 * np.sin(2 * np.pi * t / 2.2)))
    cv2.ellipse(frame, (x, 236), (88, 56), 0, 180, 360, (70, 60, 150), -1)  # shoulders
    cv2.ellipse(frame, (x, y), (40, 52), 0, 0, 360, (120, 160, 215), -1)  # face
    cv2.ellipse(frame, (x, y - 44), (42, 22), 0, 180, 360, (40, 40, 60), -1)  # hair
    for eye in (-15, 15):
        cv2.circle(frame, (x + eye, y - 10), 5, (40, 40, 40), -1)
    mouth = 3 + int(round(8 * abs(np.sin(2 * np.pi * t * 2.5))))  # speaking
    cv2.ellipse(frame, (x, y + 24), (14, mouth), 0, 0, 360, (50, 40, 120), -1)
    return frame


def presenter_clip(out: Path, seconds: float = 6.0, removed: tuple[float, float] | None = None,
                   fps: int = FPS) -> int | None:
    """A continuous take of a drawn presenter; with `removed=(start_s, end_s)` that stretch is
    cut out, making a jump cut. Returns the jump cut's first frame in the new file (or None)."""
    background = cv2.imread(str(texture(out.with_suffix(".png"), 320, 240, seed=3)))
    background = cv2.addWeighted(background, 0.5, np.full_like(background, 128), 0.5, 0)  # a quieter wall
    frames = range(int(round(seconds * fps)))
    if removed is not None:
        first, last = int(round(removed[0] * fps)), int(round(removed[1] * fps))
        frames = [f for f in frames if not first <= f < last]
    raw = b"".join(_presenter_frame(f / fps, background).tobytes() for f in frames)
    done = subprocess.run(
        [FFMPEG, "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", SIZE,
         "-r", str(fps), "-i", "pipe:0", *_h264("-crf", "18"), str(out)],
        input=raw, capture_output=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr.decode(errors='replace')[-500:]}")
    return None if removed is None else int(round(removed[0] * fps))


def late_audio_clip(out: Path, seconds: float = 3.0, delay_s: float = 0.5) -> Path:
    """Picture from 0 s, a tone that only starts at `delay_s` (as when audio is muxed late)."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={SIZE}:rate={FPS}:duration={seconds}",
           "-itsoffset", str(delay_s), "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds - delay_s}",
           "-map", "0:v", "-map", "1:a", *_h264(), "-c:a", "aac", "-b:a", "48k", out)
    return out


def no_audio_clip(out: Path, seconds: float = 2.0) -> Path:
    return single_shot_clip(out, seconds=seconds, audio=False)


def audio_only_m4a(out: Path, seconds: float = 2.0) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac", "-b:a", "48k", out)
    return out


def single_frame_clip(out: Path) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={SIZE}:rate={FPS}", "-frames:v", "1", *_h264(), out)
    return out


def rotated_phone_clip(out: Path, seconds: float = 1.0) -> Path:
    """A portrait picture stored sideways (landscape 320x240) with a display matrix to turn it
    upright, as phones record. Upright, the top third is white and the rest dark grey."""
    upright = (
        f"color=c=0x202020:size=240x320:rate={FPS}:duration={seconds},"
        "drawbox=x=0:y=0:w=240:h=107:color=white:t=fill"
    )
    stored = out.with_name(out.stem + "_stored.mp4")
    ffmpeg("-f", "lavfi", "-i", upright, "-vf", "transpose=clock", *_h264(), stored)
    # The display matrix rotates counter-clockwise by 90 degrees, undoing transpose=clock.
    ffmpeg("-display_rotation:v:0", "90", "-i", stored, "-c", "copy", out)
    stored.unlink()
    return out


def uhd_clip(out: Path) -> Path:
    """3840x2160, one second, at a tiny bitrate."""
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=3840x2160:rate=24:duration=1",
           *_h264("-b:v", "300k"), out)
    return out


def vfr_clip(out: Path) -> Path:
    """Variable frame rate: 30 frames at 30 fps, then 30 frames at 10 fps (timestamps kept)."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={SIZE}:rate=30:duration=2",
           "-vf", "setpts='if(lt(N,30),N/30,1+(N-30)/10)/TB'", "-fps_mode", "passthrough",
           *_h264(), "-video_track_timescale", "90000", out)
    return out


def truncated_mp4(out: Path, faststart: bool = False, keep: float = 0.6) -> Path:
    """A normal clip cut short. Without faststart the index (moov) is lost; with it, the tail."""
    whole = out.with_name(out.stem + "_whole.mp4")
    single_shot_clip(whole, seconds=3.0)
    if faststart:
        ffmpeg("-i", whole, "-c", "copy", "-movflags", "+faststart", out.with_name(out.stem + "_fs.mp4"))
        whole.unlink()
        whole = out.with_name(out.stem + "_fs.mp4")
    data = whole.read_bytes()
    out.write_bytes(data[: int(len(data) * keep)])
    whole.unlink()
    return out


def text_as_mp4(out: Path) -> Path:
    out.write_text("These are my notes for the video, not a video.\n" * 40, encoding="utf-8")
    return out


def zero_byte(out: Path) -> Path:
    out.write_bytes(b"")
    return out


# --- files that lie about their type or length (tests/security) ---------------------------


def tiny_clip(out: Path, seconds: float, audio: bool = True, size: str = "32x24") -> Path:
    """A long-but-tiny video (32x24 by default): minutes of it are a few hundred kB."""
    return single_shot_clip(out, seconds=seconds, size=size, audio=audio)


def streamed_mkv(out: Path, seconds: float, audio: bool = True) -> Path:
    """A tiny Matroska written as a stream (to a pipe): its header states no duration, as with
    browser (MediaRecorder) WebM files."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size=32x24:rate={FPS}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac", "-b:a", "16k"]
    done = subprocess.run([FFMPEG, "-nostdin", "-v", "error", *args, *_h264(), "-f", "matroska", "-"],
                          capture_output=True, check=True)
    out.write_bytes(done.stdout)
    return out


def mkv_claiming(out: Path, seconds: float, claimed_s: float, audio: bool = True) -> Path:
    """A tiny Matroska of `seconds` whose header says it lasts `claimed_s` (its Duration element
    rewritten): every frame and sample is real, only the stated length lies."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=32x24:rate={FPS}:duration={seconds}",
           *(["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac", "-b:a", "16k"]
             if audio else []), *_h264(), "-f", "matroska", out)
    data = bytearray(out.read_bytes())
    at = data.find(b"\x44\x89\x88")  # EBML Duration, an 8-byte float in timestamp-scale units (ms)
    if at < 0:
        raise RuntimeError("no 8-byte Duration element in the Matroska header")
    data[at + 3:at + 11] = np.array([claimed_s * 1000.0], dtype=">f8").tobytes()
    out.write_bytes(bytes(data))
    return out


def jpeg_still(out: Path) -> Path:
    """A JPEG photo, whatever `out` is named."""
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", "-f", "image2", "-c:v", "mjpeg", out)
    return out


def wav_tone(out: Path, seconds: float = 1.0) -> Path:
    """A WAV tone, whatever `out` is named."""
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-f", "wav", out)
    return out


def mkv_clip(out: Path, seconds: float = 1.0) -> Path:
    """A real Matroska video (no sound), whatever `out` is named."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=64x48:rate={FPS}:duration={seconds}", *_h264(), "-f", "matroska", out)
    return out
