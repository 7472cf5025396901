"""When to retry an OpenAI call, how long to wait, and what to tell the user when we stop.

Transient failures (429, 408, 409, 5xx, timeouts, lost connections, unreadable reply bodies)
are retried with exponential backoff and jitter, or after the server's Retry-After.
Everything else fails fast with a message that says what to fix.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import openai

from framepilot.settings import Settings

CONTENT_POLICY_CODES = frozenset({"content_policy_violation", "content_filter", "moderation_blocked"})


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff parameters. Tests shrink the delays; production uses `from_settings`."""

    max_retries: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_retry_after_s: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(max_retries=settings.openai_max_retries)

    def backoff_s(self, retry_number: int, rng: random.Random | None = None) -> float:
        """Equal jitter: half of the exponential delay is fixed, half is random."""
        delay = min(self.max_delay_s, self.base_delay_s * 2**retry_number)
        return delay / 2 + (rng or random).uniform(0, delay / 2)


def retry_after_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """The server's requested wait: `retry-after-ms`, `retry-after` in seconds, or an HTTP-date."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if (ms := lowered.get("retry-after-ms")) is not None:
        try:
            return max(float(ms) / 1000, 0.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - (now or datetime.now(timezone.utc))).total_seconds(), 0.0)


@dataclass(frozen=True)
class Failure:
    """How one failed attempt is handled: retry or not, and the message if we give up."""

    kind: str
    retryable: bool
    message: str
    status: int | None = None
    retry_after_s: float | None = None

    def final_message(self, retries: int) -> str:
        if not self.retryable or retries == 0:
            return self.message
        return f"{self.message} (gave up after {retries} {'retry' if retries == 1 else 'retries'})"


def _is_content_policy(exc: openai.APIStatusError) -> bool:
    text = (exc.message or "").lower()
    return (exc.code or "") in CONTENT_POLICY_CODES or "content policy" in text or "safety system" in text


def classify_failure(exc: BaseException, *, model: str, base_url: str, timeout_s: float) -> Failure | None:
    """A Failure for errors of the API exchange; None for anything else (a bug: let it raise)."""
    if isinstance(exc, openai.APITimeoutError):
        return Failure("timeout", True,
                       f"The AI service at {base_url} did not answer within {timeout_s:g} s. Check the "
                       "network and OPENAI_BASE_URL, or raise FRAMEPILOT_OPENAI_TIMEOUT_S.")
    if isinstance(exc, openai.APIConnectionError):
        return Failure("connection", True,
                       f"Could not connect to the AI service at {base_url}. Check the network and "
                       "OPENAI_BASE_URL.")
    if isinstance(exc, (json.JSONDecodeError, openai.APIResponseValidationError)):
        return Failure("unreadable", True,
                       f"The AI service at {base_url} sent a reply that is not valid JSON. If "
                       "OPENAI_BASE_URL points at a compatible server, check that it implements this endpoint.")
    if not isinstance(exc, openai.APIStatusError):
        return None
    status = exc.status_code
    wait = retry_after_seconds(exc.response.headers)
    if status == 429 and exc.code == "insufficient_quota":
        return Failure("quota", False,
                       "The OpenAI account has run out of credit (429 insufficient_quota). Add credit or "
                       "check the plan, or use the local provider.", status)
    if status == 429:
        return Failure("rate_limit", True,
                       "The AI service kept rate-limiting requests (429). Wait a minute and retry, or "
                       "lower FRAMEPILOT_WORKERS.", status, wait)
    if status in (408, 409) or status >= 500:
        return Failure("server", True,
                       f"The AI service kept failing (HTTP {status}); it may be overloaded or down. "
                       "Retry later.", status, wait)
    if status == 401:
        return Failure("auth", False, "The API key was rejected (401). Check OPENAI_API_KEY.", status)
    if status == 403:
        return Failure("forbidden", False,
                       f"The API key is not allowed to use {model} (403). Check the key's project and "
                       "model access, or choose another model in the FRAMEPILOT_OPENAI_*_MODEL settings.",
                       status)
    if status == 404:
        return Failure("not_found", False,
                       f"The model {model!r} or the endpoint was not found (404). Check the "
                       "FRAMEPILOT_OPENAI_*_MODEL settings and OPENAI_BASE_URL.", status)
    if _is_content_policy(exc):
        return Failure("content_policy", False,
                       f"The AI service refused this content under its content policy ({status}). "
                       "This video cannot be analysed by this model; try the local provider.", status)
    detail = (exc.message or "").strip().replace("\n", " ")[:200]
    return Failure("rejected", False,
                   f"The AI service rejected the request as invalid ({status}: {detail}). Check the "
                   "model settings; the model may not support this kind of request.", status)
