"""Jobs, user side (create, read, cancel, retry) and worker side (claim, progress, finish, reap).

Worker-side functions act for the system on a job id; the worker then loads the job's owner
and calls the user functions as that owner.
"""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import TypeAdapter, ValidationError

from framepilot.models import (
    Job,
    JobParams,
    JobStatus,
    JobType,
    User,
)
from framepilot.store.db import SYSTEM, Database, Row
from framepilot.store.repository._common import (
    NotFound,
    UnreadableRow,
    _now,
    _stamp,
    _ts,
    new_id,
)
from framepilot.store.repository.videos import _require_video

_PARAMS = TypeAdapter(JobParams)

# --- jobs -----------------------------------------------------------------------------


def _job_params(row: Row) -> JobParams:
    """The row's `params_json` as its job type's model. Rows from before the models (plain
    dicts, possibly `{}`) load with the defaults the worker used to apply."""
    job_type = JobType(row["type"])
    where = f"job {row['id']} ({job_type.value})"
    try:
        data = json.loads(row["params_json"] or "{}")
    except ValueError as exc:
        raise UnreadableRow(f"{where}: its stored parameters are not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise UnreadableRow(f"{where}: its stored parameters are not a JSON object")
    try:
        return _PARAMS.validate_python({**data, "type": job_type})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        raise UnreadableRow(f"{where}: its stored parameters do not fit this job type ({problems})") from exc


def _job(row: Row) -> Job:
    return Job(
        id=row["id"],
        user_id=row["user_id"],
        video_id=row["video_id"],
        params=_job_params(row),
        status=JobStatus(row["status"]),
        stage=row["stage"],
        progress=row["progress"],
        error=row["error"],
        attempts=row["attempts"],
        heartbeat_at=_ts(row["heartbeat_at"]),
        created_at=_ts(row["created_at"]),
        started_at=_ts(row["started_at"]),
        finished_at=_ts(row["finished_at"]),
        cancel_requested=bool(row["cancel_requested"]),
    )


def create_job(db: Database, user: User, video_id: str | None, params: JobParams) -> Job:
    """A queued job of the type `params` is for; the params are stored as JSON without their type."""
    job_id = new_id()
    with db.connect(user) as conn:
        if video_id is not None:
            _require_video(conn, user, video_id)
        conn.execute(
            "INSERT INTO jobs(id, user_id, video_id, type, status, params_json) VALUES (?, ?, ?, ?, 'queued', ?)",
            (job_id, user.id, video_id, params.type.value, params.model_dump_json(exclude={"type"})),
        )
    return get_job(db, user, job_id)


def get_job(db: Database, user: User, job_id: str) -> Job:
    with db.read(user) as conn:
        row = conn.execute("SELECT * FROM jobs WHERE id = ? AND user_id = ?", (job_id, user.id)).fetchone()
    if row is None:
        raise NotFound("job not found")
    return _job(row)


def list_jobs(
    db: Database, user: User, statuses: list[JobStatus] | None = None,
    video_id: str | None = None, limit: int = 100,
) -> list[Job]:
    sql, args = "SELECT * FROM jobs WHERE user_id = ?", [user.id]
    if statuses:
        sql += f" AND status IN ({','.join('?' * len(statuses))})"
        args += [s.value for s in statuses]
    if video_id:
        sql += " AND video_id = ?"
        args.append(video_id)
    with db.read(user) as conn:
        rows = conn.execute(sql + " ORDER BY created_at DESC LIMIT ?", [*args, limit]).fetchall()
    return [_job(r) for r in rows]


def request_cancel(db: Database, user: User, job_id: str) -> Job:
    """Queued jobs are cancelled at once; running ones are asked to stop at a safe point."""
    with db.connect(user) as conn:
        row = conn.execute("SELECT status FROM jobs WHERE id = ? AND user_id = ?", (job_id, user.id)).fetchone()
        if row is None:
            raise NotFound("job not found")
        if row["status"] == JobStatus.QUEUED:
            conn.execute(
                "UPDATE jobs SET status = 'cancelled', cancel_requested = 1, finished_at = ? WHERE id = ?",
                (_now(), job_id),
            )
        elif row["status"] == JobStatus.RUNNING:
            conn.execute("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", (job_id,))
    return get_job(db, user, job_id)


def reset_job_for_retry(db: Database, user: User, job_id: str) -> Job:
    """A failed or cancelled job goes back to the queue with a fresh attempt budget."""
    with db.connect(user) as conn:
        cur = conn.execute(
            "UPDATE jobs SET status = 'queued', error = NULL, cancel_requested = 0, attempts = 0,"
            " progress = 0, stage = NULL, started_at = NULL, finished_at = NULL"  # the retry's own duration
            " WHERE id = ? AND user_id = ? AND status IN ('failed', 'cancelled')",
            (job_id, user.id),
        )
        if cur.rowcount == 0:
            exists = conn.execute("SELECT 1 FROM jobs WHERE id = ? AND user_id = ?", (job_id, user.id)).fetchone()
            if not exists:
                raise NotFound("job not found")
            raise ValueError("only failed or cancelled jobs can be retried")
    return get_job(db, user, job_id)


# --- jobs: worker side (system) -------------------------------------------------------


def job_for_worker(db: Database, job_id: str) -> Job:
    with db.read(SYSTEM) as conn:
        row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        raise NotFound("job not found")
    return _job(row)


def claim_job(db: Database, job_id: str, worker: str) -> Job | None:
    """queued -> running, once. Returns None when another worker has it or it was cancelled."""
    now = _now()
    with db.connect(SYSTEM) as conn:
        cur = conn.execute(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, worker = ?, heartbeat_at = ?,"
            " started_at = coalesce(started_at, ?) WHERE id = ? AND status = 'queued'",
            (worker, now, now, job_id),
        )
        if cur.rowcount == 0:
            return None
    return job_for_worker(db, job_id)


def update_job_progress(db: Database, job_id: str, stage: str | None, progress: int) -> bool:
    """Write stage, progress and heartbeat; returns True when a cancel was requested."""
    with db.connect(SYSTEM) as conn:
        conn.execute(
            "UPDATE jobs SET stage = coalesce(?, stage),"
            " progress = CASE WHEN progress > ? THEN progress ELSE ? END, heartbeat_at = ?"
            " WHERE id = ? AND status = 'running'",
            (stage, *[max(0, min(100, int(progress)))] * 2, _now(), job_id),
        )
        row = conn.execute("SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return bool(row and row["cancel_requested"])


def finish_job(db: Database, job_id: str, status: JobStatus, error: str | None = None) -> None:
    with db.connect(SYSTEM) as conn:
        conn.execute(
            "UPDATE jobs SET status = ?, error = ?, finished_at = ?,"
            " progress = CASE WHEN ? = 'completed' THEN 100 ELSE progress END"
            " WHERE id = ? AND status IN ('running', 'queued')",
            (status.value, error, _now(), status.value, job_id),
        )


def requeue_job(db: Database, job_id: str, note: str | None = None) -> None:
    with db.connect(SYSTEM) as conn:
        conn.execute(
            "UPDATE jobs SET status = 'queued', worker = NULL, error = ? WHERE id = ? AND status = 'running'",
            (note, job_id),
        )


def stale_running_jobs(db: Database, older_than: datetime) -> list[Job]:
    stamp = _stamp(older_than)
    with db.read(SYSTEM) as conn:
        rows = conn.execute(
            "SELECT * FROM jobs WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?)",
            (stamp,),
        ).fetchall()
    return [_job(r) for r in rows]


def queued_jobs(db: Database) -> list[Job]:
    with db.read(SYSTEM) as conn:
        rows = conn.execute("SELECT * FROM jobs WHERE status = 'queued' ORDER BY created_at").fetchall()
    return [_job(r) for r in rows]


def reap_job_if_stale(db: Database, job_id: str, older_than: datetime, give_up_error: str | None = None) -> bool:
    """Atomically re-queue (or, with `give_up_error`, fail) a running job whose heartbeat is
    still older than `older_than`. False when it beat meanwhile: a live job is never taken."""
    stamp = _stamp(older_than)
    stale = "id = ? AND status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?)"
    with db.connect(SYSTEM) as conn:
        if give_up_error is None:
            cur = conn.execute(f"UPDATE jobs SET status = 'queued', worker = NULL WHERE {stale}", (job_id, stamp))
        else:
            cur = conn.execute(
                f"UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE {stale}",
                (give_up_error, _now(), job_id, stamp),
            )
        return cur.rowcount == 1


def get_jobs(db: Database, user: User, job_ids: list[str]) -> list[Job]:
    """The user's jobs among `job_ids`, in one query (ids of others' or deleted jobs are absent)."""
    if not job_ids:
        return []
    with db.read(user) as conn:
        rows = conn.execute(f"SELECT * FROM jobs WHERE user_id = ? AND id IN ({','.join('?' * len(job_ids))})",
                            [user.id, *job_ids]).fetchall()
    return [_job(r) for r in rows]


def count_jobs_by_status(db: Database) -> dict[str, int]:
    """Every job in the store, counted by status (for the operators' metrics; no user data)."""
    with db.read(SYSTEM) as conn:
        rows = conn.execute("SELECT status, count(*) AS n FROM jobs GROUP BY status").fetchall()
    return {row["status"]: int(row["n"]) for row in rows}
