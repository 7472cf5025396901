"""Typed repository functions: the only place that holds SQL.

Every function that reads or changes user data takes the acting `User` and touches only
that user's rows (the seed's row-level security, enforced here once). Another user's id
gives `NotFound`, exactly as an id that does not exist, so ids reveal nothing.

Functions in the "worker side" section act for the system on a job id; the worker then
loads the job's owner and calls the user functions as that owner.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime, timezone
from typing import Any

from framepilot.models import (
    DirectorMode,
    DirectorResult,
    Job,
    JobStatus,
    JobType,
    LLMCall,
    Segment,
    Shot,
    Transcript,
    User,
    Video,
    VideoProbe,
    VideoStatus,
    Voiceover,
    Word,
)
from framepilot.store.db import Database


class NotFound(LookupError):
    """No such row for this user (whether it does not exist or belongs to someone else)."""


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def new_id() -> str:
    return uuid.uuid4().hex


# --- users ----------------------------------------------------------------------------


def _user(row: sqlite3.Row) -> User:
    return User(id=row["id"], email=row["email"], is_admin=bool(row["is_admin"]))


def insert_user(db: Database, email: str, password_hash: str, is_admin: bool = False) -> User:
    with db.connect() as conn:
        cur = conn.execute(
            "INSERT INTO users(email, password_hash, is_admin) VALUES (?, ?, ?)",
            (email.strip().lower(), password_hash, int(is_admin)),
        )
        return User(id=cur.lastrowid, email=email.strip().lower(), is_admin=is_admin)


def user_credentials(db: Database, email: str) -> tuple[User, str] | None:
    """The user and their password hash, for authentication only."""
    with db.read() as conn:
        row = conn.execute("SELECT * FROM users WHERE email = ?", (email.strip().lower(),)).fetchone()
    return (_user(row), row["password_hash"]) if row else None


def set_password_hash(db: Database, user: User, password_hash: str) -> None:
    with db.connect() as conn:
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user.id))


def get_user(db: Database, user_id: int) -> User:
    with db.read() as conn:
        row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise NotFound("user not found")
    return _user(row)


def list_users(db: Database, acting: User) -> list[User]:
    """Admins see everyone; others see themselves."""
    if not acting.is_admin:
        return [acting]
    with db.read() as conn:
        return [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY email")]


def count_users(db: Database) -> int:
    with db.read() as conn:
        return conn.execute("SELECT count(*) FROM users").fetchone()[0]


# --- videos ---------------------------------------------------------------------------

_VIDEO_SELECT = (
    "SELECT v.*, (SELECT sum(cost_usd) FROM llm_calls c WHERE c.video_id = v.id) AS cost_usd"
    " FROM videos v"
)


def _video(db: Database, row: sqlite3.Row) -> Video:
    probe = VideoProbe.model_validate_json(row["probe_json"]) if row["probe_json"] else None
    return Video(
        id=row["id"],
        user_id=row["user_id"],
        filename=db.cipher.decrypt(row["filename_enc"]),
        stored_path=row["stored_path"],
        sha256=row["sha256"],
        size_bytes=row["size_bytes"],
        status=VideoStatus(row["status"]),
        error=row["error"],
        probe=probe,
        created_at=_ts(row["created_at"]),
        cost_usd=row["cost_usd"],
    )


def _require_video(conn: sqlite3.Connection, user: User, video_id: str) -> None:
    found = conn.execute(
        "SELECT 1 FROM videos WHERE id = ? AND user_id = ?", (video_id, user.id)
    ).fetchone()
    if not found:
        raise NotFound("video not found")


def create_video(
    db: Database,
    user: User,
    *,
    filename: str,
    stored_path: str,
    sha256: str,
    size_bytes: int,
    video_id: str | None = None,
) -> Video:
    vid = video_id or new_id()
    with db.connect() as conn:
        conn.execute(
            "INSERT INTO videos(id, user_id, filename_enc, stored_path, sha256, size_bytes)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (vid, user.id, db.cipher.encrypt(filename), stored_path, sha256, size_bytes),
        )
    return get_video(db, user, vid)


def get_video(db: Database, user: User, video_id: str) -> Video:
    with db.read() as conn:
        row = conn.execute(
            _VIDEO_SELECT + " WHERE v.id = ? AND v.user_id = ?", (video_id, user.id)
        ).fetchone()
    if row is None:
        raise NotFound("video not found")
    return _video(db, row)


def find_video_by_sha256(db: Database, user: User, sha256: str) -> Video | None:
    with db.read() as conn:
        row = conn.execute(
            _VIDEO_SELECT + " WHERE v.sha256 = ? AND v.user_id = ?", (sha256, user.id)
        ).fetchone()
    return _video(db, row) if row else None


def list_videos(db: Database, user: User, search: str | None = None) -> list[Video]:
    """The user's videos, newest first; `search` matches the (decrypted) filename."""
    with db.read() as conn:
        rows = conn.execute(
            _VIDEO_SELECT + " WHERE v.user_id = ? ORDER BY v.created_at DESC", (user.id,)
        ).fetchall()
    videos = [_video(db, r) for r in rows]
    if search:
        needle = search.casefold()
        videos = [v for v in videos if needle in v.filename.casefold()]
    return videos


