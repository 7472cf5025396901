"""The Costs & usage page through AppTest: the totals it shows are the store's, charts stack
the right costs, admins can look at everyone, and a user with no calls gets a helpful page."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from framepilot import accounts
from framepilot.models import LLMCall
from framepilot.settings import get_settings
from framepilot.store import repository as repo
from tests.browser import Browser

PAGE = "pages/costs.py"

A_CALLS = [  # (model, operation, input, output, cost)
    ("gpt-4o-mini", "director", 1200, 300, 0.0125),
    ("gpt-4o-mini", "rewrite", 800, 200, 0.0075),
    ("gpt-4o", "shot_analysis", 5000, 100, 1.25),
    ("mystery-model", "director", 100, 10, None),
]
B_CALLS = [("gpt-4o", "shot_analysis", 9000, 900, 2.5)]


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
