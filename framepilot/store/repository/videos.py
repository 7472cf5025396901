"""Videos and their analysis: probe, stage bookkeeping, transcript, shots, director notes, voiceovers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from framepilot.core.crypto import DecryptionError
from framepilot.models import (
    DirectorMode,
    DirectorResult,
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
from framepilot.store.db import SYSTEM, Connection, Database, IntegrityError, Row
from framepilot.store.repository._common import (
    AlreadyExists,
    NotFound,
    _decrypted,
    _now,
    _ts,
    new_id,
)

UNREADABLE_NAME = "Unreadable video"

# --- videos ---------------------------------------------------------------------------

_VIDEO_SELECT = (
    "SELECT v.*, (SELECT sum(cost_usd) FROM llm_calls c WHERE c.video_id = v.id) AS cost_usd"
    " FROM videos v"
)


def _video(db: Database, row: Row) -> Video:
    probe = VideoProbe.model_validate_json(row["probe_json"]) if row["probe_json"] else None
    filename, unreadable = _decrypted(db, row["filename_enc"])
    return Video(
        id=row["id"],
        user_id=row["user_id"],
        filename=UNREADABLE_NAME if filename is None else filename,
        unreadable=unreadable,
        stored_path=row["stored_path"],
        sha256=row["sha256"],
        size_bytes=row["size_bytes"],
        status=VideoStatus(row["status"]),
        error=row["error"],
        probe=probe,
        created_at=_ts(row["created_at"]),
        cost_usd=row["cost_usd"],
        language=row["language"],
    )


def _require_video(conn: Connection, user: User, video_id: str) -> None:
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
    language: str | None = None,
) -> Video:
    """Register an uploaded file; AlreadyExists when the user stored the same content first."""
    vid = video_id or new_id()
    try:
        with db.connect(user) as conn:
            conn.execute(
                "INSERT INTO videos(id, user_id, filename_enc, stored_path, sha256, size_bytes, language)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (vid, user.id, db.cipher.encrypt(filename), stored_path, sha256, size_bytes, language),
            )
    except IntegrityError:
        raise AlreadyExists("this video is stored already") from None
    return get_video(db, user, vid)


def set_video_language(db: Database, user: User, video_id: str, language: str | None) -> None:
    """The spoken language the user names for the video (None: detect); the next analysis uses it."""
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        conn.execute("UPDATE videos SET language = ? WHERE id = ? AND user_id = ?", (language, video_id, user.id))


def get_video(db: Database, user: User, video_id: str) -> Video:
    with db.read(user) as conn:
        row = conn.execute(
            _VIDEO_SELECT + " WHERE v.id = ? AND v.user_id = ?", (video_id, user.id)
        ).fetchone()
    if row is None:
        raise NotFound("video not found")
    return _video(db, row)


def find_video_by_sha256(db: Database, user: User, sha256: str) -> Video | None:
    with db.read(user) as conn:
        row = conn.execute(
            _VIDEO_SELECT + " WHERE v.sha256 = ? AND v.user_id = ?", (sha256, user.id)
        ).fetchone()
    return _video(db, row) if row else None


def list_videos(db: Database, user: User, search: str | None = None) -> list[Video]:
    """The user's videos, newest first; `search` matches the (decrypted) filename."""
    with db.read(user) as conn:
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
    with db.connect(user) as conn:
        conn.execute("DELETE FROM videos WHERE id = ? AND user_id = ?", (video_id, user.id))
    return video


def save_probe(db: Database, user: User, video_id: str, probe: VideoProbe) -> None:
    with db.connect(user) as conn:
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
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        conn.execute(
            "UPDATE videos SET status = ?, error = ?, updated_at = ? WHERE id = ?",
            (status.value, error, _now(), video_id),
        )


# --- stage bookkeeping ----------------------------------------------------------------


def mark_stage_done(db: Database, user: User, video_id: str, stage: str, duration_s: float) -> None:
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        conn.execute(
            "INSERT INTO analysis_stages(video_id, stage, duration_s, completed_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(video_id, stage) DO UPDATE"
            " SET duration_s = excluded.duration_s, completed_at = excluded.completed_at",
            (video_id, stage, duration_s, _now()),
        )


def completed_stages(db: Database, user: User, video_id: str) -> dict[str, float]:
    """Stage name -> seconds it took, for the stages whose results are stored."""
    with db.read(user) as conn:
        _require_video(conn, user, video_id)
        rows = conn.execute(
            "SELECT stage, duration_s FROM analysis_stages WHERE video_id = ?", (video_id,)
        ).fetchall()
    return {r["stage"]: r["duration_s"] for r in rows}


def forget_stage(db: Database, user: User, video_id: str, stage: str) -> None:
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        conn.execute("DELETE FROM analysis_stages WHERE video_id = ? AND stage = ?", (video_id, stage))


