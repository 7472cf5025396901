"""One watcher per API process for every live job stream (`GET /api/jobs/{id}/events`).

Each stream used to read its job from the store every 0.5 s, for as long as it was open:
500 open streams were about 800 queries a second (all a busy machine could do). Streams now
subscribe here:
- on SQLite one loop reads every watched job each tick, one query per watching user;
- on PostgreSQL a trigger NOTIFYs on every change to a job (migration 0009) and the watcher,
  LISTENing on one connection, reads only the jobs that changed, with a slow sweep in case a
  notification was lost to a reconnect.

The feed also holds what bounds a stream: a per-user cap on open streams, and a shared
re-check of the token they were opened with (one lookup per token per interval, not per stream).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from anyio import to_thread

from framepilot.auth.tokens import token_owner
from framepilot.core.logs import get_logger
from framepilot.models import Job, User
from framepilot.store import Database
from framepilot.store import repository as repo

CHANNEL = "framepilot_jobs"  # the trigger of migration 0009 (PostgreSQL) notifies here, with the job id
SWEEP_S = 15.0


class TooManyStreams(Exception):
    def __init__(self, per_user: int) -> None:
        super().__init__(f"You already follow {per_user} jobs live, the most one account may at once "
                         "(FRAMEPILOT_API_STREAMS_PER_USER). Close one, or poll GET /api/jobs/{id}.")


@dataclass(eq=False)
class Subscription:
    user: User
    job_id: str
    job: Job | None  # None once the job is gone (deleted with its video)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def next_change(self, timeout: float) -> None:
        """Return when the job changed, or after `timeout` seconds."""
        try:
            await asyncio.wait_for(self.changed.wait(), timeout)
        except TimeoutError:
            return
        self.changed.clear()


def _log():  # noqa: ANN202
    return get_logger(component="job_feed")


class JobFeed:
    """Subscriptions to jobs, fed by one loop per process (started with the first stream)."""

    def __init__(self, db: Database, per_user: int, recheck_s: float, poll_s: float = 0.5) -> None:
        self._db, self.per_user, self._recheck_s, self._poll_s = db, per_user, recheck_s, poll_s
        self._subs: dict[str, set[Subscription]] = defaultdict(set)  # job id -> its streams
        self._per_user: Counter[int] = Counter()
        self._dirty: set[str] = set()
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._tokens: dict[str, tuple[float, bool]] = {}  # token digest -> (checked at, live)
        self._stop = threading.Event()
        self.notified = db.dialect == "postgresql"

    # --- streams -------------------------------------------------------------------------

    def subscribe(self, user: User, job: Job) -> Subscription:
        """A new stream's subscription; TooManyStreams over the per-user cap. Pair with `unsubscribe`."""
        if self._per_user[user.id] >= self.per_user:
            raise TooManyStreams(self.per_user)
        self._start()
        sub = Subscription(user=user, job_id=job.id, job=job)
        self._per_user[user.id] += 1
        self._subs[job.id].add(sub)
        self._mark(job.id)  # a change between the route's first read and now is not missed
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        """Idempotent: called when the stream's generator ends and again when its response does."""
        streams = self._subs.get(sub.job_id)
        if streams is None or sub not in streams:
            return
        streams.discard(sub)
        if not streams:
            del self._subs[sub.job_id]
        self._per_user[sub.user.id] -= 1
        if self._per_user[sub.user.id] <= 0:
            del self._per_user[sub.user.id]

    def streams(self) -> int:
        return sum(len(s) for s in self._subs.values())

    async def token_is_live(self, secret: str) -> bool:
        """Whether the token a stream was opened with still works (revoked, expired, account
        disabled: not), looked up at most once per interval per token for all its streams."""
        digest = hashlib.sha256(secret.encode()).hexdigest()
        checked = self._tokens.get(digest)
        now = time.monotonic()
        if checked is None or now - checked[0] >= self._recheck_s:
            live = await to_thread.run_sync(token_owner, self._db, secret) is not None
            if len(self._tokens) > 10_000:
                self._tokens.clear()
            self._tokens[digest] = checked = (now, live)
        return checked[1]

    # --- the loop ------------------------------------------------------------------------

    def _start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = loop.create_task(self._run())
        if self.notified:
            threading.Thread(target=self._listen, args=(loop,), daemon=True, name="job-feed-listen").start()

    def _mark(self, job_id: str) -> None:
        self._dirty.add(job_id)
        if self._wake is not None:
            self._wake.set()

    def _mark_all(self) -> None:
        for job_id in list(self._subs):
            self._mark(job_id)

    async def _run(self) -> None:
        next_sweep = time.monotonic() + SWEEP_S
        while True:
            if self.notified:  # woken by a notification (or the sweep); a burst is read once
                try:
                    await asyncio.wait_for(self._wake.wait(), max(0.0, next_sweep - time.monotonic()))
                except TimeoutError:
                    pass
                await asyncio.sleep(self._poll_s / 5)
                self._wake.clear()
                if time.monotonic() >= next_sweep:
                    wanted, next_sweep = set(self._subs), time.monotonic() + SWEEP_S
                else:
                    wanted = self._dirty & set(self._subs)
            else:
                await asyncio.sleep(self._poll_s)
                wanted = set(self._subs)
            self._dirty.clear()
            if wanted:
                try:
                    await self._read(wanted)
                except Exception as exc:  # noqa: BLE001 - a store hiccup must not end every stream
                    _log().warning("job_feed.read_failed", error_type=type(exc).__name__)

    async def _read(self, job_ids: set[str]) -> None:
        """Read the jobs, one query per watching user (each read acts as that user)."""
        by_user: dict[int, tuple[User, set[str]]] = {}
        for job_id in job_ids:
            for sub in self._subs.get(job_id, ()):
                by_user.setdefault(sub.user.id, (sub.user, set()))[1].add(job_id)
        for user, ids in by_user.values():
            found = {j.id: j for j in await to_thread.run_sync(repo.get_jobs, self._db, user, sorted(ids))}
            for job_id in ids:
                for sub in list(self._subs.get(job_id, ())):
                    job = found.get(job_id)
                    if sub.user.id == user.id and job != sub.job:
                        sub.job = job
                        sub.changed.set()

    def _listen(self, loop: asyncio.AbstractEventLoop) -> None:
        """LISTEN for the jobs trigger (PostgreSQL) on a connection of its own, reconnecting
        after a drop; what changed meanwhile is read at once on reconnecting."""
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._db.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    loop.call_soon_threadsafe(self._mark_all)
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            loop.call_soon_threadsafe(self._mark, note.payload)
            except Exception as exc:  # noqa: BLE001 - the sweep covers the gap; try again shortly
                if loop.is_closed():
                    return
                _log().warning("job_feed.listen_failed", error_type=type(exc).__name__)
                self._stop.wait(2.0)

    def close(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
