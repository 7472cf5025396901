"""Counts read as English: "1 shot", "2 shots", "0 notes", in the CLI, the pages and the notes."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from framepilot.cli.analyze import summarise
from framepilot.core.wording import plural
from framepilot.models import (
    AnalysisResult,
    DirectorMode,
    LLMCall,
    Segment,
    Transcript,
    Word,
)
from framepilot.providers.base import DirectorInputs
from framepilot.providers.local.director import LocalDirector
from framepilot.store import repository as repo
from framepilot.usage.metering import CallContext
from tests.director.test_local_director import probe, shot
from tests.support.page_fixtures import analysed_video, open_page

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("count", "expected"), [
    (0, "0 shots"), (1, "1 shot"), (2, "2 shots"), (1.5, "1.5 shots"),
])
def test_only_exactly_one_takes_the_singular(count, expected):
    assert plural(count, "shot") == expected


def test_irregular_nouns_and_thousands():
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"
    assert plural(12045, "call", thousands=True) == "12,045 calls"


def one_word_transcript() -> Transcript:
    word = Word(word=" Hello.", start=0.5, end=0.9)
    return Transcript(language="en", text="Hello.", provider="local", model="test",
                      segments=[Segment(start=0.5, end=0.9, text=" Hello.", words=[word])])


def test_the_cli_summary_says_1_segment_1_word_and_1_ai_call():
    call = LLMCall(provider="local", model="rules", operation="direct.scene_director", compute_seconds=0.25)
    result = AnalysisResult(video=probe(2.0), shots=[shot(0, 0.0, 2.0)], transcript=one_word_transcript(),
                            usage=[call])

    text = summarise(result)

    assert "Transcript: en, 1 segment, 1 word" in text
    assert "Usage: 1 AI call, 0.2 s of compute, cost $0.0000" in text


def test_the_scene_directors_summary_counts_one_shot_in_the_singular():
    inputs = DirectorInputs(probe=probe(2.0), shots=[shot(0, 0.0, 2.0)], transcript=one_word_transcript())

    result = LocalDirector().direct(DirectorMode.SCENE_DIRECTOR, inputs, CallContext())

    assert "1 shot" in result.summary and "1 shots" not in result.summary


def test_the_library_says_1_shot_for_a_one_shot_video(db, settings, user_a, tmp_path):
    st.cache_resource.clear()
    video = analysed_video(db, settings, user_a, tmp_path)
    repo.save_shots(db, user_a, video.id, repo.get_shots(db, user_a, video.id)[:1])

    at = open_page(user_a, "pages/library.py")

    captions = " ".join(c.value for c in at.caption)
    assert "· 1 shot ·" in captions
