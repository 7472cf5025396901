"""`framepilot jobs ...`: submit a video to the queue, list, show, cancel and retry jobs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from framepilot.models import DirectorMode, Job, JobStatus, User


def _modes(text: str) -> list[DirectorMode]:
    try:
        return [DirectorMode(m.strip()) for m in text.split(",") if m.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"modes are a comma-separated list of {', '.join(m.value for m in DirectorMode)} (or empty)"
        ) from None


def register(sub: argparse._SubParsersAction) -> None:
    jobs = sub.add_parser("jobs", help="queue work for the worker and follow it")
    jobs_sub = jobs.add_subparsers(dest="jobs_cmd", required=True)

    p = jobs_sub.add_parser("submit", help="upload a video and queue its analysis; prints the job id")
    p.add_argument("video", type=Path)
    p.add_argument("--modes", type=_modes, default=list(DirectorMode),
                   help="comma-separated director modes (default: all three; '' for none)")
    p.add_argument("--provider", choices=["local", "openai"], default=None)
    p.add_argument("--voice", action="store_true", help="also voice the rewritten script")
    p.add_argument("--wait", action="store_true",
                   help="follow the job to its end; exit 1 with its error if it fails or is cancelled")
    p.set_defaults(func=cmd_submit)

    p = jobs_sub.add_parser("list", help="your jobs, newest first")
    p.add_argument("--limit", type=int, default=30)
    p.set_defaults(func=cmd_list)

    for name, help_text, func in (
        ("show", "one job in detail", "cmd_show"),
        ("cancel", "cancel a queued or running job", "cmd_cancel"),
        ("retry", "queue a failed or cancelled job again", "cmd_retry"),
    ):
        p = jobs_sub.add_parser(name, help=help_text)
        p.add_argument("job_id")
        p.set_defaults(func=globals()[func])

    for parser in jobs_sub.choices.values():
        parser.add_argument("--user", default=None, help="account email (default: the demo account)")


def _context(email: str | None):  # noqa: ANN202 - (settings, db, user) or an exit code
    from framepilot.services import accounts
    from framepilot.settings import get_settings
    from framepilot.store import open_database
    from framepilot.store import repository as repo

    settings = get_settings()
    db = open_database(settings)
    if email is None:
        password = accounts.ensure_demo_account(db)
        if password:
            print(f"Created the demo account {accounts.DEMO_EMAIL} / {password} (shown once).", file=sys.stderr)
    found = repo.user_credentials(db, email or accounts.DEMO_EMAIL)
    if found is None:
        print(f"error: no account {email}; add it with `framepilot users add`", file=sys.stderr)
        return None
    return settings, db, found[0]


def _row(job: Job) -> str:
    stage = job.stage or "-"
    return (f"{job.id}\t{job.type.value:<15}\t{job.status.value:<9}\t{job.progress:3d}%\t{stage:<10}\t"
            f"attempts={job.attempts}\t{job.created_at:%Y-%m-%d %H:%M:%S}")


def _describe(job: Job) -> str:
    lines = [
        f"id:        {job.id}",
        f"type:      {job.type.value}",
        f"status:    {job.status.value}{' (cancel requested)' if job.cancel_requested and not job.status.finished else ''}",
        f"progress:  {job.progress}%  stage: {job.stage or '-'}",
        f"video:     {job.video_id or '-'}",
        f"params:    {job.params.model_dump_json(exclude={'type'})}",
        f"attempts:  {job.attempts}",
        f"created:   {job.created_at}",
        f"started:   {job.started_at or '-'}",
        f"finished:  {job.finished_at or '-'}",
        f"heartbeat: {job.heartbeat_at or '-'}",
    ]
    if job.error:
        lines.append(f"error:     {job.error}")
    return "\n".join(lines)


# A job still queued after this long probably has no worker to run it.
NO_WORKER_HINT_AFTER_S = 10.0
POLL_S = 0.5


def _stage_text(job: Job, waited_s: float) -> str:
    if job.status.finished:
        return job.status.value
    if job.status == JobStatus.QUEUED:
        return "queued: is a worker running?" if waited_s > NO_WORKER_HINT_AFTER_S else "queued"
    return job.stage or job.status.value


def follow_job(db, user: User, job_id: str, interactive: bool) -> int:  # noqa: ANN001
    """Follow a job to its end: a progress bar at a terminal, `job.progress` JSON events
    otherwise. 0 when it completes; 1 when it fails or is cancelled, with its error on stderr."""
    from framepilot.cli.output import stage_progress
    from framepilot.core.logs import get_logger
    from framepilot.store import repository as repo

    log = get_logger(component="jobs_cli", job_id=job_id)
    started, last = time.monotonic(), None
    try:
        with stage_progress(interactive, f"job {job_id[:8]}") as update:
            while True:
                job = repo.get_job(db, user, job_id)
                shown = (job.status, job.stage, job.progress)
                if update is not None:
                    update(_stage_text(job, time.monotonic() - started), job.progress)
                elif shown != last:
                    log.info("job.progress", status=job.status.value, stage=job.stage, progress=job.progress)
                last = shown
                if job.status.finished:
                    break
                time.sleep(POLL_S)
    except KeyboardInterrupt:
        print(f"\nStopped following; the job goes on (`framepilot jobs show {job_id}`).", file=sys.stderr)
        return 130
    if job.status == JobStatus.COMPLETED:
        return 0
    print(f"error: job {job.status.value}: {job.error or 'no reason recorded'}", file=sys.stderr)
    return 1


def cmd_submit(args: argparse.Namespace) -> int:
    from framepilot.services.ingest import ingest_path
    from framepilot.services.jobs import submit_analysis

    ctx = _context(args.user)
    if ctx is None:
        return 1
    settings, db, user = ctx
    if not args.video.is_file():
        print(f"error: {args.video.name}: no such file", file=sys.stderr)
        return 1
    ingested = ingest_path(db, settings, user, args.video)  # refusals: framepilot.cli.main says them
    submission = submit_analysis(db, settings, user, ingested.video.id, modes=args.modes,
                                 provider=args.provider, voice=args.voice)
    if submission.reused:
        print(f"Reusing job {submission.job.id} ({submission.job.status.value}) for this video.", file=sys.stderr)
    print(submission.job.id, flush=True)
    return follow_job(db, user, submission.job.id, args.interactive) if args.wait else 0


def cmd_list(args: argparse.Namespace) -> int:
    from framepilot.store import repository as repo

    ctx = _context(args.user)
    if ctx is None:
        return 1
    _, db, user = ctx
    for job in repo.list_jobs(db, user, limit=args.limit):
        print(_row(job))
    return 0


def _one(args: argparse.Namespace, action) -> int:  # noqa: ANN001
    """Run `action` on one job and describe it; NotFound and the services' refusals are said by
    framepilot.cli.main, in the words the pages and the API use."""
    ctx = _context(args.user)
    if ctx is None:
        return 1
    settings, db, user = ctx
    print(_describe(action(settings, db, user, args.job_id)))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from framepilot.store import repository as repo

    return _one(args, lambda _s, db, user, job_id: repo.get_job(db, user, job_id))


def cmd_cancel(args: argparse.Namespace) -> int:
    from framepilot.services.jobs import cancel_job

    return _one(args, lambda _s, db, user, job_id: cancel_job(db, user, job_id))


def cmd_retry(args: argparse.Namespace) -> int:
    from framepilot.services.jobs import retry_job

    return _one(args, lambda settings, db, user, job_id: retry_job(db, settings, user, job_id))