# --- transcripts ----------------------------------------------------------------------


def save_transcript(db: Database, user: User, video_id: str, transcript: Transcript) -> None:
    enc = db.cipher.encrypt
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        for table in ("transcript_words", "transcript_segments", "transcripts"):
            conn.execute(f"DELETE FROM {table} WHERE video_id = ?", (video_id,))
        conn.execute(
            "INSERT INTO transcripts(video_id, provider, model, language, language_probability,"
            " text_enc, no_speech, no_speech_reason, language_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                video_id, transcript.provider, transcript.model, transcript.language,
                transcript.language_probability, enc(transcript.text), int(transcript.no_speech),
                transcript.no_speech_reason, transcript.language_source,
            ),
        )
        conn.executemany(
            "INSERT INTO transcript_segments(video_id, idx, start_s, end_s, text_enc) VALUES (?, ?, ?, ?, ?)",
            [(video_id, i, s.start, s.end, enc(s.text)) for i, s in enumerate(transcript.segments)],
        )
        conn.executemany(
            "INSERT INTO transcript_words(video_id, segment_idx, idx, start_s, end_s, word_enc, probability,"
            " filler, heard) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (video_id, i, j, w.start, w.end, enc(w.word), w.probability, int(w.filler), w.heard)
                for i, s in enumerate(transcript.segments)
                for j, w in enumerate(s.words)
            ],
        )


def get_transcript(db: Database, user: User, video_id: str) -> Transcript | None:
    """The stored transcript; one that cannot be decrypted comes back empty, with `unreadable` set."""
    with db.read(user) as conn:
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
    meta = {"language": head["language"], "language_probability": head["language_probability"],
            "no_speech": bool(head["no_speech"]), "no_speech_reason": head["no_speech_reason"],
            "provider": head["provider"], "model": head["model"], "language_source": head["language_source"]}
    try:
        dec = db.cipher.decrypt
        by_segment: dict[int, list[Word]] = {}
        for w in words:
            by_segment.setdefault(w["segment_idx"], []).append(
                Word(word=dec(w["word_enc"]), start=w["start_s"], end=w["end_s"], probability=w["probability"],
                     filler=bool(w["filler"]), heard=w["heard"])
            )
        return Transcript(
            **meta,
            text=dec(head["text_enc"]),
            segments=[
                Segment(start=s["start_s"], end=s["end_s"], text=dec(s["text_enc"]),
                        words=by_segment.get(s["idx"], []))
                for s in segs
            ],
        )
    except DecryptionError as exc:
        return Transcript(**meta, unreadable=str(exc))


# --- shots ----------------------------------------------------------------------------


def save_shots(db: Database, user: User, video_id: str, shots: list[Shot]) -> None:
    with db.connect(user) as conn:
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
    with db.read(user) as conn:
        _require_video(conn, user, video_id)
        rows = conn.execute(
            "SELECT analysis_json FROM shots WHERE video_id = ? ORDER BY idx", (video_id,)
        ).fetchall()
    return [Shot.model_validate_json(r["analysis_json"]) for r in rows]


# --- director notes -------------------------------------------------------------------


def save_director_result(db: Database, user: User, video_id: str, result: DirectorResult) -> int:
    with db.connect(user) as conn:
        _require_video(conn, user, video_id)
        cur = conn.execute(
            "INSERT INTO director_notes(video_id, mode, provider, model, prompt_version, result_enc)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                video_id, result.mode.value, result.provider, result.model, result.prompt_version,
                db.cipher.encrypt(result.model_dump_json()),
            ),
        )
        return cur.fetchone()[0]


def list_director_results(
    db: Database, user: User, video_id: str, mode: DirectorMode | None = None
) -> list[DirectorResult]:
    """Newest first; one per (mode, provider, prompt version)."""
    sql = "SELECT * FROM director_notes WHERE video_id = ?"
    args: list[Any] = [video_id]
    if mode is not None:
        sql += " AND mode = ?"
        args.append(mode.value)
    with db.read(user) as conn:
        _require_video(conn, user, video_id)
        rows = conn.execute(sql + " ORDER BY id DESC", args).fetchall()
    seen, results = set(), []
    for r in rows:
        key = (r["mode"], r["provider"], r["prompt_version"])
        if key not in seen:
            seen.add(key)
            stored, unreadable = _decrypted(db, r["result_enc"])
            results.append(DirectorResult.model_validate_json(stored) if unreadable is None else DirectorResult(
                mode=DirectorMode(r["mode"]), provider=r["provider"], model=r["model"],
                prompt_version=r["prompt_version"], unreadable=unreadable))
    return results


