"""`framepilot api` (serve the HTTP API) and `framepilot tokens create|list|revoke`."""

from __future__ import annotations

import argparse
import sys

SHUTDOWN_GRACE_S = 5


def register(sub: argparse._SubParsersAction) -> None:
    api = sub.add_parser("api", help="serve the HTTP API (FRAMEPILOT_HOST:FRAMEPILOT_API_PORT)")
    api.add_argument("--port", type=int, default=None, help="default: FRAMEPILOT_API_PORT (8502)")
    api.set_defaults(func=cmd_api)

    tokens = sub.add_parser("tokens", help="personal API tokens of an account")
    tokens_sub = tokens.add_subparsers(dest="tokens_cmd", required=True)
    create = tokens_sub.add_parser("create", help="create a token and print it (shown once); asks for the "
                                   "account's password (prompt or stdin)")
    create.add_argument("--name", default="command line", help="what will use it, e.g. 'watch folder'")
    create.add_argument("--expires-days", type=int, default=None, help="days until it expires (default: never)")
    tokens_sub.add_parser("list", help="the account's tokens (never the tokens themselves)")
    revoke = tokens_sub.add_parser("revoke", help="revoke a token by its id; it stops working at once")
    revoke.add_argument("token_id")
    for parser in tokens_sub.choices.values():
        parser.add_argument("--user", required=True, help="account email")
    tokens.set_defaults(func=cmd_tokens)


def cmd_api(args: argparse.Namespace) -> int:
    import uvicorn

    from framepilot.api.app import create_app
    from framepilot.settings import get_settings

    settings = get_settings()
    port = args.port or settings.api_port
    print(f"  FramePilot API: http://{settings.host}:{port}/api/docs", file=sys.stderr, flush=True)
    uvicorn.run(create_app(settings), host=settings.host, port=port, log_level=settings.log_level.lower(),
                access_log=False, timeout_graceful_shutdown=SHUTDOWN_GRACE_S)
    return 0


def _when(value) -> str:  # noqa: ANN001 - datetime | None
    return f"{value:%Y-%m-%d %H:%M}" if value else "-"


def _account_password(email: str) -> str:
    """The account's password, asked again before a token is made (a prompt, or stdin's first line)."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"Password of {email}: ")
    return sys.stdin.readline().rstrip("\n")


def cmd_tokens(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from framepilot.auth import tokens
    from framepilot.settings import get_settings
    from framepilot.store import open_database
    from framepilot.store import repository as repo

    db = open_database(get_settings())
    found = repo.user_credentials(db, args.user)
    if found is None:
        print(f"error: no account {args.user}; add it with `framepilot users add`", file=sys.stderr)
        return 1
    user = found[0]
    if args.tokens_cmd == "create":
        from framepilot.services import accounts

        # AccountError, TokenError, QuotaExceeded: cli.main prints their user_message
        new = accounts.create_api_token(db, user, _account_password(args.user), args.name, args.expires_days,
                                        client="command line")
        expiry = f"expires {_when(new.token.expires_at)} UTC" if new.token.expires_at else "never expires"
        print(f"Created token {new.token.id} ({new.token.name}, {expiry}). It is shown once; "
              "send it as 'Authorization: Bearer <token>'.", file=sys.stderr)
        print(new.secret, flush=True)
        return 0
    if args.tokens_cmd == "revoke":
        try:
            token = tokens.revoke_token(db, user, args.token_id)
        except repo.NotFound:
            print(f"error: no token {args.token_id} for {args.user}", file=sys.stderr)
            return 1
        print(f"Revoked token {token.id} ({token.name}).")
        return 0
    now = datetime.now(timezone.utc)
    for token in tokens.list_tokens(db, user):
        print(f"{token.id}\t{token.hint}…\t{token.state(now):<7}\tcreated {_when(token.created_at)}\t"
              f"expires {_when(token.expires_at)}\tlast used {_when(token.last_used_at)}\t{token.name}")
    return 0
