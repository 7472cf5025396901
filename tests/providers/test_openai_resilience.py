"""Failure modes through the real `openai` client against the fake server: what is retried,
how long we wait, what is repaired, and the message a user gets when we stop."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from framepilot.models import DirectorMode, Operation
from framepilot.prompts import full_rewrite
from framepilot.providers.base import ProviderError
from framepilot.providers.openai.director import OpenAIDirector
from framepilot.providers.openai.retry import RetryPolicy, retry_after_seconds
from framepilot.providers.openai.voice import OpenAIVoice
from framepilot.store import repository as repo
from framepilot.usage.metering import CallContext
from testkit import openai_samples as samples
from testkit.fake_openai import fake_settings

FAST = RetryPolicy(max_retries=3, base_delay_s=0.01, max_delay_s=0.04, max_retry_after_s=1.0)


@pytest.fixture
def ctx(db, user_a) -> CallContext:
    return CallContext(db=db, user_id=user_a.id)


def _direct(server, ctx, policy: RetryPolicy = FAST, mode=DirectorMode.SCENE_DIRECTOR, **settings):
    settings.setdefault("llm_cache", False)
    director = OpenAIDirector(fake_settings(server, **settings), policy)
    return director.direct(mode, samples.director_inputs(), ctx)


# --- retried ----------------------------------------------------------------------------


def test_a_429_is_retried_after_the_retry_after_seconds(fake_openai, ctx):
    fake_openai.fail_next("rate_limit", retry_after="0.3")

    result = _direct(fake_openai, ctx)

    first, second = fake_openai.chat_requests
    assert second.received_at - first.received_at >= 0.3  # the backoff alone is <= 0.04 s
    assert result.notes
    [row] = ctx.calls
    assert (row.status, row.retries) == ("ok", 1)


def test_retry_after_ms_takes_precedence(fake_openai, ctx):
    fake_openai.fail_next("rate_limit", retry_after="30", retry_after_ms="250")

    _direct(fake_openai, ctx)

    first, second = fake_openai.chat_requests
    assert 0.25 <= second.received_at - first.received_at < 1.0


def test_retry_after_can_be_an_http_date():
    now = datetime(2026, 11, 29, 12, 0, 0, tzinfo=timezone.utc)
    later = format_datetime(now + timedelta(seconds=7), usegmt=True)

    assert retry_after_seconds({"Retry-After": later}, now=now) == pytest.approx(7.0)
    assert retry_after_seconds({"Retry-After": format_datetime(now - timedelta(seconds=5), usegmt=True)}, now=now) == 0
    assert retry_after_seconds({"retry-after": "2"}) == 2.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_a_retry_after_longer_than_we_will_wait_fails_at_once(fake_openai, ctx):
    fake_openai.fail_next("rate_limit", retry_after="120")

    with pytest.raises(ProviderError, match="asked us to wait 120 s"):
        _direct(fake_openai, ctx)

    assert len(fake_openai.chat_requests) == 1


def test_server_errors_are_retried_with_backoff_until_success(fake_openai, ctx):
    fake_openai.fail_next("server_error", times=2, status=503)

    result = _direct(fake_openai, ctx)

    assert result.notes and len(fake_openai.chat_requests) == 3
    assert ctx.calls[0].retries == 2


def test_persistent_server_errors_stop_after_max_retries_with_a_clear_message(fake_openai, ctx, db, user_a):
    fake_openai.fail_next("server_error", times=10)

    with pytest.raises(ProviderError, match=r"kept failing \(HTTP 500\).*gave up after 3 retries"):
        _direct(fake_openai, ctx)

    assert len(fake_openai.chat_requests) == 4
    [row] = repo.list_llm_calls(db, user_a)
    assert (row.status, row.retries, row.error) == ("error", 3, "ProviderError")


def test_a_slow_reply_times_out_and_is_retried(fake_openai, ctx):
    fake_openai.fail_next("timeout", delay=0.5)

    result = _direct(fake_openai, ctx, openai_timeout_s=0.15)

    assert result.notes and ctx.calls[0].retries == 1


def test_timeouts_fail_after_max_retries_naming_the_timeout_setting(fake_openai, ctx):
    fake_openai.fail_next("timeout", times=5, delay=0.4)
    policy = RetryPolicy(max_retries=2, base_delay_s=0.01, max_delay_s=0.02)

    with pytest.raises(ProviderError, match=r"did not answer within 0.1 s.*FRAMEPILOT_OPENAI_TIMEOUT_S.*2 retries"):
        _direct(fake_openai, ctx, policy, openai_timeout_s=0.1)

    assert len(fake_openai.chat_requests) == 3
    assert ctx.calls[0].retries == 2


def test_an_unreadable_response_body_is_retried(fake_openai, ctx):
    fake_openai.fail_next("malformed_body")

    result = _direct(fake_openai, ctx)

    assert result.notes and ctx.calls[0].retries == 1


def test_a_refused_connection_is_retried_then_reported(ctx):
    with socket.socket() as sock:  # a port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    director = OpenAIDirector(
        fake_settings(_Unreachable(port), llm_cache=False), RetryPolicy(max_retries=1, base_delay_s=0.01))

    with pytest.raises(ProviderError, match="Could not connect .*OPENAI_BASE_URL"):
        director.direct(DirectorMode.SCENE_DIRECTOR, samples.director_inputs(), ctx)

    assert ctx.calls[0].retries == 1


class _Unreachable:
    def __init__(self, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}/v1"


def test_the_voice_is_retried_like_every_other_call(fake_openai, ctx, tmp_path):
    fake_openai.fail_next("rate_limit", retry_after="0.05")

    clip = OpenAIVoice(fake_settings(fake_openai), FAST).synthesise("Hello there.", tmp_path / "v.wav", ctx)

    assert clip.duration_s > 0 and ctx.calls[0].retries == 1


# --- not retried ------------------------------------------------------------------------


def test_a_rejected_api_key_fails_fast_without_retrying(fake_openai, ctx):
    fake_openai.fail_next("unauthorized", times=5)

    with pytest.raises(ProviderError) as err:
        _direct(fake_openai, ctx)

    assert str(err.value) == "The API key was rejected (401). Check OPENAI_API_KEY."
    assert len(fake_openai.chat_requests) == 1 and ctx.calls[0].retries == 0


@pytest.mark.parametrize(("kind", "expected"), [
    ("forbidden", "not allowed to use gpt-4o-mini \\(403\\)"),
    ("content_policy", "content policy"),
    ("insufficient_quota", "run out of credit"),
])
def test_other_client_errors_fail_fast_with_an_actionable_message(fake_openai, ctx, kind, expected):
    fake_openai.fail_next(kind, times=5)

    with pytest.raises(ProviderError, match=expected):
        _direct(fake_openai, ctx)

    assert len(fake_openai.chat_requests) == 1


def test_a_refusal_is_reported_and_not_repaired(fake_openai, ctx):
    fake_openai.fail_next("refusal", text="I can't help with that.")

    with pytest.raises(ProviderError, match="refused to write scene director notes.*I can't help with that"):
        _direct(fake_openai, ctx)

    assert len(fake_openai.chat_requests) == 1


# --- repaired ---------------------------------------------------------------------------


def test_a_reply_that_is_not_json_gets_one_repair_call_quoting_the_error(fake_openai, ctx):
    fake_openai.fail_next("malformed_json")

    result = _direct(fake_openai, ctx, mode=DirectorMode.FULL_REWRITE)

    first, repair = fake_openai.chat_requests
    assert repair.messages[: len(first.messages)] == first.messages
    assert repair.messages[-2]["role"] == "assistant" and repair.messages[-2]["content"].startswith("Sure!")
    assert "could not be read" in repair.messages[-1]["content"]
    assert "Invalid JSON" in repair.messages[-1]["content"]
    assert result.shot_list
    # Both calls are the full-rewrite step (one bar on the Costs page); the repair prompt's version tells them apart.
    assert [c.operation for c in ctx.calls] == [Operation.DIRECT_FULL_REWRITE] * 2
    assert [c.prompt_version for c in ctx.calls] == [full_rewrite.VERSION, f"{full_rewrite.VERSION}+repair-1"]
    assert all(c.cost_usd > 0 for c in ctx.calls)  # the unreadable reply was paid for: it is accounted


def test_a_truncated_reply_is_repaired_and_the_model_is_told_it_was_cut_off(fake_openai, ctx):
    fake_openai.fail_next("truncated_json")

    result = _direct(fake_openai, ctx, mode=DirectorMode.SCRIPT_REWRITE)

    assert "cut off at the token limit" in fake_openai.chat_requests[1].messages[-1]["content"]
    assert result.script


def test_a_reply_still_unreadable_after_the_repair_is_a_clear_error(fake_openai, ctx):
    fake_openai.fail_next("malformed_json", times=2)

    with pytest.raises(ProviderError, match="The model's reply could not be read"):
        _direct(fake_openai, ctx)

    assert len(fake_openai.chat_requests) == 2


def test_an_unreadable_reply_is_never_cached(fake_openai, ctx):
    fake_openai.fail_next("malformed_json", times=2)
    with pytest.raises(ProviderError):
        _direct(fake_openai, ctx, llm_cache=True)

    result = _direct(fake_openai, ctx, llm_cache=True)

    assert result.notes and len(fake_openai.chat_requests) == 3