def latest_director_result(
    db: Database, user: User, video_id: str, mode: DirectorMode,
    provider: str | None = None, prompt_version: str | None = None,
) -> DirectorResult | None:
    """The newest readable result (an unreadable one is as good as missing: it is made again)."""
    for result in list_director_results(db, user, video_id, mode):
        if result.unreadable is None and (provider is None or result.provider == provider) and (
            prompt_version is None or result.prompt_version == prompt_version
        ):
            return result
    return None


# --- voiceovers -----------------------------------------------------------------------


def save_voiceover(db: Database, user: User, voiceover: Voiceover) -> Voiceover:
    with db.connect(user) as conn:
        _require_video(conn, user, voiceover.video_id)
        cur = conn.execute(
            "INSERT INTO voiceovers(video_id, mode, provider, voice, audio_path, preview_path, characters,"
            " duration_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                voiceover.video_id, voiceover.mode.value, voiceover.provider, voiceover.voice,
                voiceover.audio_path, voiceover.preview_path, voiceover.characters, voiceover.duration_s,
            ),
        )
        voiceover_id = cur.fetchone()[0]
    return voiceover.model_copy(update={"id": voiceover_id})


def list_voiceovers(db: Database, user: User, video_id: str) -> list[Voiceover]:
    with db.read(user) as conn:
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



def video_filenames(db: Database, user: User, video_ids: list[str]) -> dict[str, str]:
    """Decrypted filenames of the user's own videos among `video_ids` (others are left out).
    Cheaper than `list_videos` for labels: no per-video cost sum over llm_calls."""
    ids = list(dict.fromkeys(video_ids))
    if not ids:
        return {}
    with db.read(user) as conn:
        rows = conn.execute(
            f"SELECT id, filename_enc FROM videos WHERE user_id = ? AND id IN ({', '.join('?' * len(ids))})",
            [user.id, *ids],
        ).fetchall()
    names = {r["id"]: _decrypted(db, r["filename_enc"])[0] for r in rows}
    return {video_id: UNREADABLE_NAME if name is None else name for video_id, name in names.items()}


def shot_counts(db: Database, user: User, video_ids: list[str]) -> dict[str, int]:
    """Stored shots per video among `video_ids`: the user's own videos, or anyone's for an
    admin (who may see everyone's usage). Videos without shots are left out."""
    ids = list(dict.fromkeys(video_ids))
    if not ids:
        return {}
    owner = "" if user.is_admin else " AND v.user_id = ?"
    counts: dict[str, int] = {}
    with db.read(SYSTEM if user.is_admin else user) as conn:
        for start in range(0, len(ids), 500):  # SQLite caps the number of bound parameters
            chunk = ids[start:start + 500]
            rows = conn.execute(
                "SELECT s.video_id, count(*) AS shots FROM shots s JOIN videos v ON v.id = s.video_id"
                f" WHERE s.video_id IN ({', '.join('?' * len(chunk))}){owner} GROUP BY s.video_id",
                [*chunk, *([] if user.is_admin else [user.id])],
            ).fetchall()
            counts |= {r["video_id"]: r["shots"] for r in rows}
    return counts


# --- media paths (system maintenance) ---------------------------------------------------


def rewrite_media_paths(db: Database, rename: Callable[[str], str | None]) -> int:
    """Replace every media path of every user (uploads, keyframes, voiceovers, previews) for
    which `rename` returns a new one; returns how many rows changed. For `migrate-store`,
    which turns paths of rows older than media storage into storage keys."""
    changed = 0
    with db.connect(SYSTEM) as conn:
        for row in conn.execute("SELECT id, stored_path FROM videos").fetchall():
            if (new := rename(row["stored_path"])) is not None:
                conn.execute("UPDATE videos SET stored_path = ? WHERE id = ?", (new, row["id"]))
                changed += 1
        shots = conn.execute(
            "SELECT video_id, idx, keyframe_path, analysis_json FROM shots WHERE keyframe_path IS NOT NULL"
        ).fetchall()
        for row in shots:
            if (new := rename(row["keyframe_path"])) is not None:
                shot = Shot.model_validate_json(row["analysis_json"]).model_copy(update={"keyframe_path": new})
                conn.execute("UPDATE shots SET keyframe_path = ?, analysis_json = ? WHERE video_id = ? AND idx = ?",
                             (new, shot.model_dump_json(), row["video_id"], row["idx"]))
                changed += 1
        for row in conn.execute("SELECT id, audio_path, preview_path FROM voiceovers").fetchall():
            audio, preview = rename(row["audio_path"]), row["preview_path"] and rename(row["preview_path"])
            if audio is not None or preview is not None:
                conn.execute("UPDATE voiceovers SET audio_path = ?, preview_path = ? WHERE id = ?",
                             (audio or row["audio_path"], preview or row["preview_path"], row["id"]))
                changed += 1
    return changed
