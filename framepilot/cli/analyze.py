"""`framepilot analyze VIDEO`: the whole pipeline, synchronously, with a readable summary."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from framepilot.cli.output import stage_progress
from framepilot.core.wording import plural
from framepilot.models import AnalysisResult, DirectorMode
from framepilot.models.languages import parse_language


def _modes(text: str) -> list[DirectorMode]:
    try:
        return [DirectorMode(m.strip()) for m in text.split(",") if m.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"modes are a comma-separated list of {', '.join(m.value for m in DirectorMode)}"
        ) from None


def _language(text: str) -> str | None:
    try:
        return parse_language(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="analyse a video now (no queue) and print a summary")
    p.add_argument("video", type=Path)
    p.add_argument("--modes", type=_modes, default=list(DirectorMode),
                   help="comma-separated director modes (default: all three)")
    p.add_argument("--voice", action="store_true", help="voice the rewritten script")
    p.add_argument("--json", type=Path, dest="json_out", help="write the full result as JSON")
    p.add_argument("--provider", choices=["local", "openai"], default=None)
    p.add_argument("--language", type=_language, default=None,
                   help="the spoken language: auto (default) or a Whisper code such as en or tr")
    p.add_argument("--user", default=None, help="account email (default: the demo account)")
    p.set_defaults(func=cmd_analyze)


def _mmss(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


def summarise(result: AnalysisResult) -> str:
    v = result.video
    lines = [
        f"Video: {v.duration_s:.1f} s, {v.display_width}x{v.display_height} @ {v.fps:.2f} fps"
        f"{' (VFR)' if v.is_vfr else ''}, audio: {'yes' if v.has_audio else 'no'}",
        f"Shots: {len(result.shots)}",
    ]
    for s in result.shots:
        issues = f"  issues: {', '.join(s.issues)}" if s.issues else ""
        lines.append(f"  #{s.index:<3} {_mmss(s.start_s)}-{_mmss(s.end_s)}  {s.scale or '?':<4}"
                     f" {s.movement.value:<9}{issues}")
    t = result.transcript
    if t.no_speech:
        lines.append(f"Transcript: {t.no_speech_reason}")
    else:
        fillers = sum(w.filler for w in t.words)
        heard = ", " + plural(fillers, "filler") if fillers else ""
        source = " (set)" if t.language_source == "set" else ""
        lines.append(f"Transcript: {t.language or '?'}{source}, "
                     f"{plural(len(t.segments), 'segment')}, {plural(len(t.words), 'word', thousands=True)}{heard}")
    if result.cuts:
        kept = sum(c.end_s - c.start_s for c in result.cuts if c.enabled)
        by_kind = ", ".join(f"{k} {n}" for k, n in sorted(Counter(c.kind.value for c in result.cuts).items()))
        lines.append(f"Edit: {len(result.cuts)} suggested cuts ({by_kind}) remove {kept:.1f} s of "
                     f"{v.duration_s:.1f} s")
    for mode, d in result.director.items():
        lines.append(f"Director [{mode}] ({d.provider}/{d.model}, {d.prompt_version}): {d.summary}")
        for note in d.notes[:8]:
            lines.append(f"  {_mmss(note.start_s)}-{_mmss(note.end_s)} [{note.category}] {note.note}")
        if len(d.notes) > 8:
            lines.append(f"  ... {plural(len(d.notes) - 8, 'more note')}")
        for i, line in enumerate(d.script[:5], 1):
            lines.append(f"  {i}. {line}")
    if result.voiceover:
        lines.append(f"Voiceover: {result.voiceover.preview_path}")
    known = [c.cost_usd for c in result.usage if c.cost_usd is not None]
    compute = sum(c.compute_seconds for c in result.usage)
    lines.append(f"Usage: {plural(len(result.usage), 'AI call')}, {compute:.1f} s of compute, "
                 f"cost ${sum(known):.4f}")
    lines.append("Timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items()))
    return "\n".join(lines)


def local_user(db, email: str | None):  # noqa: ANN001, ANN201 - Database -> User | None
    """The account a local command works for: `--user`, or the demo account (created, and its
    password shown once, the first time). None, said on stderr, when `--user` names no account."""
    from framepilot.services import accounts
    from framepilot.store import repository as repo

    if email is None:
        email = accounts.DEMO_EMAIL
        password = accounts.ensure_demo_account(db)
        if password:
            print(f"Created the demo account {email} / {password} (shown once).", file=sys.stderr)
    found = repo.user_credentials(db, email)
    if found is None:
        print(f"error: no account {email}; add it with `framepilot users add`", file=sys.stderr)
        return None
    return found[0]


def cmd_analyze(args: argparse.Namespace) -> int:
    from framepilot.services import analysis as service
    from framepilot.services.ingest import ingest_path
    from framepilot.settings import get_settings
    from framepilot.store import open_database
    from framepilot.store import repository as repo

    settings = get_settings()
    db = open_database(settings)
    if not args.video.is_file():
        print(f"error: {args.video.name}: no such file", file=sys.stderr)
        return 1
    user = local_user(db, args.user)
    if user is None:
        return 1

    with stage_progress(args.interactive, args.video.name) as progress:  # refusals: cli.main says them
        video = ingest_path(db, settings, user, args.video).video
        if args.language != video.language:
            repo.set_video_language(db, user, video.id, args.language)
        result = service.analyse_video(db, settings, user, video.id, modes=args.modes,
                                       voice=args.voice, provider=args.provider, progress=progress)
        if progress is not None:
            progress("done", 100)
    print(summarise(result))
    if args.json_out:
        service.write_json(result, args.json_out)
        print(f"Wrote {args.json_out}")
    return 0
