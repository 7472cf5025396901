"""Sign-in attempts per minute an attacker gets, before and after the throttle.

Before: nothing limited sign-in, so an attacker got as many password checks as the
server could compute; measured as argon2 verifications per minute on 2 threads (each
Streamlit session runs in its own thread).

After: `accounts.sign_in` with the default limits (FRAMEPILOT_SIGNIN_ACCOUNT_LIMITS,
FRAMEPILOT_SIGNIN_CLIENT_LIMITS) on the SQLite store, simulated on a clock that moves
2 s per attempt (faster than anyone is allowed to guess): the attempts that reached the
password check are counted. Locked attempts never reach argon2.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from framepilot.auth.throttle import SignInThrottle
from framepilot.core.logs import configure_logging
from framepilot.services import accounts
from framepilot.settings import load_settings
from framepilot.store import open_database
from framepilot.store import repository as repo


def before(seconds: float = 6.0, threads: int = 2) -> float:
    """The old sign-in: one argon2 check per attempt, nothing else."""
    hasher = PasswordHasher()
    stored = hasher.hash("the real password of the victim")
    done = [0] * threads
    stop = time.monotonic() + seconds

    def guess(i: int) -> None:
        while time.monotonic() < stop:
            try:
                hasher.verify(stored, f"guess {done[i]}")
            except VerificationError:
                pass
            done[i] += 1

    workers = [threading.Thread(target=guess, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / seconds * 60


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def after(db, settings, minutes: int, step_s: float, email_for, client_for) -> tuple[int, int, float, float]:  # noqa: ANN001
    """(attempts, attempts that reached the password check, ms per locked attempt, ms per checked one)."""
    clock = Clock()
    throttle = SignInThrottle.for_settings(db, settings, clock=clock)
    attempts = int(minutes * 60 / step_s)
    checked, locked_ms, checked_ms = 0, [], []
    for i in range(attempts):
        started = time.perf_counter()
        result = accounts.sign_in(db, email_for(i), "not the password", client_for(i), throttle)
        (locked_ms if result.locked else checked_ms).append((time.perf_counter() - started) * 1000)
        checked += not result.locked
        clock.now += step_s
    return attempts, checked, statistics.median(locked_ms or [0]), statistics.median(checked_ms or [0])


def main() -> None:
    configure_logging("ERROR")  # one log line per attempt would be the slowest part
    print(f"before: {before():.0f} password checks per minute for one attacker (2 threads, no limit)")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data", log_level="ERROR")
        db = open_database(settings)
        accounts.add_user(db, "victim@example.com", "the real password of the victim")
        print(f"after, limits: account '{settings.signin_account_limits}', client '{settings.signin_client_limits}'")
        cases = [
            ("one account, one client, 1 hour", 60, lambda i: "victim@example.com", lambda i: "198.51.100.1"),
            ("one account, a new client every try, 1 hour", 60, lambda i: "victim@example.com", lambda i: f"c{i}"),
            ("a new account every try, one client, 1 hour", 60, lambda i: f"user{i}@example.com",
             lambda i: "198.51.100.2"),
            ("one account, a new client every try, 1 day (1 try a minute)", 24 * 60, lambda i: "victim@example.com",
             lambda i: f"d{i}"),
        ]
        for label, minutes, email_for, client_for in cases:
            step = 60.0 if minutes > 60 else 2.0
            attempts, checked, locked_ms, checked_ms = after(db, settings, minutes, step, email_for, client_for)
            print(f"after, {label}: {checked} of {attempts} attempts checked = {checked / minutes:.2f} per minute "
                  f"(locked attempt {locked_ms:.1f} ms, checked {checked_ms:.0f} ms median)")
            repo.rate_limit_clear(db)  # each case starts with no counters


if __name__ == "__main__":
    main()
