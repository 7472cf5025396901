"""Item 8: AI output, transcripts and filenames are shown as text on every page. A hostile
transcript, model reply or filename produces no remote image, no clickable link and no HTML.

Each page is rendered through AppTest; every element that Streamlit renders as Markdown is
rendered again here by a CommonMark parser, and GitHub's autolink rules are applied to the
result, the way the browser's Markdown would treat it.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from framepilot.models import (
    AnalysisParams,
    DirectorMode,
    DirectorNote,
    DirectorResult,
    JobStatus,
    LLMCall,
    Segment,
    ShotListItem,
    ShotScale,
    Transcript,
    VideoStatus,
)
from framepilot.services import exports
from framepilot.services.analysis import load_analysis
from framepilot.services.ingest import ingest_path
from framepilot.store import repository as repo
from tests.support.page_fixtures import analysed_video, make_clip, open_page

MarkdownIt = pytest.importorskip("markdown_it").MarkdownIt

HOSTILE = ("![x](http://evil.example/beacon.png) [click](http://phish.example) "
           "<img src=http://evil.example/i.png> <script>alert(1)</script> www.phish.example bob@phish.example")
# A filename cannot hold "/", so it carries the markup that needs none.
HOSTILE_NAME = "[click](javascript:alert(1)) ![x](beacon.png) <img src=x onerror=alert(2)> www.phish.example.mp4"
MARKDOWN_KINDS = {"markdown", "caption", "latex", "title", "header", "subheader", "error", "warning", "info",
                  "success"}
_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# GitHub-flavoured Markdown's autolink literals, as remark-gfm finds them in parsed text.
_AUTOLINK = re.compile(r"(https?://|www(?=\.))[-.\w]+|[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.ASCII | re.I)
_MARKUP = re.compile(r"<\s*(a|img|script|iframe)\b", re.I)


def _elements(node):  # noqa: ANN001, ANN202
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _elements(child)
    else:
        yield node


def rendered(at: AppTest) -> tuple[list[str], list[str], list[str]]:
    """(HTML that the Markdown elements turn into, plain text elements, other markup:
    st.html bodies and Plotly specs)."""
    as_html, plain, other = [], [], []
    for el in _elements(at._tree):
        kind, proto = getattr(el, "type", ""), getattr(el, "proto", None)
        if kind in MARKDOWN_KINDS:
            as_html.append(_MD.render(proto.body))
        elif kind in ("text", "code"):
            plain.append(proto.body)
        elif kind == "html":
            other.append(proto.body)
        elif kind == "plotly_chart":
            other.append(json.dumps(json.loads(proto.spec)))
        for field in ("label", "help", "text"):  # widget labels and progress texts are Markdown too
            value = getattr(proto, field, None) if proto is not None else None
            if isinstance(value, str) and value:
                as_html.append(_MD.render(value))
    return as_html, plain, other


def assert_shown_as_text(at: AppTest, *visible: str) -> None:
    assert not at.exception, at.exception
    as_html, plain, other = rendered(at)
    for piece in as_html:
        assert not _MARKUP.search(piece), piece
        words = html.unescape(re.sub(r"<[^>]+>", " ", piece))
        assert not _AUTOLINK.search(words), piece
    for piece in other:
        assert not _MARKUP.search(piece), piece[:400]
    shown = "\n".join(plain + [html.unescape(re.sub(r"<[^>]+>", "", p)).replace("\u2060", "") for p in as_html])
    for text in visible:
        assert text in shown, f"{text!r} is not shown at all"


@pytest.fixture(autouse=True)
def _fresh_cached_handles():
    st.cache_resource.clear()


@pytest.fixture
def hostile_video(db, settings, user_a, tmp_path):
    """An analysed video whose name, transcript, shot readings and notes are all hostile."""
    video = analysed_video(db, settings, user_a, tmp_path, name=HOSTILE_NAME)
    repo.save_transcript(db, user_a, video.id, Transcript(
        language="en", text=HOSTILE, provider="openai", model="whisper-1",
        segments=[Segment(start=0.2, end=2.8, text=HOSTILE)]))
    shots = repo.get_shots(db, user_a, video.id)
    repo.save_shots(db, user_a, video.id, [
        s.model_copy(update={"issues": [HOSTILE], "setting": HOSTILE, "props": [HOSTILE]}) for s in shots])
    for mode in DirectorMode:
        repo.save_director_result(db, user_a, video.id, DirectorResult(
            mode=mode, provider="local", model="rules", prompt_version="v1", summary=HOSTILE,
            notes=[DirectorNote(start_s=0.5, end_s=1.5, category="[x](http://evil.example)", note=HOSTILE,
                                severity="warning")],
            original_script=HOSTILE, script=[HOSTILE, "Let's fix it."],
            shot_list=[ShotListItem(number=1, scale=ShotScale.CU, framing=HOSTILE, duration_s=2.0,
                                    line=HOSTILE)]))
    repo.record_llm_call(db, LLMCall(provider="openai", model="gpt-4o-mini", operation="direct.scene_director",
                                     cost_usd=0.02, user_id=user_a.id, video_id=video.id,
                                     created_at=datetime.now(timezone.utc)))
    return repo.get_video(db, user_a, video.id)


def test_review_shows_a_hostile_transcript_notes_and_readings_as_text(user_a, hostile_video):
    at = open_page(user_a, "pages/review.py", hostile_video.id)
    assert_shown_as_text(at, "<script>alert(1)</script>", HOSTILE_NAME)


def test_compare_shows_hostile_notes_scripts_and_shot_lists_as_text(user_a, hostile_video):
    at = open_page(user_a, "pages/compare.py", hostile_video.id)
    assert_shown_as_text(at, "[click](http://phish.example)", HOSTILE_NAME)


def test_the_library_shows_hostile_names_and_errors_as_text(db, settings, user_a, hostile_video, tmp_path):
    failed = ingest_path(db, settings, user_a, make_clip(tmp_path / "failed.mp4", colour_shift=9)).video
    repo.set_video_status(db, user_a, failed.id, VideoStatus.FAILED, f"Could not read {HOSTILE}")
    at = open_page(user_a, "pages/library.py")
    assert_shown_as_text(at, HOSTILE_NAME, "Could not read ![x]")


def test_the_jobs_page_shows_hostile_names_and_errors_as_text(db, user_a, hostile_video):
    job = repo.create_job(db, user_a, hostile_video.id, AnalysisParams(modes=[]))
    repo.finish_job(db, job.id, JobStatus.FAILED, HOSTILE)
    at = open_page(user_a, "pages/jobs.py")
    assert_shown_as_text(at, HOSTILE_NAME, "<img src=http://evil.example/i.png>")


def test_the_costs_page_charts_hostile_names_as_text(user_a, hostile_video):
    at = open_page(user_a, "pages/costs.py")
    assert_shown_as_text(at)
    assert any("&lt;img src=x" in piece for piece in rendered(at)[2]), "the video's name is charted, escaped"


def test_uploading_a_file_with_a_hostile_name_shows_the_name_as_text(user_a, tmp_path):
    clip = make_clip(tmp_path / "clip.mp4").read_bytes()
    at = open_page(user_a, "pages/upload.py")
    at.get("file_uploader")[0].set_value((HOSTILE_NAME, clip, "video/mp4"))
    at.run()
    at.button(key="upload_submit").click().run()
    assert_shown_as_text(at, f"Analysis · {HOSTILE_NAME}")


def test_the_markdown_download_carries_hostile_notes_as_text(db, user_a, hostile_video):
    result = load_analysis(db, user_a, hostile_video.id)

    document = _MD.render(exports.director_markdown(result.director, hostile_video.filename))

    assert not _MARKUP.search(document)
    assert not _AUTOLINK.search(html.unescape(re.sub(r"<[^>]+>", " ", document)))
    assert "<script>alert(1)</script>" in html.unescape(document).replace("\u2060", "")
