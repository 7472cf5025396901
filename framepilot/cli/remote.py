"""`framepilot remote submit|watch|fetch|cuts|render|finish`: use a FramePilot server over its HTTP
API (through `framepilot.client`), from any machine that can reach it."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from framepilot.cli.finish import add_switches

EXPORT_FORMATS = ("json", "srt", "vtt", "md")
TIMELINE_FORMATS = ("otio", "edl", "fcp7_xml", "fcpxml")
FETCH_FORMATS = (*EXPORT_FORMATS, *TIMELINE_FORMATS, "mp4")


def register(sub: argparse._SubParsersAction) -> None:
    remote = sub.add_parser("remote", help="use a FramePilot server through its HTTP API")
    remote_sub = remote.add_subparsers(dest="remote_cmd", required=True)

    p = remote_sub.add_parser("submit", help="upload a video and queue its analysis; prints the video and job ids")
    p.add_argument("video", type=Path)
    p.add_argument("--modes", default=None, help="comma-separated director modes (default: all three)")
    p.add_argument("--provider", choices=["local", "openai"], default=None)
    p.add_argument("--voice", action="store_true", help="also voice the rewritten script")
    p.add_argument("--wait", action="store_true", help="follow the job until it ends")
    p.set_defaults(func=cmd_submit)

    p = remote_sub.add_parser("watch", help="follow a job live until it ends (exit 0 when it completed)")
    p.add_argument("job_id")
    p.set_defaults(func=cmd_watch)

    p = remote_sub.add_parser("fetch", help="download a video's analysis or an export")
    p.add_argument("video_id")
    p.add_argument("--format", choices=FETCH_FORMATS, default="json",
                   help="json (the `analyze --json` document, default), srt, vtt, md (director notes), "
                        "an editor timeline of the edit (otio, edl, fcp7_xml, fcpxml) or mp4 (its rendered "
                        "preview)")
    p.add_argument("-o", "--output", type=Path, default=None, help="file to write (default: stdout)")
    p.set_defaults(func=cmd_fetch)

    p = remote_sub.add_parser("cuts", help="list a video's suggested cuts and what the edit keeps")
    p.add_argument("video_id")
    p.add_argument("--json", action="store_true", help="print the edit as JSON")
    p.set_defaults(func=cmd_cuts)

    p = remote_sub.add_parser("render", help="render the tightened preview of a video's edit; prints the job id")
    p.add_argument("video_id")
    p.add_argument("--cuts", default=None,
                   help="comma-separated cut ids to make, the others switched off (default: the edit as it stands)")
    p.add_argument("--wait", action="store_true", help="follow the job until it ends")
    p.add_argument("-o", "--output", type=Path, default=None, help="with --wait: download the MP4 here")
    p.set_defaults(func=cmd_render)

    p = remote_sub.add_parser("finish", help="upload (or name) a video, analyse and finish it through the API")
    p.add_argument("video", help="a video file to upload, or the id of an uploaded video")
    p.add_argument("--preset", choices=["vertical", "square", "portrait", "landscape"], default="vertical")
    p.add_argument("--out", type=Path, required=True, help="where to write the finished MP4")
    p.add_argument("--json", type=Path, dest="json_out", help="write the finish report as JSON")
    add_switches(p)
    p.set_defaults(func=cmd_finish)

    for parser in remote_sub.choices.values():
        parser.add_argument("--url", default=os.environ.get("FRAMEPILOT_API_URL", "http://127.0.0.1:8502"),
                            help="server address (default: FRAMEPILOT_API_URL or http://127.0.0.1:8502)")
        parser.add_argument("--token", default=os.environ.get("FRAMEPILOT_API_TOKEN"),
                            help="personal API token (default: FRAMEPILOT_API_TOKEN)")


def cmd_finish(args: argparse.Namespace) -> int:
    from framepilot.cli.finish import options_of
    from framepilot.client import ApiError

    options = options_of(args).model_dump(mode="json")

    def run(client) -> int:  # noqa: ANN001
        path = Path(args.video)
        if path.is_file():
            accepted = client.upload(path, modes=["scene_director"])
            video_id = accepted.video.id
            if _follow(client, accepted.job.id) != 0:
                return 1
        else:
            video_id = args.video
        submitted = client.finish(video_id, options)
        if _follow(client, submitted.job.id) != 0:
            return 1
        client.download_finish(video_id, args.out)
        report = client.finish_report(video_id)
        written = [str(args.out)]
        for fmt in ("srt", "vtt"):
            try:
                args.out.with_suffix(f".{fmt}").write_bytes(client.finish_captions(video_id, fmt))
                written.append(str(args.out.with_suffix(f".{fmt}")))
            except ApiError:  # no captions (no speech, or switched off)
                pass
        if args.json_out:
            args.json_out.write_text(json.dumps(report, indent=1))
            written.append(str(args.json_out))
        for check in report["checks"]:
            verdict = {True: "ok", False: "FAIL", None: "--"}[check["passed"]]
            print(f"[{verdict:>4}] {check['name']:<14} {check['before']} -> {check['after']}  {check['detail']}")
        print("Wrote " + ", ".join(written), file=sys.stderr)
        return 0 if all(c["passed"] is not False for c in report["checks"]) else 2

    return _run(args, run)


def _client(args: argparse.Namespace):  # noqa: ANN202 - FramePilotClient | None
    from framepilot.client import FramePilotClient

    if not args.token:
        print("error: give a token with --token or FRAMEPILOT_API_TOKEN "
              "(create one with `framepilot tokens create`)", file=sys.stderr)
        return None
    return FramePilotClient(args.url, args.token)


def _run(args: argparse.Namespace, action) -> int:  # noqa: ANN001 - (client) -> int
    import httpx

    from framepilot.client import ApiError

    client = _client(args)
    if client is None:
        return 2
    try:
        with client:
            return action(client)
    except (ApiError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except httpx.HTTPError as exc:
        print(f"error: cannot reach {args.url} ({type(exc).__name__})", file=sys.stderr)
    return 1


def _follow(client, job_id: str) -> int:  # noqa: ANN001
    def show(event) -> None:  # noqa: ANN001
        print(f"{event.progress:3d}% {event.status.value:<9} {event.stage or ''}", file=sys.stderr, flush=True)

    final = client.wait(job_id, on_event=show)
    if final.error:
        print(f"error: {final.error}", file=sys.stderr)
    return 0 if final.status.value == "completed" else 1


def cmd_submit(args: argparse.Namespace) -> int:
    if not args.video.is_file():
        print(f"error: {args.video.name}: no such file", file=sys.stderr)
        return 1
    modes = [m.strip() for m in args.modes.split(",") if m.strip()] if args.modes is not None else None

    def submit(client) -> int:  # noqa: ANN001
        accepted = client.upload(args.video, modes=modes, provider=args.provider, voice=args.voice)
        if accepted.duplicate:
            print(f"This file was uploaded before; using video {accepted.video.id}.", file=sys.stderr)
        print(f"{accepted.video.id}\t{accepted.job.id}", flush=True)
        return _follow(client, accepted.job.id) if args.wait else 0

    return _run(args, submit)


def cmd_watch(args: argparse.Namespace) -> int:
    return _run(args, lambda client: _follow(client, args.job_id))


def cmd_fetch(args: argparse.Namespace) -> int:
    def fetch(client) -> int:  # noqa: ANN001
        if args.format == "mp4":
            if args.output is None:
                print("error: give a file for the MP4 with -o", file=sys.stderr)
                return 2
            client.download_render(args.video_id, args.output)
            print(f"Wrote {args.output}", file=sys.stderr)
            return 0
        body = (client.timeline(args.video_id, args.format) if args.format in TIMELINE_FORMATS
                else client.export(args.video_id, args.format))
        if args.output is None:
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
        else:
            args.output.write_bytes(body)
            print(f"Wrote {args.output}", file=sys.stderr)
        return 0

    return _run(args, fetch)


def cmd_cuts(args: argparse.Namespace) -> int:
    def cuts(client) -> int:  # noqa: ANN001
        edit = client.cuts(args.video_id)
        if args.json:
            print(edit.model_dump_json(indent=2))
            return 0
        for cut in edit.cuts:
            print(f"{'on ' if cut.enabled else 'off'}  {cut.id:<18} {cut.start_s:8.2f} {cut.end_s:8.2f}  "
                  f"{cut.kind.value:<11} {cut.reason}")
        print(f"{edit.duration_s:.2f} s -> {edit.edited_duration_s:.2f} s with {sum(c.enabled for c in edit.cuts)} "
              f"of {len(edit.cuts)} cuts", file=sys.stderr)
        return 0

    return _run(args, cuts)


def cmd_render(args: argparse.Namespace) -> int:
    chosen = [c.strip() for c in args.cuts.split(",") if c.strip()] if args.cuts is not None else None

    def render(client) -> int:  # noqa: ANN001
        submitted = client.render(args.video_id, cuts=chosen)
        print(submitted.job.id, flush=True)
        if not args.wait:
            return 0
        code = _follow(client, submitted.job.id)
        if code == 0 and args.output is not None:
            client.download_render(args.video_id, args.output)
            print(f"Wrote {args.output}", file=sys.stderr)
        return code

    return _run(args, render)
