"""A finish from start to end: plan it, render the one graph, review the output.

`plan_finish` reads the analysis (probe, shots, transcript, the user's cut list) and one
low-resolution look at the kept picture, and measures the kept sound; `render_finish` writes
the files the graph reads and runs ffmpeg once; `review_finish` measures the output. The
callers (the CLI, the job) hand in a source file and get files and a report back; nothing
here knows about the store or media storage.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from framepilot.errors import FramePilotError
from framepilot.finish import captions as caption_files
from framepilot.finish import loudness, stabilise
from framepilot.finish.graph import (
    GraphFiles,
    audio_chain,
    filter_graph,
    finish_command,
    video_select,
)
from framepilot.finish.look import Look, look
from framepilot.finish.plan import (
    CropKey,
    CropPath,
    FinishPlan,
    Segment,
    SourceInfo,
    StabilisePlan,
)
from framepilot.finish.presets import preset as preset_named
from framepilot.finish.reframe import PUNCH_IN, crop_commands, plan_crop, window_size
from framepilot.finish.report import FinishReport, finish_report
from framepilot.models import CameraMovement, CutList, Shot, Transcript, VideoProbe
from framepilot.models.finish import FinishOptions, Stabilise

Progress = Callable[[float], None]


class FinishError(FramePilotError, RuntimeError):
    """A finish that cannot be made; the message says why, for the user."""

    user_facing = True


class FinishedFiles(BaseModel):
    video: str
    srt: str | None = None
    vtt: str | None = None
    render_seconds: float = 0.0


def _segments(cut_list: CutList | None, probe: VideoProbe, trim: bool) -> list[Segment]:
    fps = cut_list.fps if cut_list else probe.fps
    if cut_list is not None and trim:
        ranges = [(r.start_frame, r.end_frame) for r in cut_list.kept_ranges()]
    else:
        frames = cut_list.frame_count if cut_list else probe.frame_count
        ranges = [(0, frames)]
    segments, position = [], 0.0
    for a, b in ranges:
        segments.append(Segment(start_frame=a, end_frame=b, src_start_s=round(a / fps, 6), src_end_s=round(b / fps, 6),
                                out_start_s=round(position, 6)))
        position += (b - a) / fps
    return segments


def _spans(segments: list[Segment], fps: float) -> list[tuple[int, int]]:
    spans = []
    for seg in segments:
        first = round(seg.out_start_s * fps)
        spans.append((first, first + (seg.end_frame - seg.start_frame) - 1))
    return spans


def _punch_ins(segments: list[Segment], jump_joins: list[float]) -> list[Segment]:
    """Alternate the framing at every join that reads as a jump: in, then back out."""
    zoomed = False
    out = [segments[0]]
    for seg in segments[1:]:
        if any(abs(seg.out_start_s - t) < 1e-3 for t in jump_joins):
            zoomed = not zoomed
        out.append(seg.model_copy(update={"punch_in": PUNCH_IN if zoomed else 1.0}))
    return out


def _subject_x(shots: list[Shot]) -> float | None:
    xs = [s.composition.subject_x for s in shots if s.composition.subject_x is not None]
    return sum(xs) / len(xs) if xs else None


def plan_finish(source: Path, probe: VideoProbe, cut_list: CutList | None, transcript: Transcript | None,
                shots: list[Shot], options: FinishOptions, work_dir: Path,
                progress: Progress | None = None) -> tuple[FinishPlan, Look]:
    """Everything the render will do, and the look at the kept picture it was decided from."""
    preset = preset_named(options.preset)
    demuxer = probe.demuxer or "mov"
    fps = cut_list.fps if cut_list else probe.fps
    segments = _segments(cut_list, probe, options.trim)
    if not segments:
        raise FinishError("Every frame is cut; switch a cut off to keep something.")
    frame_count = cut_list.frame_count if cut_list else probe.frame_count
    src = SourceInfo(width=probe.display_width, height=probe.display_height, fps=fps, duration_s=frame_count / fps,
                     frame_count=frame_count, has_audio=probe.has_audio, demuxer=demuxer)
    out_w, out_h = preset.frame(src.width, src.height)
    notes: list[str] = []
    plan = FinishPlan(options=options, preset=preset, source=src, output_width=out_w, output_height=out_h,
                      segments=segments, caption_style=options.caption_style, denoise=options.denoise)
    plan.notes = notes
    select = video_select(plan)
    total = sum(s.end_frame - s.start_frame for s in segments)
    before = look(source, demuxer, fps, src.width, src.height, select_filter=select, spans=_spans(segments, fps),
                  progress=progress, expected_frames=total)

    # Punch-ins where a join reads as a jump; reframe (or a still window for punch-ins alone).
    plan.joins_with_jump = before.jumps_at(plan.joins)
    if options.punch_ins and plan.joins_with_jump:
        plan.segments = _punch_ins(plan.segments, plan.joins_with_jump)
        notes.append(f"{len(plan.joins_with_jump)} of {len(plan.joins)} joins read as a jump: the framing "
                     f"alternates with a {PUNCH_IN:g}x punch-in there.")
    win_w, win_h = window_size(src.width, src.height, out_w, out_h)
    needs_crop = (win_w, win_h) != (src.width // 2 * 2, src.height // 2 * 2)
    if options.reframe and (needs_crop or any(s.zoom > 1 for s in plan.segments)):
        plan.crop, plan.segments, said = plan_crop(before, plan.segments, src.width, src.height, out_w, out_h,
                                                   _subject_x(shots))
        notes += said
    elif needs_crop or any(s.zoom > 1 for s in plan.segments):
        plan.crop = CropPath(width=win_w, height=win_h, follows="centre", max_speed_px_s=0.0,
                             keys=[CropKey(t=0.0, cx=src.width / 2, cy=src.height / 2),
                                   CropKey(t=plan.duration_s, cx=src.width / 2, cy=src.height / 2)])
        notes.append("Reframe is off: the crop is the centre of the picture.")
    visible_w = (plan.crop.width / max(s.zoom for s in plan.segments)) if plan.crop else src.width
    plan.upscale = round(out_w / visible_w, 3)
    if plan.upscale > 1.01:
        if not options.allow_upscale:
            raise FinishError(f"The source ({src.width}x{src.height}) is smaller than the {preset.name.value} preset "
                              f"({out_w}x{out_h}) needs; allow upscaling or pick a smaller preset.")
        notes.append(f"The source is smaller than the preset: the picture is enlarged {plan.upscale:.1f}x and will "
                     "look softer than the frame size suggests.")

    # Stabilisation when the picture shakes (the shot reading or the look says hand-held).
    handheld = any(s.movement == CameraMovement.HANDHELD for s in shots) or before.shake >= stabilise.SHAKE_THRESHOLD
    if options.stabilise == Stabilise.ON or (options.stabilise == Stabilise.AUTO and handheld):
        plan.stabilise = StabilisePlan(reason="asked for" if options.stabilise == Stabilise.ON else
                                       f"the camera shakes (residual shake {before.shake:.1f} px)",
                                       shake_before=before.shake)

    # Sound: mono and silence are said; loudness is measured on the kept sound.
    if not src.has_audio:
        notes.append("The source has no sound: the finish is silent.")
    elif options.loudness:
        plan.loudness = loudness.measure(source, demuxer, audio_chain(plan, plan.denoise), preset,
                                         channels=probe_channels(source))
        if not plan.loudness.applicable:
            notes.append("The sound is silent, so its loudness is left alone.")
        if plan.loudness.channels == 1:
            notes.append("The sound is mono: it is sent to both channels.")

    # Captions of the finished timeline.
    if options.captions:
        plan.captions, said = caption_files.plan_captions(transcript, plan.segments, src.duration_s, preset,
                                                          out_w, out_h)
        notes += said
    return plan, before


def probe_channels(source: Path) -> int:
    import av

    try:
        with av.open(str(source)) as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            return int(stream.codec_context.channels) if stream is not None else 0
    except Exception:  # noqa: BLE001 - a count for a note; the render itself reports real errors
        return 2


def render_finish(plan: FinishPlan, source: Path, out_path: Path, work_dir: Path,
                  progress: Progress | None = None) -> FinishedFiles:
    """Run the one ffmpeg graph of `plan`; the MP4 is written atomically, SRT and VTT beside it."""
    out_path, work_dir = Path(out_path), Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    demuxer = plan.source.demuxer or "mov"
    files = GraphFiles()
    if plan.crop is not None:
        commands = work_dir / "crop.cmd"
        commands.write_text(crop_commands(plan.crop, plan.segments, plan.source.fps, plan.source.width,
                                          plan.source.height))
        files = GraphFiles(crop_commands=commands)
    srt = vtt = None
    if plan.captions:
        ass = work_dir / "captions.ass"
        ass.write_text(caption_files.ass_document(plan.captions, plan.caption_style, plan.preset,
                                                  plan.output_width, plan.output_height), encoding="utf-8")
        files = GraphFiles(crop_commands=files.crop_commands, captions_ass=ass)
        srt = out_path.with_suffix(".srt")
        vtt = out_path.with_suffix(".vtt")
        srt.write_text(caption_files.srt_document(plan.captions), encoding="utf-8")
        vtt.write_text(caption_files.vtt_document(plan.captions), encoding="utf-8")
    if plan.stabilise is not None:
        transforms = work_dir / "stabilise.trf"
        plan.stabilise = stabilise.detect(source, demuxer, video_select(plan), transforms, plan.stabilise,
                                          plan.source.width, plan.source.height)
        files = GraphFiles(crop_commands=files.crop_commands, captions_ass=files.captions_ass,
                           stabilise_transforms=transforms)
    graph_file = work_dir / "finish.ffgraph"
    graph_file.write_text(filter_graph(plan, files))
    tmp = out_path.with_name(f".{out_path.stem}.part.mp4")
    command = finish_command(plan, source, demuxer, graph_file, tmp)
    total_us = max(plan.duration_s, 1e-3) * 1e6
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("out_time_us=") and progress is not None:
                value = line.split("=", 1)[1].strip()
                if value.lstrip("-").isdigit():
                    progress(min(0.99, max(0.0, int(value) / total_us)))
        stderr = proc.stderr.read()
        if proc.wait() != 0:
            raise FinishError(f"The finish could not be rendered (ffmpeg: {stderr.strip()[-300:]}).")
        os.replace(tmp, out_path)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        tmp.unlink(missing_ok=True)
    if progress is not None:
        progress(1.0)
    return FinishedFiles(video=str(out_path), srt=str(srt) if srt else None, vtt=str(vtt) if vtt else None,
                         render_seconds=round(time.perf_counter() - started, 3))


def review_finish(plan: FinishPlan, output: Path, before: Look, *, render_seconds: float = 0.0,
                  language: str | None = None, transcriber: Callable[[Path], Transcript] | None = None,
                  progress: Progress | None = None) -> FinishReport:
    """Measure the finished file against the plan (see report.py)."""
    after = look(Path(output), "mov", plan.source.fps, plan.output_width, plan.output_height,
                 spans=_spans(plan.segments, plan.source.fps), progress=progress,
                 expected_frames=int(plan.duration_s * plan.source.fps))
    return finish_report(plan, Path(output), before, after, render_seconds=render_seconds, language=language,
                         transcriber=transcriber)
