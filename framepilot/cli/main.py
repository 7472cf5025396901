"""The `framepilot` command line: users, keygen, keys, run, worker, analyze, finish, jobs, migrate-store, api, tokens and remote."""

from __future__ import annotations

import argparse
import getpass
import sys

from framepilot.errors import FramePilotError
from framepilot.settings import SettingsError, get_settings


def _db():
    from framepilot.store import open_database

    return open_database(get_settings())


def _read_password(prompt: str = "Password: ") -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Repeat password: ") != first:
            raise SystemExit("Passwords do not match.")
        return first
    return sys.stdin.readline().rstrip("\n")


def _user_change(args: argparse.Namespace) -> str:
    """Run one account change and say what was done; AccountError reaches `main`."""
    from framepilot.services import accounts

    db = _db()
    if args.users_cmd == "add":
        user = accounts.add_user(db, args.email, _read_password(), is_admin=args.admin)
        return f"Added user {user.email} (id {user.id}{', admin' if user.is_admin else ''})."
    if args.users_cmd == "passwd":
        user = accounts.change_password(db, args.email, _read_password("New password: "))
        return f"Changed the password of {user.email}; every session of the account is signed out and its API tokens are revoked."
    if args.users_cmd == "disable":
        user = accounts.set_disabled(db, args.email, True)
        return f"Disabled {user.email}; every session of the account is signed out and its API tokens are revoked."
    if args.users_cmd == "enable":
        return f"Enabled {accounts.set_disabled(db, args.email, False).email}."
    user = accounts.set_admin(db, args.email, args.grant)
    return f"{user.email} is {'now' if user.is_admin else 'no longer'} an admin."


def cmd_users(args: argparse.Namespace) -> int:
    from framepilot.models import User
    from framepilot.store import repository as repo

    if args.users_cmd == "quota":
        return _quota(args)
    if args.users_cmd == "list":
        admin = User(id=0, email="cli", is_admin=True)
        for user in repo.list_users(_db(), admin):
            flags = [f for f, on in (("admin", user.is_admin), ("disabled", user.disabled)) if on]
            print(f"{user.id}\t{user.email}\t{','.join(flags)}")
        return 0
    print(_user_change(args))
    return 0


def _quota(args: argparse.Namespace) -> int:
    """Show an account's limits, after applying any given (a number, or `default`)."""
    from framepilot.services import quotas
    from framepilot.store import repository as repo

    db, settings = _db(), get_settings()
    try:
        user = repo.find_user(db, args.email)
    except repo.NotFound:
        print(f"error: no account {args.email}", file=sys.stderr)
        return 1
    changes = {name: (None if value == "default" else int(value))
               for name in quotas.LABELS if (value := getattr(args, name)) is not None}
    if changes:
        try:
            quotas.set_limits(db, user, **changes)
        except ValueError as exc:  # pydantic's: a requests limit of 0, say
            print(f"error: {exc.errors()[0]['loc'][0]} {exc.errors()[0]['msg']}" if hasattr(exc, "errors")
                  else f"error: {exc}", file=sys.stderr)
            return 1
    for _, label, used, limit, own in quotas.overview(db, settings, user):
        print(f"{label}\t{'-' if used is None else used}\tof {limit}\t{'set for this account' if own else 'default'}")
    return 0


def _limit(text: str) -> str:
    if text != "default" and not (text.isdigit()):
        raise argparse.ArgumentTypeError("a whole number, or 'default'")
    return text


def cmd_keygen(_args: argparse.Namespace) -> int:
    from framepilot.core.crypto import generate_key

    print(generate_key())
    return 0


def cmd_keys(_args: argparse.Namespace) -> int:
    from framepilot.cli.launcher import acquire_run_lock
    from framepilot.services.key_rotation import rotate_keys

    settings = get_settings()
    lock = acquire_run_lock(settings.data_dir)  # `make run` cannot start meanwhile (AlreadyRunning)
    try:
        report = rotate_keys(settings, progress=lambda line: print(line, file=sys.stderr))
    finally:
        lock.close()
    print(f"Re-encrypted {report.rewritten} values; {report.current} are now under the new key.")
    if report.unreadable:
        print(f"{report.unreadable} values could not be read with any key (they were unreadable before).")
    if report.key_file is not None:
        print(f"The old key is removed from {report.key_file}. Replace the copy of it in your backups.")
    else:
        print("Remove the old key(s) from FRAMEPILOT_SECRET_KEY, keeping only the first, and restart.")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from framepilot.cli.launcher import run

    return run(get_settings(), port=args.port)


