"""`framepilot finish VIDEO --preset vertical --out OUT.mp4`: analyse a file and finish it in one go.

Like `analyze`, it runs here (no queue): the file is ingested for the demo account (or
`--user`), analysed, finished with the suggested cuts, and the finished MP4 is copied to
`--out` with its SRT and VTT beside it. The finish report is printed, and written as JSON
with `--json`. The exit code is 0 when the finish passes its own review, 2 when a check fails.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from framepilot.cli.output import stage_progress
from framepilot.models import (
    CaptionStyle,
    DirectorMode,
    FinishOptions,
    PresetName,
    Stabilise,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("finish", help="analyse a video and finish it for a platform (reframe, loudness, captions)")
    p.add_argument("video", type=Path)
    p.add_argument("--preset", choices=[p.value for p in PresetName], default=PresetName.VERTICAL.value)
    p.add_argument("--out", type=Path, required=True, help="where to write the finished MP4")
    p.add_argument("--json", type=Path, dest="json_out", help="write the finish report as JSON")
    add_switches(p)
    p.add_argument("--provider", choices=["local", "openai"], default=None)
    p.add_argument("--user", default=None, help="account email (default: the demo account)")
    p.set_defaults(func=cmd_finish)


def add_switches(p: argparse.ArgumentParser) -> None:
    """One flag per fix (shared with `remote finish`)."""
    from framepilot.finish.plan import SWITCHES

    for name in ("trim", "loudness", "reframe", "punch_ins", "captions"):
        flag = name.replace("_", "-")
        p.add_argument(f"--no-{flag}", dest=name, action="store_false", help=f"do not: {SWITCHES[name]}")
    p.add_argument("--denoise", action="store_true", help=SWITCHES["denoise"])
    p.add_argument("--stabilise", choices=[s.value for s in Stabilise], default=Stabilise.AUTO.value,
                   help=SWITCHES["stabilise"])
    p.add_argument("--caption-style", choices=[s.value for s in CaptionStyle], default=CaptionStyle.HIGHLIGHT.value,
                   help=SWITCHES["caption_style"])
    p.add_argument("--no-upscale", dest="allow_upscale", action="store_false", help="refuse a source smaller than "
                   "the preset instead of enlarging it")


def options_of(args: argparse.Namespace) -> FinishOptions:
    return FinishOptions(preset=PresetName(args.preset), trim=args.trim, loudness=args.loudness,
                         denoise=args.denoise, stabilise=Stabilise(args.stabilise), reframe=args.reframe,
                         punch_ins=args.punch_ins, captions=args.captions,
                         caption_style=CaptionStyle(args.caption_style), allow_upscale=args.allow_upscale)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def summarise(report) -> str:
    lines = [(f"Finished: {report.duration_before_s:.1f} s -> {report.duration_after_s:.1f} s "
             f"(render {report.render_seconds:.1f} s); review {'passed' if report.passed else 'FAILED'}")]
    for c in report.checks:
        verdict = {True: "ok", False: "FAIL", None: "--"}[c.passed]
        lines.append(f"  [{verdict:>4}] {c.name:<14} {_figure(c.before):>8} -> {_figure(c.after):<8} {c.target}")
        if c.detail:
            lines.append(f"         {c.detail}")
    lines += [f"  note: {n}" for n in report.notes]
    return "\n".join(lines)


def _copy(settings, key: str | None, target: Path) -> bool:
    from framepilot.media_storage import storage_for

    if key is None:
        return False
    storage = storage_for(settings)
    local = storage.local_path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    if local is not None:
        shutil.copyfile(local, target)
    else:
        storage.download_to(key, target)
    return True


def cmd_finish(args: argparse.Namespace) -> int:
    from framepilot.cli.analyze import local_user
    from framepilot.services import analysis as service
    from framepilot.services import edit as video_edit
    from framepilot.services import finish
    from framepilot.services.ingest import ingest_path
    from framepilot.settings import get_settings
    from framepilot.store import open_database

    settings = get_settings()
    db = open_database(settings)
    if not args.video.is_file():
        print(f"error: {args.video.name}: no such file", file=sys.stderr)
        return 1
    user = local_user(db, args.user)
    if user is None:
        return 1
    options = options_of(args)
    with stage_progress(args.interactive, args.video.name) as progress:  # refusals: cli.main says them
        video = ingest_path(db, settings, user, args.video).video
        service.analyse_video(db, settings, user, video.id, modes=[DirectorMode.SCENE_DIRECTOR],
                              provider=args.provider, progress=progress)
        cut_list = video_edit.load_cut_list(db, user, video.id) if options.trim else None
        made = finish.finish_video(db, settings, user, video.id, options, cut_list, provider=args.provider,
                                   progress=progress)
        if progress is not None:
            progress("done", 100)
    report = finish.read_report(settings, made)
    _copy(settings, made.video, args.out)
    written = [str(args.out)]
    for key, suffix in ((made.srt, ".srt"), (made.vtt, ".vtt")):
        if _copy(settings, key, args.out.with_suffix(suffix)):
            written.append(str(args.out.with_suffix(suffix)))
    print(summarise(report))
    if args.json_out:
        args.json_out.write_text(report.model_dump_json(indent=1))
        written.append(str(args.json_out))
    print("Wrote " + ", ".join(written))
    return 0 if report.passed else 2
