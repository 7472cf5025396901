"""`framepilot audit`: the audit log for the operator, newest first (ids and times only)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("audit", help="show the audit log: sign-ins, tokens, password and admin changes, "
                                          "disabled accounts, deleted videos")
    parser.add_argument("--limit", type=int, default=50, help="how many entries (newest first; at most 1000)")
    parser.add_argument("--user", metavar="EMAIL", help="only entries about this account")
    parser.add_argument("--before", type=int, metavar="ID", help="entries older than this id (to page back)")
    parser.add_argument("--json", action="store_true", help="one JSON object a line")
    parser.set_defaults(func=cmd_audit)


def cmd_audit(args: argparse.Namespace) -> int:
    from framepilot.services import audit
    from framepilot.settings import get_settings
    from framepilot.store import open_database
    from framepilot.store import repository as repo

    db = open_database(get_settings())
    subject = None
    if args.user:
        try:
            subject = repo.find_user(db, args.user).id
        except repo.NotFound:
            print("error: there is no account with that email", file=sys.stderr)
            return 1
    for entry in audit.read_log(db, None, limit=args.limit, before_id=args.before, subject_id=subject):
        if args.json:
            print(entry.model_dump_json())
            continue
        print(f"{entry.id}\t{entry.at:%Y-%m-%dT%H:%M:%SZ}\t{entry.event}\t{entry.outcome}"
              f"\tactor={entry.actor_id or '-'}\tsubject={entry.subject_id or '-'}\ttarget={entry.target or '-'}")
    return 0