def cmd_worker(_args: argparse.Namespace) -> int:
    from jobs.worker import run_worker

    return run_worker(get_settings())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framepilot", description="An AI video director.")
    sub = parser.add_subparsers(dest="command", required=True)

    users = sub.add_parser("users", help="manage local accounts")
    users_sub = users.add_subparsers(dest="users_cmd", required=True)
    add = users_sub.add_parser("add", help="add an account; password from a prompt or stdin")
    add.add_argument("email")
    add.add_argument("--admin", action="store_true", help="may see everyone's costs")
    users_sub.add_parser("list", help="list accounts")
    users_sub.add_parser("passwd", help="set a new password (prompt or stdin); ends the account's sessions"
                         ).add_argument("email")
    users_sub.add_parser("disable", help="refuse sign-in and end the account's sessions").add_argument("email")
    users_sub.add_parser("enable", help="allow sign-in again").add_argument("email")
    admin = users_sub.add_parser("admin", help="grant or remove admin (may see everyone's costs)")
    admin.add_argument("email")
    grant = admin.add_mutually_exclusive_group(required=True)
    grant.add_argument("--grant", action="store_true", dest="grant")
    grant.add_argument("--revoke", action="store_false", dest="grant")
    quota = users_sub.add_parser("quota", help="show an account's limits and what it uses; set them with the "
                                 "options (a number, or 'default' for the server's)")
    quota.add_argument("email")
    for flag in ("requests-per-minute", "stored-mb", "videos", "queued-jobs", "tokens"):
        quota.add_argument(f"--{flag}", type=_limit, default=None, metavar="N|default")
    users.set_defaults(func=cmd_users)

    sub.add_parser("keygen", help="print a new FRAMEPILOT_SECRET_KEY").set_defaults(func=cmd_keygen)
    keys = sub.add_parser("keys", help="manage the encryption key")
    keys_sub = keys.add_subparsers(dest="keys_cmd", required=True)
    keys_sub.add_parser("rotate", help="re-encrypt everything with a new key (stop the app and workers first)")
    keys.set_defaults(func=cmd_keys)

    run = sub.add_parser("run", help="start the web app and the worker together")
    run.add_argument("--port", type=int, default=None)
    run.set_defaults(func=cmd_run, service=True)

    sub.add_parser("worker", help="run the job worker").set_defaults(func=cmd_worker, service=True)

    _add_later_commands(sub)
    parser.add_argument("--log-json", action="store_true", help=LOG_JSON_HELP)
    _add_to_every_command(parser, "--log-json", action="store_true", default=argparse.SUPPRESS,
                          help=LOG_JSON_HELP)
    return parser


LOG_JSON_HELP = "log JSON lines on stderr even at a terminal (no progress bar)"


def _add_to_every_command(parser: argparse.ArgumentParser, *flags: str, **options: object) -> None:
    """Accept an option after any (sub)command too, not only before the first one."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                child.add_argument(*flags, **options)
                _add_to_every_command(child, *flags, **options)


def _add_later_commands(sub: argparse._SubParsersAction) -> None:
    """Commands that live in their own modules (analysis, jobs, the API and its client). A broken
    import here is a bug to see, not a command to hide: nothing is swallowed."""
    from framepilot.cli.analyze import register as register_analyze
    from framepilot.cli.api_commands import register as register_api
    from framepilot.cli.audit import register as register_audit
    from framepilot.cli.finish import register as register_finish
    from framepilot.cli.migrate import register as register_migrate
    from framepilot.cli.remote import register as register_remote
    from jobs.cli import register as register_jobs

    for register in (register_analyze, register_finish, register_migrate, register_audit, register_jobs,
                     register_api, register_remote):
        register(sub)


def main(argv: list[str] | None = None) -> int:
    from framepilot.core.private_files import restrict_new_files

    restrict_new_files()  # everything this process and its children write is owner-only
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        get_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from framepilot.cli.output import setup_output

    args.interactive = setup_output(get_settings(), log_json=args.log_json,
                                    service=getattr(args, "service", False))
    try:
        return args.func(args)
    except FramePilotError as exc:  # every command's refusals, said once: the words pages and the API use
        print(f"error: {exc.user_message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