def delete_video(db: Database, user: User, video_id: str) -> Video:
    video = get_video(db, user, video_id)
    with db.connect() as conn:
        conn.execute("DELETE FROM videos WHERE id = ? AND user_id = ?", (video_id, user.id))
    return video


def save_probe(db: Database, user: User, video_id: str, probe: VideoProbe) -> None:
    with db.connect() as conn:
        _require_video(conn, user, video_id)
        conn.execute(
            "UPDATE videos SET duration_s = ?, fps = ?, width = ?, height = ?, has_audio = ?,"
            " probe_json = ?, updated_at = ? WHERE id = ?",
            (
                probe.duration_s, probe.fps, probe.display_width, probe.display_height,
                int(probe.has_audio), probe.model_dump_json(), _now(), video_id,
            ),
        )


def set_video_status(
    db: Database, user: User, video_id: str, status: VideoStatus, error: str | None = None
) -> None:
    with db.connect() as conn:
        _require_video(conn, user, video_id)
        conn.execute(
            "UPDATE videos SET status = ?, error = ?, updated_at = ? WHERE id = ?",
            (status.value, error, _now(), video_id),
        )


# --- stage bookkeeping ----------------------------------------------------------------


def mark_stage_done(db: Database, user: User, video_id: str, stage: str, duration_s: float) -> None:
    with db.connect() as conn:
        _require_video(conn, user, video_id)
        conn.execute(
            "INSERT OR REPLACE INTO analysis_stages(video_id, stage, duration_s, completed_at)"
            " VALUES (?, ?, ?, ?)",
            (video_id, stage, duration_s, _now()),
        )


def completed_stages(db: Database, user: User, video_id: str) -> dict[str, float]:
    """Stage name -> seconds it took, for the stages whose results are stored."""
    with db.read() as conn:
        _require_video(conn, user, video_id)
        rows = conn.execute(
            "SELECT stage, duration_s FROM analysis_stages WHERE video_id = ?", (video_id,)
        ).fetchall()
    return {r["stage"]: r["duration_s"] for r in rows}


def forget_stage(db: Database, user: User, video_id: str, stage: str) -> None:
    with db.connect() as conn:
        _require_video(conn, user, video_id)
        conn.execute("DELETE FROM analysis_stages WHERE video_id = ? AND stage = ?", (video_id, stage))


# --- transcripts ----------------------------------------------------------------------


def save_transcript(db: Database, user: User, video_id: str, transcript: Transcript) -> None:
    enc = db.cipher.encrypt
    with db.connect() as conn:
        _require_video(conn, user, video_id)
        for table in ("transcript_words", "transcript_segments", "transcripts"):
            conn.execute(f"DELETE FROM {table} WHERE video_id = ?", (video_id,))
        conn.execute(
            "INSERT INTO transcripts(video_id, provider, model, language, language_probability,"
            " text_enc, no_speech, no_speech_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                video_id, transcript.provider, transcript.model, transcript.language,
                transcript.language_probability, enc(transcript.text), int(transcript.no_speech),
                transcript.no_speech_reason,
            ),
        )
        conn.executemany(
            "INSERT INTO transcript_segments(video_id, idx, start_s, end_s, text_enc) VALUES (?, ?, ?, ?, ?)",
            [(video_id, i, s.start, s.end, enc(s.text)) for i, s in enumerate(transcript.segments)],
        )
        conn.executemany(
            "INSERT INTO transcript_words(video_id, segment_idx, idx, start_s, end_s, word_enc, probability)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (video_id, i, j, w.start, w.end, enc(w.word), w.probability)
                for i, s in enumerate(transcript.segments)
                for j, w in enumerate(s.words)
            ],
        )


