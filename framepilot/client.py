"""A small Python client for the FramePilot HTTP API (on httpx): the API's first user.

    with FramePilotClient("http://127.0.0.1:8502", token) as fp:
        accepted = fp.upload(Path("talk.mp4"), modes=["scene_director"])
        final = fp.wait(accepted.job.id, on_event=print)
        analysis = fp.analysis(accepted.video.id)

Errors come back as `ApiError`, carrying the server's problem document.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx

from framepilot.api.schemas import (
    EditOut,
    JobEvent,
    JobOut,
    Submitted,
    UploadAccepted,
    VideoOut,
)
from framepilot.errors import FramePilotError
from framepilot.models import AnalysisResult, DirectorMode

EXPORT_FORMATS = ("srt", "vtt", "md", "json")
TIMELINE_FORMATS = ("otio", "edl", "fcp7_xml", "fcpxml")


class ApiError(FramePilotError, RuntimeError):
    """The API answered with an error; `problem` is its RFC 9457 document."""

    user_facing = True

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status, self.problem = status, problem
        super().__init__(f"{status} {problem.get('title', '')}: {problem.get('detail') or ''}".strip(": "))


class FramePilotClient:
    def __init__(self, url: str, token: str, *, timeout: float = 60.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._http = httpx.Client(base_url=url.rstrip("/"), headers={"Authorization": f"Bearer {token}"},
                                  timeout=timeout, transport=transport)

    def __enter__(self) -> FramePilotClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, path, **kwargs)
        _raise_for_problem(response)
        return response

    # --- videos -------------------------------------------------------------------------

    def upload(self, path: Path, *, modes: Iterable[DirectorMode | str] | None = None,
               provider: str | None = None, voice: bool = False) -> UploadAccepted:
        """Stream a file to the server (never read whole into memory) and queue its analysis."""
        data: dict[str, Any] = {"voice": str(bool(voice)).lower()}
        if modes is not None:
            data["modes"] = ",".join(DirectorMode(m).value for m in modes)
        if provider:
            data["provider"] = provider
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        with open(path, "rb") as fh:
            response = self._request("POST", "/api/videos", data=data, files={"file": (path.name, fh, media_type)})
        return UploadAccepted.model_validate_json(response.content)

    def videos(self, search: str | None = None) -> list[VideoOut]:
        params = {"search": search} if search else None
        return [VideoOut.model_validate(v) for v in self._request("GET", "/api/videos", params=params).json()]

    def video(self, video_id: str) -> VideoOut:
        return VideoOut.model_validate_json(self._request("GET", f"/api/videos/{video_id}").content)

    def delete_video(self, video_id: str) -> None:
        self._request("DELETE", f"/api/videos/{video_id}")

    def analysis(self, video_id: str) -> AnalysisResult:
        return AnalysisResult.model_validate_json(self._request("GET", f"/api/videos/{video_id}/analysis").content)

    def export(self, video_id: str, export_format: str) -> bytes:
        """One download: `srt`, `vtt`, `md` (director notes) or `json` (the analysis)."""
        return self._request("GET", f"/api/videos/{video_id}/exports/{export_format}").content

    def rerun_director(self, video_id: str, modes: Iterable[DirectorMode | str],
                       provider: str | None = None) -> Submitted:
        body = {"modes": [DirectorMode(m).value for m in modes], "provider": provider}
        response = self._request("POST", f"/api/videos/{video_id}/director", json=body)
        return Submitted.model_validate_json(response.content)

    def voice(self, video_id: str, mode: DirectorMode | str = DirectorMode.SCRIPT_REWRITE,
              provider: str | None = None) -> Submitted:
        body = {"mode": DirectorMode(mode).value, "provider": provider}
        response = self._request("POST", f"/api/videos/{video_id}/voice", json=body)
        return Submitted.model_validate_json(response.content)

    # --- the edit -----------------------------------------------------------------------

    def cuts(self, video_id: str) -> EditOut:
        """The suggested cuts, which are on, what stays, and whether this edit is rendered."""
        return EditOut.model_validate_json(self._request("GET", f"/api/videos/{video_id}/cuts").content)

    def choose_cuts(self, video_id: str, enabled: dict[str, bool]) -> EditOut:
        """Switch cuts on (True) or off (False) by id; saved as the video's edit."""
        response = self._request("PATCH", f"/api/videos/{video_id}/cuts", json={"enabled": enabled})
        return EditOut.model_validate_json(response.content)

    def render(self, video_id: str, cuts: Iterable[str] | None = None) -> Submitted:
        """Queue the tightened preview: of exactly these cut ids, or of the edit as it stands."""
        body = {"cuts": list(cuts)} if cuts is not None else None
        response = self._request("POST", f"/api/videos/{video_id}/render", json=body)
        return Submitted.model_validate_json(response.content)

    def download_render(self, video_id: str, out: Path) -> Path:
        """Stream the rendered preview of the edit to `out` (written whole or not at all)."""
        return self._download(f"/api/videos/{video_id}/render", out)

    def finish(self, video_id: str, options: dict[str, Any] | None = None) -> Submitted:
        """Queue the finish of a video (preset and switches as in `FinishOptions`)."""
        response = self._request("POST", f"/api/videos/{video_id}/finish", json=options or {})
        return Submitted.model_validate_json(response.content)

    def download_finish(self, video_id: str, out: Path) -> Path:
        """Stream the latest finished MP4 to `out` (written whole or not at all)."""
        return self._download(f"/api/videos/{video_id}/finish", out)

    def _download(self, path: str, out: Path) -> Path:
        part = out.with_name(f".{out.name}.part")
        with self._http.stream("GET", path) as response:
            if response.is_error:
                response.read()
                _raise_for_problem(response)
            with open(part, "wb") as fh:
                fh.writelines(response.iter_bytes(1024 * 1024))
        part.replace(out)
        return out

    def finish_report(self, video_id: str) -> dict[str, Any]:
        """The latest finish's review (the `FinishReport` document)."""
        return self._request("GET", f"/api/videos/{video_id}/finish/report").json()

    def finish_captions(self, video_id: str, caption_format: str = "srt") -> bytes:
        return self._request("GET", f"/api/videos/{video_id}/finish/captions.{caption_format}").content

    def timeline(self, video_id: str, timeline_format: str) -> bytes:
        """The edit for an editor: `otio`, `edl`, `fcp7_xml` or `fcpxml`."""
        return self._request("GET", f"/api/videos/{video_id}/timeline/{timeline_format}").content

    # --- jobs ---------------------------------------------------------------------------

    def jobs(self, video_id: str | None = None) -> list[JobOut]:
        params = {"video_id": video_id} if video_id else None
        return [JobOut.model_validate(j) for j in self._request("GET", "/api/jobs", params=params).json()]

    def job(self, job_id: str) -> JobOut:
        return JobOut.model_validate_json(self._request("GET", f"/api/jobs/{job_id}").content)

    def cancel(self, job_id: str) -> JobOut:
        return JobOut.model_validate_json(self._request("POST", f"/api/jobs/{job_id}/cancel").content)

    def retry(self, job_id: str) -> JobOut:
        return JobOut.model_validate_json(self._request("POST", f"/api/jobs/{job_id}/retry").content)

    def events(self, job_id: str) -> Iterator[tuple[str, JobEvent]]:
        """(event name, event) as the server sends them: `progress`..., then `end`. A stream the
        server ends at its time limit (`reconnect`) is opened again; `unauthorized` (the token
        was revoked meanwhile) raises ApiError(401)."""
        timeout = httpx.Timeout(self._http.timeout.connect, read=120.0)
        while True:
            with self._http.stream("GET", f"/api/jobs/{job_id}/events", timeout=timeout) as response:
                if response.is_error:
                    response.read()
                    _raise_for_problem(response)
                reopen = False
                for name, data in _server_sent_events(response.iter_lines()):
                    if name == "unauthorized":
                        raise ApiError(401, {"title": "Unauthorized", **json.loads(data)})
                    if name == "reconnect":
                        reopen = True
                        break
                    yield name, JobEvent.model_validate_json(data)
                    if name == "end":
                        return
            if not reopen:
                return

    def wait(self, job_id: str, on_event: Callable[[JobEvent], None] | None = None) -> JobEvent:
        """Follow a job until it ends; returns its final state."""
        last: JobEvent | None = None
        for _, event in self.events(job_id):
            last = event
            if on_event is not None:
                on_event(event)
        if last is None:
            raise ApiError(502, {"title": "Bad Gateway", "detail": "The event stream ended without events."})
        return last

    # --- usage --------------------------------------------------------------------------

    def usage(self, **filters: Any) -> dict[str, Any]:
        return self._request("GET", "/api/usage", params=filters).json()

    def usage_csv(self, **filters: Any) -> str:
        return self._request("GET", "/api/usage", params=filters, headers={"Accept": "text/csv"}).text


def _raise_for_problem(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        problem = response.json()
    except (ValueError, json.JSONDecodeError):
        problem = {"title": response.reason_phrase, "detail": response.text[:200]}
    raise ApiError(response.status_code, problem if isinstance(problem, dict) else {"detail": str(problem)})


def _server_sent_events(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Parse an event stream into (event, data) pairs; comments (pings) are skipped."""
    name, data = "message", []
    for line in lines:
        if not line:
            if data:
                yield name, "\n".join(data)
            name, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
    if data:
        yield name, "\n".join(data)
