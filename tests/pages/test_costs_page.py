"""The Costs & usage page through AppTest: the totals it shows are the store's, charts stack
the right costs, admins can look at everyone, and a user with no calls gets a helpful page."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from framepilot.models import LLMCall, Operation
from framepilot.services import accounts
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from tests.providers.test_local_usage import by_hand
from tests.support.browser import Browser
from tests.support.page_fixtures import analysed_video

PAGE = "pages/costs.py"

A_CALLS = [  # (model, operation, input, output, cost)
    ("gpt-4o-mini", Operation.DIRECT_SCENE_DIRECTOR, 1200, 300, 0.0125),
    ("gpt-4o-mini", Operation.DIRECT_SCRIPT_REWRITE, 800, 200, 0.0075),
    ("gpt-4o", Operation.ANALYSE_SHOTS, 5000, 100, 1.25),
    ("mystery-model", Operation.DIRECT_SCENE_DIRECTOR, 100, 10, None),
]
B_CALLS = [("gpt-4o", Operation.ANALYSE_SHOTS, 9000, 900, 2.5)]


def record(db, user, calls) -> None:
    for model, operation, tin, tout, cost in calls:
        repo.record_llm_call(db, LLMCall(provider="openai", model=model, operation=operation, input_tokens=tin,
                                         output_tokens=tout, cost_usd=cost, latency_ms=500.0, user_id=user.id))


@pytest.fixture
def costs_page(db, monkeypatch):
    """The Costs page in a browser signed in as `user`."""
    def open_page(user) -> AppTest:
        return Browser(db, monkeypatch).signed_in_as(user).open(PAGE)
    return open_page


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(autouse=True)
def _fresh_database_handle():
    """Each test has its own data folder: don't reuse the previous test's cached handle."""
    st.cache_resource.clear()


@pytest.fixture
def admin(db):
    return accounts.add_user(db, "root@example.com", "the admin passphrase", is_admin=True)


def test_a_user_without_calls_gets_the_empty_state(costs_page, db, user_a):
    at = costs_page(user_a)

    assert not at.exception
    assert at.title[0].value == ":material/payments: Costs & usage"
    assert "No AI calls yet" in at.info[0].value
    assert not at.metric and not at.main.get("plotly_chart")


def test_the_totals_shown_are_the_users_calls_in_the_store(costs_page, db, user_a, user_b):
    record(db, user_a, A_CALLS)
    record(db, user_b, B_CALLS)

    at = costs_page(user_a)

    assert not at.exception
    shown = metrics(at)
    assert shown["Calls"] == "4"
    assert shown["Cost"] == "$1.27"
    assert shown["Tokens in"] == f"{sum(c[2] for c in A_CALLS):,}"
    assert shown["Tokens out"] == f"{sum(c[3] for c in A_CALLS):,}"
    assert "1 call used a model that has no price" in at.warning[0].value


def test_the_stacked_daily_chart_adds_up_to_the_total_per_model(costs_page, db, user_a, user_b):
    record(db, user_a, A_CALLS)
    record(db, user_b, B_CALLS)

    at = costs_page(user_a)

    specs = [json.loads(el.proto.spec) for el in at.main.get("plotly_chart")]
    by_model = specs[0]
    stacked = {trace["name"]: sum(trace["y"]) for trace in by_model["data"]}
    assert by_model["layout"]["barmode"] == "stack"
    assert stacked["gpt-4o"] == pytest.approx(1.25)  # user B's gpt-4o calls are not in it
    assert stacked["gpt-4o-mini"] == pytest.approx(0.02)
    latency = next(s for s in specs if any(t.get("name") == "p95" for t in s["data"]))
    assert set(latency["data"][0]["x"]) == {"gpt-4o", "gpt-4o-mini", "mystery-model"}


def test_an_admin_sees_everyone_and_can_narrow_to_one_user(costs_page, db, admin, user_a, user_b):
    record(db, user_a, A_CALLS)
    record(db, user_b, B_CALLS)

    at = costs_page(admin)
    everyone = metrics(at)["Calls"]
    at.selectbox(key="costs_user").select(user_b.id).run()

    assert everyone == "5"
    assert metrics(at)["Calls"] == "1" and metrics(at)["Cost"] == "$2.50"


def test_a_non_admin_has_no_user_picker(costs_page, db, user_a):
    record(db, user_a, A_CALLS)

    at = costs_page(user_a)

    assert [s.key for s in at.selectbox] == []


def test_the_budget_bar_shows_this_months_spend_against_the_budget(costs_page, db, user_a, monkeypatch):
    monkeypatch.setenv("FRAMEPILOT_USER_MONTHLY_BUDGET_USD", "5")
    get_settings.cache_clear()
    record(db, user_a, A_CALLS)

    at = costs_page(user_a)

    (bar,) = at.main.get("progress")
    assert bar.proto.value == 25  # $1.27 of $5.00
    assert "of $5.00" in bar.proto.text


# --- local calls only ----------------------------------------------------------------------

LOCAL_CALLS = [  # (operation, model, compute seconds, audio seconds, characters)
    ("transcribe", "faster-whisper-base", 12.0, 90.0, 0),
    ("analyse_shots", "mediapipe-0.10.21", 6.0, 0.0, 0),
    ("direct.scene_director", "rules", 0.1, 0.0, 1200),
    ("direct.script_rewrite", "rules", 0.1, 0.0, 1200),
    ("direct.full_rewrite", "rules", 0.1, 0.0, 1200),
    ("synthesise", "hibari-heart", 4.0, 0.0, 500),
]


@pytest.fixture
def local_analysis(db, settings, user_a, tmp_path):
    """A video with three stored shots and the calls its local analysis and voice-over made."""
    video = analysed_video(db, settings, user_a, tmp_path)
    for operation, model, compute, audio, characters in LOCAL_CALLS:
        repo.record_llm_call(db, LLMCall(provider="local", model=model, operation=operation, compute_seconds=compute,
                                         audio_seconds=audio, characters=characters, latency_ms=compute * 900,
                                         user_id=user_a.id, video_id=video.id))
    return video


def charts_by_key(at: AppTest) -> dict[str, dict]:
    return {el.key: json.loads(el.proto.spec) for el in at.main.get("plotly_chart")}


def drawn_values(spec: dict) -> list[float]:
    """The bar lengths of a figure (y, or x for horizontal bars)."""
    return [v for trace in spec["data"] for v in trace["x" if trace.get("orientation") == "h" else "y"]]


def test_with_only_local_calls_the_page_leads_with_compute_and_its_charts_have_data(costs_page, user_a, local_analysis):
    at = costs_page(user_a)

    assert not at.exception
    assert at.subheader[0].value == ":material/memory: Compute"
    shown = metrics(at)
    assert shown["Compute"] == "22.3 s" and shown["Audio processed"] == "1.5 min" and shown["Cost"] == "$0.0000"
    specs = charts_by_key(at)
    per_day = {t["name"]: sum(t["y"]) for t in specs["costs_chart_compute_day"]["data"]}
    assert per_day == pytest.approx({"transcribe": 12.0, "cinematic": 6.0, "voice": 4.0, "direct": 0.3})
    per_stage = specs["costs_chart_compute_stage"]["data"][0]
    assert dict(zip(per_stage["x"], per_stage["y"])) == pytest.approx(per_day)
    per_model = specs["costs_chart_compute_model"]["data"][0]
    assert dict(zip(per_model["x"], per_model["y"]))["faster-whisper-base"] == pytest.approx(12.0)
    per_video = specs["costs_chart_compute_videos"]["data"][0]
    assert per_video["y"] == ["talk.mp4"] and per_video["x"] == pytest.approx([22.3])


def test_no_chart_is_drawn_on_an_empty_axis_when_nothing_was_spent(costs_page, user_a, local_analysis):
    at = costs_page(user_a)

    specs = charts_by_key(at)
    assert not {"costs_chart_model", "costs_chart_operation", "costs_chart_jobs", "costs_chart_videos"} & set(specs)
    assert all(any(drawn_values(spec)) for spec in specs.values())
    assert any("appear here once a priced call runs" in i.value for i in at.info)


def test_the_estimate_shown_is_the_price_table_applied_to_the_stored_usage(costs_page, user_a, local_analysis):
    at = costs_page(user_a)

    expected = by_hand(audio_s=90.0, shots=3, director_calls=3, transcript_chars=3 * 1200, voiced_chars=500)
    assert metrics(at)["Estimated OpenAI cost"] == f"≈ ${sum(expected.values()):,.4f}"
    table = at.dataframe[0].value  # the estimate comes before the usage table
    assert dict(zip(table["stage"], table["cost_usd"])) == pytest.approx(expected)
    assert any("An estimate, not a bill" in c.value for c in at.caption)


def test_with_spend_the_page_leads_with_cost_and_still_shows_local_compute(costs_page, db, user_a, local_analysis):
    record(db, user_a, A_CALLS)

    at = costs_page(user_a)

    assert [s.value for s in at.subheader][:2] == [":material/payments: Spend", ":material/memory: Compute"]
    assert list(charts_by_key(at))[0] == "costs_chart_model"
    assert metrics(at)["Compute"] == "22.3 s"