def get_transcript(db: Database, user: User, video_id: str) -> Transcript | None:
    dec = db.cipher.decrypt
    with db.read() as conn:
        _require_video(conn, user, video_id)
        head = conn.execute("SELECT * FROM transcripts WHERE video_id = ?", (video_id,)).fetchone()
        if head is None:
            return None
        segs = conn.execute(
            "SELECT * FROM transcript_segments WHERE video_id = ? ORDER BY idx", (video_id,)
        ).fetchall()
        words = conn.execute(
            "SELECT * FROM transcript_words WHERE video_id = ? ORDER BY segment_idx, idx", (video_id,)
        ).fetchall()
    by_segment: dict[int, list[Word]] = {}
    for w in words:
        by_segment.setdefault(w["segment_idx"], []).append(
            Word(word=dec(w["word_enc"]), start=w["start_s"], end=w["end_s"], probability=w["probability"])
        )
    return Transcript(
        language=head["language"],
        language_probability=head["language_probability"],
        text=dec(head["text_enc"]),
        segments=[
            Segment(start=s["start_s"], end=s["end_s"], text=dec(s["text_enc"]), words=by_segment.get(s["idx"], []))
            for s in segs
        ],
        no_speech=bool(head["no_speech"]),
        no_speech_reason=head["no_speech_reason"],
        provider=head["provider"],
        model=head["model"],
    )


# --- shots ----------------------------------------------------------------------------


def save_shots(db: Database, user: User, video_id: str, shots: list[Shot]) -> None:
    with db.connect() as conn:
        _require_video(conn, user, video_id)
        conn.execute("DELETE FROM shots WHERE video_id = ?", (video_id,))
        conn.executemany(
            "INSERT INTO shots(video_id, idx, start_s, end_s, start_frame, end_frame, scale, movement,"
            " keyframe_path, analysis_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    video_id, s.index, s.start_s, s.end_s, s.start_frame, s.end_frame,
                    s.scale.value if s.scale else None, s.movement.value, s.keyframe_path,
                    s.model_dump_json(),
                )
                for s in shots
            ],
        )


def get_shots(db: Database, user: User, video_id: str) -> list[Shot]:
    with db.read() as conn:
        _require_video(conn, user, video_id)
        rows = conn.execute(
            "SELECT analysis_json FROM shots WHERE video_id = ? ORDER BY idx", (video_id,)
        ).fetchall()
    return [Shot.model_validate_json(r["analysis_json"]) for r in rows]


# --- director notes -------------------------------------------------------------------


def save_director_result(db: Database, user: User, video_id: str, result: DirectorResult) -> int:
    with db.connect() as conn:
        _require_video(conn, user, video_id)
        cur = conn.execute(
            "INSERT INTO director_notes(video_id, mode, provider, model, prompt_version, result_enc)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                video_id, result.mode.value, result.provider, result.model, result.prompt_version,
                db.cipher.encrypt(result.model_dump_json()),
            ),
        )
        return cur.lastrowid


def list_director_results(
    db: Database, user: User, video_id: str, mode: DirectorMode | None = None
) -> list[DirectorResult]:
    """Newest first; one per (mode, provider, prompt version)."""
    sql = "SELECT * FROM director_notes WHERE video_id = ?"
    args: list[Any] = [video_id]
    if mode is not None:
        sql += " AND mode = ?"
        args.append(mode.value)
    with db.read() as conn:
        _require_video(conn, user, video_id)
        rows = conn.execute(sql + " ORDER BY id DESC", args).fetchall()
    seen, results = set(), []
    for r in rows:
        key = (r["mode"], r["provider"], r["prompt_version"])
        if key not in seen:
            seen.add(key)
            results.append(DirectorResult.model_validate_json(db.cipher.decrypt(r["result_enc"])))
    return results


