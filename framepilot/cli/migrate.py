"""`framepilot migrate-store`: move an install that outgrew one machine from its SQLite
store (and, with `--storage`, its local media folder) to PostgreSQL (and S3).

Order: files first (verified), then media paths of old rows become storage keys in the
SQLite store (the old install reads keys as well), then rows. Every step is safe to re-run.
"""

from __future__ import annotations

import argparse
import sys

from framepilot.settings import Settings, SettingsError


def _move_files(settings: Settings, storage_url: str) -> str:
    """Copy the data folder's media into the storage at `storage_url`; the report line."""
    from framepilot.media_storage import open_storage
    from framepilot.media_storage.local import LocalStorage
    from framepilot.media_storage.move import move_files
    from framepilot.settings import load_settings

    target = open_storage(load_settings(storage_url=storage_url))

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r  files: {done:,}/{total:,}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    report = move_files(LocalStorage(settings.data_dir), target, progress)
    return (f"{'files':22} {report.files:>10,} files {report.copied_now:>10,} copied now  "
            f"{report.bytes / 1e6:,.1f} MB  sha256 verified")


def _paths_to_keys(settings: Settings) -> int:
    """Old rows' absolute media paths in the SQLite store become storage keys."""
    from pydantic import SecretStr

    from framepilot.services import media
    from framepilot.store import open_database
    from framepilot.store import repository as repo

    sqlite = settings.model_copy(update={"database_url": SecretStr(f"sqlite:///{settings.db_path}")})
    db = open_database(sqlite)
    try:
        return repo.rewrite_media_paths(db, lambda stored: media.key_for_old_path(settings, stored))
    finally:
        db.close()


def cmd_migrate_store(args: argparse.Namespace) -> int:
    from framepilot.media_storage import StorageError
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
        if args.storage:
            print(_move_files(settings, args.storage), flush=True)
        rewritten = _paths_to_keys(settings)
        reports = move_rows(source, args.to, progress)
    except SettingsError as exc:
        print(f"error: --storage: {exc}", file=sys.stderr)
        return 2
    except (MoveError, StorageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if rewritten:
        print(f"{rewritten:,} media paths of older rows now name storage keys")
    for report in reports:
        print(f"{report.table:22} {report.source_rows:>10,} rows  {report.copied_now:>10,} copied now  verified")
    print("Rows moved and verified. Point FRAMEPILOT_DATABASE_URL at the new store, with the same "
          "FRAMEPILOT_SECRET_KEY" + (f", and FRAMEPILOT_STORAGE_URL at {args.storage}." if args.storage else "."))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    move = sub.add_parser("migrate-store", help="move this install's store to PostgreSQL (safe to re-run)")
    move.add_argument("--to", required=True, help="postgresql://user:password@host/db")
    move.add_argument("--storage", default=None,
                      help="also copy every upload and artifact of the data folder here (s3://bucket/prefix)")
    move.set_defaults(func=cmd_migrate_store)
