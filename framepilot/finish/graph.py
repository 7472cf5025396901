"""The one ffmpeg graph of a finish: one decode, one encode, every fix a filter in it.

Picture: select the kept frames and restamp them end to end; stabilise (vid.stab, from the
transforms its detect pass wrote); crop the window that follows the face (moved frame by
frame by `sendcmd`, resized for punch-ins); scale to the preset; burn the captions (libass);
H.264 High. Sound: the kept samples, faded over 10 ms either side of every join so cuts do
not click, optional noise reduction, the loudness gain and peak limiter, 48 kHz stereo AAC. The MP4 is
written with `+faststart` so it plays while it downloads. Nothing here decides anything: it
only spells out a FinishPlan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from framepilot.finish.loudness import SAMPLE_RATE, gain_filter
from framepilot.finish.plan import FinishPlan, Segment
from framepilot.finish.reframe import initial_window
from framepilot.pipeline.media_input import ffmpeg_input_args

FADE_S = 0.01
AUDIO_STEP_SAMPLES = 64
# x264's fastest preset with CABAC, 8x8 transforms and deblocking put back: High profile (plain
# ultrafast is Constrained Baseline) at 115 frames per CPU-second for 1080x1920, against 72 for
# superfast (measured on testsrc2), which is what lets a 60 s vertical finish fit in 0.5x on 2 cores.
X264_PRESET = "ultrafast"
X264_PARAMS = "cabac=1:8x8dct=1:no-deblock=0"
DENOISE = "afftdn=nr=12:nf=-40"


@dataclass(frozen=True)
class GraphFiles:
    """Files the graph reads, written beside the output by the caller."""

    crop_commands: Path | None = None
    captions_ass: Path | None = None
    stabilise_transforms: Path | None = None


def _escape_path(path: Path) -> str:
    """A path inside a filter argument: backslash, colon and quote escaped for the graph parser."""
    text = str(Path(path).resolve())
    for ch in ("\\", ":", "'", ",", ";", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return text


def frames_kept(segments: list[Segment]) -> str:
    return "+".join(f"between(n\\,{s.start_frame}\\,{s.end_frame - 1})" for s in segments)


def times_kept(segments: list[Segment], fps: float) -> str:
    return "+".join(f"between(t\\,{s.start_frame / fps:.6f}\\,{s.end_frame / fps:.6f})" for s in segments)


def declick(segments: list[Segment], fps: float) -> str:
    edges = [s.end_frame / fps for s in segments[:-1]] + [s.start_frame / fps for s in segments[1:]]
    gain = "1"
    for edge in edges:
        gain = f"min({gain}\\,clip(abs(t-{edge:.6f})/{FADE_S}\\,0\\,1))"
    return gain


def video_select(plan: FinishPlan) -> str:
    return f"select='{frames_kept(plan.segments)}',setpts=N/({plan.source.fps:.6f}*TB)"


def audio_chain(plan: FinishPlan, denoise: bool) -> str:
    """The kept sound, before loudness: the same chain for the measuring pass and the render."""
    chain = (f"asetnsamples=n={AUDIO_STEP_SAMPLES},volume='{declick(plan.segments, plan.source.fps)}':eval=frame,"
             f"aselect='{times_kept(plan.segments, plan.source.fps)}',asetpts=N/SR/TB")
    if denoise:
        chain += f",{DENOISE}"
    return chain


def filter_graph(plan: FinishPlan, files: GraphFiles) -> str:
    video = video_select(plan)
    if plan.stabilise is not None and files.stabilise_transforms is not None:
        video += (f",vidstabtransform=input='{_escape_path(files.stabilise_transforms)}'"
                  f":smoothing={plan.stabilise.smoothing}:optzoom=1:interpol=bilinear")
    if plan.crop is not None and files.crop_commands is not None:
        w, h, x, y = initial_window(plan.crop, plan.segments, plan.source.width, plan.source.height)
        video += f",sendcmd=f='{_escape_path(files.crop_commands)}',crop@frame=w={w}:h={h}:x={x}:y={y}:exact=1"
    video += f",scale={plan.output_width}:{plan.output_height}:flags=bicubic,setsar=1"
    if plan.captions and files.captions_ass is not None:
        from framepilot.finish.captions import font_dir

        video += f",ass='{_escape_path(files.captions_ass)}':fontsdir='{_escape_path(font_dir())}'"
    video += ",format=yuv420p"
    graph = f"[0:v:0]{video}[v]"
    if plan.source.has_audio:
        audio = audio_chain(plan, plan.denoise)
        if plan.loudness is not None and plan.loudness.applicable:
            audio += "," + gain_filter(plan.loudness)
        audio += f",aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
        graph += f";[0:a:0]{audio}[a]"
    return graph


def finish_command(plan: FinishPlan, source: Path, demuxer: str, graph_file: Path, out: Path,
                   threads: int = 0) -> list[str]:
    """The ffmpeg command line; the graph itself is read from `graph_file` (long edits, long graphs)."""
    kbps = plan.preset.video_kbps
    if plan.preset.width is None:  # landscape at the source size: the rate scales with the picture
        kbps = max(800, int(kbps * plan.output_width * plan.output_height / (1920 * 1080)))
    maps = ["-map", "[v]"]
    if plan.source.has_audio:
        maps += ["-map", "[a]", "-c:a", "aac", "-b:a", f"{plan.preset.audio_kbps}k", "-ar", str(SAMPLE_RATE)]
    return [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-y", *ffmpeg_input_args(source, demuxer),
            "-/filter_complex", str(graph_file), *maps, "-r", f"{plan.source.fps:.6f}",
            "-c:v", "libx264", "-profile:v", "high", "-preset", X264_PRESET, "-x264-params", X264_PARAMS, "-b:v", f"{kbps}k",
            "-maxrate", f"{int(kbps * 1.5)}k", "-bufsize", f"{kbps * 2}k", "-pix_fmt", "yuv420p",
            "-threads", str(threads), "-movflags", "+faststart", "-progress", "pipe:1", "-nostats", str(out)]