def latest_director_result(
    db: Database, user: User, video_id: str, mode: DirectorMode,
    provider: str | None = None, prompt_version: str | None = None,
) -> DirectorResult | None:
    for result in list_director_results(db, user, video_id, mode):
        if (provider is None or result.provider == provider) and (
            prompt_version is None or result.prompt_version == prompt_version
        ):
            return result
    return None


# --- voiceovers -----------------------------------------------------------------------


def save_voiceover(db: Database, user: User, voiceover: Voiceover) -> Voiceover:
    with db.connect() as conn:
        _require_video(conn, user, voiceover.video_id)
        cur = conn.execute(
            "INSERT INTO voiceovers(video_id, mode, provider, voice, audio_path, preview_path, characters,"
            " duration_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                voiceover.video_id, voiceover.mode.value, voiceover.provider, voiceover.voice,
                voiceover.audio_path, voiceover.preview_path, voiceover.characters, voiceover.duration_s,
            ),
        )
    return voiceover.model_copy(update={"id": cur.lastrowid})


def list_voiceovers(db: Database, user: User, video_id: str) -> list[Voiceover]:
    with db.read() as conn:
        _require_video(conn, user, video_id)
        rows = conn.execute("SELECT * FROM voiceovers WHERE video_id = ? ORDER BY id DESC", (video_id,))
        return [
            Voiceover(
                id=r["id"], video_id=r["video_id"], mode=DirectorMode(r["mode"]), provider=r["provider"],
                voice=r["voice"], audio_path=r["audio_path"], preview_path=r["preview_path"],
                characters=r["characters"], duration_s=r["duration_s"],
            )
            for r in rows
        ]


# --- jobs -----------------------------------------------------------------------------


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        user_id=row["user_id"],
        video_id=row["video_id"],
        type=JobType(row["type"]),
        status=JobStatus(row["status"]),
        stage=row["stage"],
        progress=row["progress"],
        error=row["error"],
        attempts=row["attempts"],
        params=json.loads(row["params_json"] or "{}"),
        heartbeat_at=_ts(row["heartbeat_at"]),
        created_at=_ts(row["created_at"]),
        started_at=_ts(row["started_at"]),
        finished_at=_ts(row["finished_at"]),
        cancel_requested=bool(row["cancel_requested"]),
    )


def create_job(
    db: Database, user: User, job_type: JobType, video_id: str | None, params: dict | None = None
) -> Job:
    job_id = new_id()
    with db.connect() as conn:
        if video_id is not None:
            _require_video(conn, user, video_id)
        conn.execute(
            "INSERT INTO jobs(id, user_id, video_id, type, status, params_json) VALUES (?, ?, ?, ?, 'queued', ?)",
            (job_id, user.id, video_id, job_type.value, json.dumps(params or {})),
        )
    return get_job(db, user, job_id)


def get_job(db: Database, user: User, job_id: str) -> Job:
    with db.read() as conn:
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
    with db.read() as conn:
        rows = conn.execute(sql + " ORDER BY created_at DESC LIMIT ?", [*args, limit]).fetchall()
    return [_job(r) for r in rows]


