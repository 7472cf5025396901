"""`/api/videos/{id}/analysis` and `/exports/{format}`: the stored analysis as the
`framepilot analyze --json` document, subtitles and director notes, built by the same
`framepilot.services.exports` functions as the Review page's downloads."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response

from framepilot.api.deps import CallerDep, DbDep
from framepilot.api.problems import ApiProblem, documented
from framepilot.models import AnalysisResult, User
from framepilot.services import exports
from framepilot.services.analysis import load_analysis
from framepilot.services.exports import ExportFormat
from framepilot.store import Database
from framepilot.store import repository as repo

router = APIRouter(prefix="/api/videos", tags=["analysis and exports"], responses=documented(401, 404, 409, 429))


def _analysis(db: Database, user: User, video_id: str) -> AnalysisResult:
    result = load_analysis(db, user, video_id)
    if result is None or not result.shots:
        raise ApiProblem(409, "This video has not been analysed yet; follow its job until it completes.",
                         kind="not-analysed")
    return result


def attachment(filename: str) -> str:
    fallback = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


@router.get("/{video_id}/analysis", response_model=AnalysisResult,
            summary="The full analysis: the document `framepilot analyze --json` writes")
def get_analysis(video_id: str, caller: CallerDep, db: DbDep) -> Response:
    return Response(exports.to_json(_analysis(db, caller.user, video_id)), media_type="application/json")


@router.get("/{video_id}/exports/{export_format}", response_class=Response,
            responses={200: {"description": "The file, with a download name",
                             "content": {"text/plain": {}, "text/vtt": {}, "text/markdown": {},
                                         "application/json": {}}}},
            summary="Subtitles (srt, vtt), director notes (md) or the analysis (json) as a file")
def get_export(video_id: str, export_format: ExportFormat, caller: CallerDep, db: DbDep) -> Response:
    result = _analysis(db, caller.user, video_id)
    video = repo.get_video(db, caller.user, video_id)
    file = exports.export_file(result, video.filename, export_format)
    return Response(file.text, media_type=file.media_type,
                    headers={"Content-Disposition": attachment(file.filename)})
