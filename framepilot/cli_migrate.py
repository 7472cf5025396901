"""`framepilot migrate-store`: move an install that outgrew one machine from its SQLite
store (and, with `--storage`, its local media folder) to PostgreSQL (and S3)."""

from __future__ import annotations

import argparse
import sys


def cmd_migrate_store(args: argparse.Namespace) -> int:
    from framepilot.settings import get_settings
    from framepilot.store.move import MoveError, move_rows

    settings = get_settings()
    if not args.to.startswith(("postgresql://", "postgres://")):
        print("error: --to must be a postgresql:// URL", file=sys.stderr)
        return 2
    source = settings.db_path
    if not source.exists():
        print(f"error: no SQLite store at {source} (set FRAMEPILOT_DATA_DIR)", file=sys.stderr)
        return 2

    def progress(table: str, done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r  {table}: {done:,}/{total:,} rows", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)

    try:
        reports = move_rows(source, args.to, progress)
    except MoveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for report in reports:
        print(f"{report.table:22} {report.source_rows:>10,} rows  {report.copied_now:>10,} copied now  verified")
    print("Rows moved and verified. Point FRAMEPILOT_DATABASE_URL at the new store, with the same "
          "FRAMEPILOT_SECRET_KEY.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    move = sub.add_parser("migrate-store", help="move this install's store to PostgreSQL (safe to re-run)")
    move.add_argument("--to", required=True, help="postgresql://user:password@host/db")
    move.set_defaults(func=cmd_migrate_store)