def request_cancel(db: Database, user: User, job_id: str) -> Job:
    """Queued jobs are cancelled at once; running ones are asked to stop at a safe point."""
    with db.connect() as conn:
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
    with db.connect() as conn:
        cur = conn.execute(
            "UPDATE jobs SET status = 'queued', error = NULL, cancel_requested = 0, attempts = 0,"
            " progress = 0, stage = NULL, finished_at = NULL"
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
    with db.read() as conn:
        row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        raise NotFound("job not found")
    return _job(row)


def claim_job(db: Database, job_id: str, worker: str) -> Job | None:
    """queued -> running, once. Returns None when another worker has it or it was cancelled."""
    now = _now()
    with db.connect() as conn:
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
    with db.connect() as conn:
        conn.execute(
            "UPDATE jobs SET stage = coalesce(?, stage), progress = max(progress, ?), heartbeat_at = ?"
            " WHERE id = ? AND status = 'running'",
            (stage, max(0, min(100, int(progress))), _now(), job_id),
        )
        row = conn.execute("SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return bool(row and row["cancel_requested"])


def finish_job(db: Database, job_id: str, status: JobStatus, error: str | None = None) -> None:
    with db.connect() as conn:
        conn.execute(
            "UPDATE jobs SET status = ?, error = ?, finished_at = ?,"
            " progress = CASE WHEN ? = 'completed' THEN 100 ELSE progress END"
            " WHERE id = ? AND status IN ('running', 'queued')",
            (status.value, error, _now(), status.value, job_id),
        )


def requeue_job(db: Database, job_id: str, note: str | None = None) -> None:
    with db.connect() as conn:
        conn.execute(
            "UPDATE jobs SET status = 'queued', worker = NULL, error = ? WHERE id = ? AND status = 'running'",
            (note, job_id),
        )


def stale_running_jobs(db: Database, older_than: datetime) -> list[Job]:
    stamp = older_than.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with db.read() as conn:
        rows = conn.execute(
            "SELECT * FROM jobs WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?)",
            (stamp,),
        ).fetchall()
    return [_job(r) for r in rows]


def queued_jobs(db: Database) -> list[Job]:
    with db.read() as conn:
        rows = conn.execute("SELECT * FROM jobs WHERE status = 'queued' ORDER BY created_at").fetchall()
    return [_job(r) for r in rows]


def reap_job_if_stale(db: Database, job_id: str, older_than: datetime, give_up_error: str | None = None) -> bool:
    """Atomically re-queue (or, with `give_up_error`, fail) a running job whose heartbeat is
    still older than `older_than`. False when it beat meanwhile: a live job is never taken."""
    stamp = older_than.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    stale = "id = ? AND status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?)"
    with db.connect() as conn:
        if give_up_error is None:
            cur = conn.execute(f"UPDATE jobs SET status = 'queued', worker = NULL WHERE {stale}", (job_id, stamp))
        else:
            cur = conn.execute(
                f"UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE {stale}",
                (give_up_error, _now(), job_id, stamp),
            )
        return cur.rowcount == 1


# --- llm calls and cache --------------------------------------------------------------

_CALL_COLUMNS = (
    "user_id", "video_id", "job_id", "provider", "model", "operation", "prompt_version",
    "input_tokens", "output_tokens", "cached_tokens", "image_tokens", "audio_seconds", "characters",
    "compute_seconds", "cost_usd", "unit_prices", "price_date", "latency_ms", "status", "error",
    "retries", "cache_hit",
)


def _call_values(call: LLMCall) -> tuple:
    data = call.model_dump()
    data["unit_prices"] = json.dumps(call.unit_prices) if call.unit_prices is not None else None
    data["cache_hit"] = int(call.cache_hit)
    return tuple(data[c] for c in _CALL_COLUMNS)


def record_llm_call(db: Database, call: LLMCall) -> int:
    with db.connect() as conn:
        cur = conn.execute(
            f"INSERT INTO llm_calls({', '.join(_CALL_COLUMNS)}) VALUES ({', '.join('?' * len(_CALL_COLUMNS))})",
            _call_values(call),
        )
        return cur.lastrowid


def record_llm_calls_bulk(db: Database, calls: list[tuple]) -> None:
    """For benchmarks and imports: rows as tuples in `_CALL_COLUMNS` order plus created_at."""
    with db.connect() as conn:
        conn.executemany(
            f"INSERT INTO llm_calls({', '.join(_CALL_COLUMNS)}, created_at)"
            f" VALUES ({', '.join('?' * (len(_CALL_COLUMNS) + 1))})",
            calls,
        )


def _call(row: sqlite3.Row) -> LLMCall:
    data = {c: row[c] for c in _CALL_COLUMNS}
    data["unit_prices"] = json.loads(row["unit_prices"]) if row["unit_prices"] else None
    data["cache_hit"] = bool(row["cache_hit"])
    return LLMCall(**data, created_at=_ts(row["created_at"]))


def list_llm_calls(
    db: Database, user: User, video_id: str | None = None, job_id: str | None = None
) -> list[LLMCall]:
    sql, args = "SELECT * FROM llm_calls WHERE user_id = ?", [user.id]
    if video_id:
        sql += " AND video_id = ?"
        args.append(video_id)
    if job_id:
        sql += " AND job_id = ?"
        args.append(job_id)
    with db.read() as conn:
        return [_call(r) for r in conn.execute(sql + " ORDER BY id", args)]


def llm_call_rows_after(
    db: Database, acting: User, after_id: int, all_users: bool = False
) -> tuple[list[str], list[tuple]]:
    """Raw rows with id > after_id for the analytics snapshot; admins may ask for everyone's."""
    cols = ("id", "created_at", *_CALL_COLUMNS)
    sql = f"SELECT {', '.join(cols)} FROM llm_calls WHERE id > ?"
    args: list[Any] = [after_id]
    if not (all_users and acting.is_admin):
        sql += " AND user_id = ?"
        args.append(acting.id)
    with db.read() as conn:
        rows = conn.execute(sql + " ORDER BY id", args).fetchall()
    return list(cols), [tuple(r) for r in rows]


def month_spend_usd(db: Database, user_id: int | None, month_start: datetime) -> float:
    """Spend since `month_start`, for one user or (None) everyone: the budget check."""
    stamp = month_start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    sql, args = "SELECT coalesce(sum(cost_usd), 0) FROM llm_calls WHERE created_at >= ?", [stamp]
    if user_id is not None:
        sql += " AND user_id = ?"
        args.append(user_id)
    with db.read() as conn:
        return float(conn.execute(sql, args).fetchone()[0])


# --- analytics: the snapshot's feed (system side), and labels for the Costs page -------

ANALYTICS_CALL_COLUMNS = (
    "id", "created_at", "user_id", "video_id", "job_id", "job_type", "provider", "model",
    "operation", "prompt_version", "input_tokens", "output_tokens", "cached_tokens", "image_tokens",
    "audio_seconds", "characters", "compute_seconds", "cost_usd", "price_date", "latency_ms",
    "status", "error", "retries", "cache_hit",
)


def llm_call_rows_for_analytics(db: Database, after_id: int, limit: int) -> list[tuple]:
    """Every user's calls with id > after_id, oldest first, in `ANALYTICS_CALL_COLUMNS` order
    (job_type joined from jobs). System side: only `framepilot.analytics` reads this, and it
    applies row-level security (the acting user's user_id) on every query it answers."""
    cols = ", ".join("j.type" if c == "job_type" else f"c.{c}" for c in ANALYTICS_CALL_COLUMNS)
    with db.read() as conn:
        return conn.execute(
            f"SELECT {cols} FROM llm_calls c LEFT JOIN jobs j ON j.id = c.job_id"
            " WHERE c.id > ? ORDER BY c.id LIMIT ?",
            (after_id, limit),
        ).fetchall()


def video_filenames(db: Database, user: User, video_ids: list[str]) -> dict[str, str]:
    """Decrypted filenames of the user's own videos among `video_ids` (others are left out).
    Cheaper than `list_videos` for labels: no per-video cost sum over llm_calls."""
    ids = list(dict.fromkeys(video_ids))
    if not ids:
        return {}
    with db.read() as conn:
        rows = conn.execute(
            f"SELECT id, filename_enc FROM videos WHERE user_id = ? AND id IN ({', '.join('?' * len(ids))})",
            [user.id, *ids],
        ).fetchall()
    return {r["id"]: db.cipher.decrypt(r["filename_enc"]) for r in rows}


def max_llm_call_id(db: Database) -> int:
    """The newest call's id (0 when none): tells the snapshot whether its files fit this store."""
    with db.read() as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM llm_calls").fetchone()[0]


def cache_get(db: Database, key: str) -> str | None:
    with db.read() as conn:
        row = conn.execute("SELECT response FROM llm_cache WHERE key = ?", (key,)).fetchone()
    return row["response"] if row else None


def cache_put(db: Database, key: str, response: str) -> None:
    with db.connect() as conn:
        conn.execute("INSERT OR REPLACE INTO llm_cache(key, response) VALUES (?, ?)", (key, response))
